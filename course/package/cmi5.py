"""cmi5: the course as a cmi5 course package, ``lms/<course slug>-cmi5.zip``.

``cmi5.xml`` (the cmi5 course structure) lists one assignable unit (AU) per
module page and one per quiz page, in course order, each module's quizzes
after it in a block named after the module. A module AU's move-on criterion
is ``Completed`` (its end seen); a quiz AU's is ``Passed`` with the quiz's
pass mark as ``masteryScore`` (0-1), so an LMS that applies move-on
satisfies it when the learner passes.

The package holds the built site's files that the module and quiz pages link
to (as the Common Cartridge does) plus ``assets/js/cmi5.js``, the cmi5
runtime, appended to exactly the module and quiz pages of this package with
their AU's settings in ``data-cmi5``; nothing else loads it, and the site's
own pages are untouched. What the runtime sends is described in the script.
"""

from __future__ import annotations

import json
import posixpath
from pathlib import Path

import lxml.html
from lxml import etree
from lxml.builder import ElementMaker

from ..model import Course
from ..render.environment import ASSETS
from ..render.markdown import slug
from . import Written, exporter, lms_dir
from .markup import number
from .qti import xml_bytes
from .scorm import write_zip
from .scorm_site import course_scos, crawl, sco_title, site_reader

NAMESPACE = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"
RUNTIME = "assets/js/cmi5.js"
C = ElementMaker(namespace=NAMESPACE, nsmap={None: NAMESPACE})


def package_name(course: Course) -> str:
    return f"{slug(course.title)}-cmi5.zip"


def course_iri(course: Course) -> str:
    """The course's IRI: stable for a title, so a re-import is the same course to the LMS."""
    return f"urn:course-engine:{slug(course.title)}"


def text(tag: str, value: str, language: str) -> etree._Element:
    return C(tag, C.langstring(value, lang=language))


def course_structure(course: Course) -> etree._Element:
    language = course.language
    iri = course_iri(course)
    parts = []
    for sco in course_scos(course):
        module = sco.module
        units = [
            C.au(
                text("title", module.title, language),
                text("description", module.summary or module.title, language),
                C.url(f"modules/{module.id}.html"),
                id=f"{iri}/modules/{module.id}",
                moveOn="Completed",
                launchMethod="AnyWindow",
            )
        ]
        for quiz in sco.quizzes:
            units.append(
                C.au(
                    text("title", quiz.title, language),
                    text("description", quiz.title, language),
                    C.url(f"quizzes/{quiz.id}.html"),
                    id=f"{iri}/quizzes/{quiz.id}",
                    moveOn="Passed",
                    masteryScore=number(quiz.pass_mark / 100),
                    launchMethod="AnyWindow",
                )
            )
        title = sco_title(course, sco)
        parts.append(
            C.block(
                text("title", title, language),
                text("description", module.summary or title, language),
                *units,
                id=f"{iri}/blocks/{module.id}",
            )
        )
    head = C.course(text("title", course.title, language), text("description", course.description or course.title, language), id=iri)
    return C.courseStructure(head, *parts)


def with_runtime(page: bytes, rel: str, settings: dict) -> bytes:
    """The page with ``<script src=".../assets/js/cmi5.js" data-cmi5="...">`` appended to its body (built with lxml)."""
    document = lxml.html.document_fromstring(page)
    source = posixpath.relpath(RUNTIME, posixpath.dirname(rel) or ".")
    document.body.append(document.body.makeelement("script", {"src": source, "data-cmi5": json.dumps(settings, sort_keys=True)}))
    return lxml.html.tostring(document, doctype="<!DOCTYPE html>", encoding="unicode").encode("utf-8")


def package_files(course: Course, site: Path) -> dict[str, bytes | Path]:
    if not (site / "index.html").is_file():
        raise FileNotFoundError(f"{site}: no built site to package (the cmi5 exporter runs after the site is written)")
    units: dict[str, dict] = {}
    for sco in course_scos(course):
        units[f"modules/{sco.module.id}.html"] = {"kind": "module"}
        for quiz in sco.quizzes:
            units[f"quizzes/{quiz.id}.html"] = {"kind": "quiz", "quiz": quiz.id, "pass_mark": quiz.pass_mark}
    added = {rel: with_runtime((site / rel).read_bytes(), rel, settings) for rel, settings in units.items() if (site / rel).is_file()}
    added[RUNTIME] = (ASSETS / "js" / "cmi5.js").read_bytes()
    read = site_reader(site, added)
    links = crawl(read, [*units, "glossary.html"])
    files: dict[str, bytes | Path] = {"cmi5.xml": xml_bytes(course_structure(course))}
    files.update({rel: read(rel) for rel in sorted(set(links) | {RUNTIME})})
    return files


@exporter("cmi5")
def export_cmi5(course: Course, out_dir: Path) -> list[Written]:
    path = lms_dir(out_dir) / package_name(course)
    write_zip(path, package_files(course, Path(out_dir)))
    return [Written(path, "cmi5")]
