"""SCORM packages of the whole course: ``OUT/lms/<course slug>-scorm12.zip`` and ``-scorm2004.zip``.

Each package is the built site (read from the output folder, so the site must
be written first) as one SCO per module with its quiz, plus ``imsmanifest.xml``
and the ADL schema files. ``scorm_site`` decides which files go in and adds
the launch pages and the runtime script; ``scorm_manifest`` writes the
manifest. See docs/scorm.md for what an LMS receives.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path, PurePosixPath

from ..model import Course
from ..render.markdown import slug
from . import Written, exporter, lms_dir
from .scorm_manifest import SCORM12, SCORM2004, ScormVersion, manifest_document, xml_bytes
from .scorm_site import added_files, course_scos, crawl, site_reader, split_resources

ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def package_name(course: Course, version: ScormVersion) -> str:
    return f"{slug(course.title)}-{version.kind}.zip"


# Files whose content is compressed already: stored as they are, deflating them again gains nothing.
STORED = {".pdf", ".woff", ".woff2", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".zip", ".mp3", ".mp4", ".webm"}


def package_files(course: Course, site: Path, version: ScormVersion) -> dict[str, bytes | Path]:
    """Every file of the package by its path in the zip (its bytes, or the built file holding them):
    manifest, schemas, then the content."""
    if not (site / "index.html").is_file():
        raise FileNotFoundError(f"{site}: no built site to package (the SCORM exporters run after the site is written)")
    scos = course_scos(course)
    read = site_reader(site, added_files(course, scos, site, version.runtime))
    links = crawl(read, ["index.html", *(page for sco in scos for page in sco.pages)])
    own, shared = split_resources(links, scos)
    files: dict[str, bytes | Path] = {"imsmanifest.xml": xml_bytes(manifest_document(course, scos, own, shared, version))}
    files.update(version.schema_files())
    files.update({rel: read(rel) for rel in sorted(links)})
    return files


def write_zip(path: Path, files: dict[str, bytes | Path]) -> None:
    """A reproducible zip: fixed dates and modes, entries in the order given.

    Files on disk are copied in a block at a time; compressed formats are stored.
    """
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in files.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_STORED if PurePosixPath(name).suffix.lower() in STORED else zipfile.ZIP_DEFLATED
            if isinstance(content, Path):
                info.file_size = content.stat().st_size
                with content.open("rb") as source, archive.open(info, "w") as target:
                    shutil.copyfileobj(source, target, 1 << 20)
            else:
                archive.writestr(info, content)


def export_scorm(course: Course, out_dir: Path, version: ScormVersion) -> list[Written]:
    path = lms_dir(out_dir) / package_name(course, version)
    write_zip(path, package_files(course, Path(out_dir), version))
    return [Written(path, version.kind)]


@exporter("scorm12")
def export_scorm12(course: Course, out_dir: Path) -> list[Written]:
    return export_scorm(course, out_dir, SCORM12)


@exporter("scorm2004")
def export_scorm2004(course: Course, out_dir: Path) -> list[Written]:
    return export_scorm(course, out_dir, SCORM2004)
