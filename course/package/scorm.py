"""SCORM packages of the whole course: ``OUT/lms/<course slug>-scorm12.zip`` and ``-scorm2004.zip``.

Each package is the built site (read from the output folder, so the site must
be written first) as one SCO per module with its quiz, plus ``imsmanifest.xml``
and the ADL schema files. ``scorm_site`` decides which files go in and adds
the launch pages and the runtime script; ``scorm_manifest`` writes the
manifest. See docs/scorm.md for what an LMS receives.
"""

from __future__ import annotations

import functools
import os
import shutil
import zipfile
from pathlib import Path, PurePosixPath

from ..model import Course
from ..render.markdown import slug
from . import Written, exporter, lms_dir
from .scorm_manifest import SCORM12, SCORM2004, ScormVersion, manifest_document, xml_bytes
from .scorm_site import added_files, course_scos, crawl, site_reader, split_resources

ZIP_DATE = (1980, 1, 1, 0, 0, 0)
LATER = "pdf/"  # where the build writes PDFs: last in every package
# zlib's fastest level: half the time of its default for a package 2-3 % larger (most of a package is stored PDFs).
DEFLATE_LEVEL = 1


def package_name(course: Course, version: ScormVersion) -> str:
    return f"{slug(course.title)}-{version.kind}.zip"


# Files whose content is compressed already: stored as they are, deflating them again gains nothing.
STORED = {".pdf", ".woff", ".woff2", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".zip", ".mp3", ".mp4", ".webm"}


def package_files(course: Course, site: Path, version: ScormVersion, pending: frozenset[str] = frozenset()) -> dict[str, bytes | Path]:
    """Every file of the package by its path in the zip (its bytes, or the built file holding them):
    manifest, schemas, then the content. ``pending`` files of the site are being written (PDFs): taken as there."""
    if not (site / "index.html").is_file():
        raise FileNotFoundError(f"{site}: no built site to package (the SCORM exporters run after the site is written)")
    scos = course_scos(course)
    read = site_reader(site, added_files(course, scos, site, version.runtime), pending)
    links = crawl(read, ["index.html", *(page for sco in scos for page in sco.pages)])
    own, shared = split_resources(links, scos)
    files: dict[str, bytes | Path] = {"imsmanifest.xml": xml_bytes(manifest_document(course, scos, own, shared, version))}
    files.update(version.schema_files())
    files.update({rel: read(rel) for rel in sorted(links)})
    return files


def last(name: str) -> bool:
    """Whether an entry goes at the end of the zip: the PDFs, so the rest can be written while they are laid out."""
    return name.startswith(LATER)


def write_zip(path: Path, files: dict[str, bytes | Path]) -> None:
    """A reproducible zip: fixed dates and modes; the entries in the order given, the PDFs last."""
    writer = PackageWriter(path, files)
    writer.finish()


class PackageWriter:
    """A package in two steps: every entry but the PDFs now, the PDFs (``finish``) once they are written.

    It is written beside ``path`` and put there whole by ``finish``; files on
    disk are copied in a block at a time, and compressed formats are stored.
    """

    def __init__(self, path: Path, files: dict[str, bytes | Path]):
        self.path, self.files = Path(path), files
        self.partial = self.path.with_name(self.path.name + ".partial")
        self.archive = zipfile.ZipFile(self.partial, "w")
        try:
            for name, content in files.items():
                if not last(name):
                    _add(self.archive, name, content)
        except BaseException:
            self.abort()
            raise

    def finish(self) -> Path:
        try:
            for name, content in self.files.items():
                if last(name):
                    _add(self.archive, name, content)
            self.archive.close()
        except BaseException:
            self.abort()
            raise
        os.replace(self.partial, self.path)
        return self.path

    def abort(self) -> None:
        self.archive.close()
        self.partial.unlink(missing_ok=True)


def _add(archive: zipfile.ZipFile, name: str, content: bytes | Path) -> None:
    """One entry: stored, streamed from disk (PDFs, images), or deflated at ``DEFLATE_LEVEL`` (pages, scripts, fonts)."""
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    info.external_attr = 0o644 << 16
    if PurePosixPath(name).suffix.lower() in STORED:
        info.compress_type = zipfile.ZIP_STORED
        if isinstance(content, Path):
            info.file_size = content.stat().st_size
            with content.open("rb") as source, archive.open(info, "w") as target:
                shutil.copyfileobj(source, target, 1 << 20)
            return
    else:
        info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, content.read_bytes() if isinstance(content, Path) else content, compresslevel=DEFLATE_LEVEL)


def begin_scorm(course: Course, out_dir: Path, pending: frozenset[str], version: ScormVersion) -> PackageWriter:
    """Start the package while the PDFs named ``pending`` are being laid out; ``finish()`` it once they are written."""
    return PackageWriter(lms_dir(out_dir) / package_name(course, version), package_files(course, Path(out_dir), version, pending))


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


# Course packages that can be begun beside the PDF stage, by exporter name (which is the kind of file written).
BEGUN = {version.kind: functools.partial(begin_scorm, version=version) for version in (SCORM12, SCORM2004)}
