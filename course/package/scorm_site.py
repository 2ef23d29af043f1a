"""The built course site as SCORM content: what a package holds, and what it adds.

A package carries the site the build already wrote, not a second rendering.
Its files are found by following every local ``href``, ``src`` and CSS
``url()`` from the learner's pages, so files no learner page links to (answer
keys, the other LMS exports, ``manifest.json``) stay out. The package adds:

- a launch page per SCO, ``sco/<module id>.html`` (``templates/scorm/sco.html``):
  one SCO per module with its quizzes; the launch page keeps the SCORM
  session while the learner moves between the module page and its quiz in
  its frame, since a SCO may initialise only once per launch;
- the runtime, ``assets/js/scorm.js``, on each quiz page: one ``<script>``
  element appended to ``<body>`` with lxml.html, after the page's own scripts.
"""

from __future__ import annotations

import functools
import hashlib
import posixpath
import re
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html

from ..model import Course, Module, Quiz
from ..render.environment import ASSETS, TEMPLATES, environment
from ..render.i18n import translations

RUNTIME = "assets/js/scorm.js"
LAUNCH_STYLE = "sco/sco.css"
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)|@import\s+(['"])([^'"]+)\3""")


@dataclass(frozen=True)
class Sco:
    """One module and its quizzes: one item in the organisation, one launch page."""

    module: Module
    number: int
    quizzes: tuple[Quiz, ...]

    @property
    def launch(self) -> str:
        return f"sco/{self.module.id}.html"

    @property
    def pages(self) -> tuple[str, ...]:
        return (self.launch, f"modules/{self.module.id}.html", *(f"quizzes/{quiz.id}.html" for quiz in self.quizzes))

    @property
    def mastery(self) -> float | None:
        """The pass mark an LMS may judge the SCO by: only for a module with one quiz."""
        return self.quizzes[0].pass_mark if len(self.quizzes) == 1 else None


def course_scos(course: Course) -> list[Sco]:
    return [Sco(module, number, tuple(course.quizzes_for(module.id))) for number, module in enumerate(course.modules, start=1)]


def sco_title(course: Course, sco: Sco) -> str:
    """The module's title as the site shows it: "Module 2: ..." in the course's language."""
    label = translations(course.language, course.interface).gettext("Module %(n)s") % {"n": sco.number}
    return f"{label}: {sco.module.title}"


# -- what the package adds


def runtime_config(course: Course, sco: Sco, version: str) -> dict:
    """What scorm.js reads from the launch page's ``data-sco``."""
    quizzes = [{"id": quiz.id, "max": quiz.max_points, "pass_mark": quiz.pass_mark} for quiz in sco.quizzes]
    return {"version": version, "language": course.language, "module": sco.module.id, "quizzes": quizzes}


def launch_page(course: Course, sco: Sco, version: str) -> bytes:
    template = environment(course.language, course.interface).get_template("scorm/sco.html")
    page = template.render(course=course, module=sco.module, title=sco_title(course, sco), config=runtime_config(course, sco, version))
    return page.encode("utf-8")


def with_runtime(page: bytes, rel: str) -> bytes:
    """The page with ``<script src=".../assets/js/scorm.js">`` appended to its body."""
    document = lxml.html.document_fromstring(page)
    script = document.body.makeelement("script", {"src": posixpath.relpath(RUNTIME, posixpath.dirname(rel) or ".")})
    document.body.append(script)
    return lxml.html.tostring(document, doctype="<!DOCTYPE html>", encoding="unicode").encode("utf-8")


def added_files(course: Course, scos: list[Sco], site: Path, version: str) -> dict[str, bytes]:
    """The launch pages, their style sheet, the runtime and the quiz pages that load it."""
    files = {sco.launch: launch_page(course, sco, version) for sco in scos}
    files[LAUNCH_STYLE] = (TEMPLATES / "scorm" / "sco.css").read_bytes()
    files[RUNTIME] = (ASSETS / "js" / "scorm.js").read_bytes()
    for sco in scos:
        for rel in sco.pages[2:]:
            if (site / rel).is_file():
                files[rel] = with_runtime((site / rel).read_bytes(), rel)
    return files


# -- what the package holds


def site_reader(site: Path, added: dict[str, bytes], pending: frozenset[str] = frozenset()) -> Callable[[str], bytes | Path | None]:
    """A file of the package by its path: an added file's bytes, else the built site's file (None if neither).

    Files stay on disk until the zip is written, one at a time: a package of
    200 modules holds a few hundred megabytes of PDFs. ``pending`` files are
    being written (the PDFs, while the package is begun): they count as there.
    """

    @functools.cache
    def read(rel: str) -> bytes | Path | None:
        if rel in added:
            return added[rel]
        path = site / rel
        return path if rel in pending or path.is_file() else None

    return read


def crawl(read: Callable[[str], bytes | Path | None], start: list[str]) -> dict[str, set[str]]:
    """Every file reachable from ``start`` -> the files it links to (links to missing files are dropped)."""
    links: dict[str, set[str]] = {}
    queue = deque(start)
    while queue:
        rel = queue.popleft()
        found = None if rel in links else read(rel)
        if found is None:
            continue
        targets = {target for target in (local_target(rel, link) for link in file_links(rel, found)) if target and read(target) is not None}
        links[rel] = targets
        queue.extend(sorted(targets - links.keys()))
    return links


def file_links(rel: str, found: bytes | Path) -> tuple[str, ...]:
    """The links of a page or style sheet (other files link to nothing and are not read).

    Both packages hold the same pages, and a build after an edit mostly the
    last build's: a file's links are kept by its content's SHA-1 and kind.
    """
    suffix = posixpath.splitext(rel)[1].lower()
    if suffix not in (".html", ".htm", ".css"):
        return ()
    data = found.read_bytes() if isinstance(found, Path) else found
    key = (suffix, hashlib.sha1(data, usedforsecurity=False).digest())
    if key not in _LINKS:
        if len(_LINKS) >= LINKS_KEPT:
            _LINKS.clear()
        _LINKS[key] = tuple(_parse_links(suffix, data))
    return _LINKS[key]


LINKS_KEPT = 20_000  # files whose links are kept (a few hundred bytes each)
_LINKS: dict[tuple[str, bytes], tuple[str, ...]] = {}


def _parse_links(suffix: str, data: bytes) -> Iterator[str]:
    if suffix in (".html", ".htm"):
        for _element, _attribute, link, _position in lxml.html.document_fromstring(data).iterlinks():
            yield link
    else:
        for match in CSS_URL.finditer(data.decode("utf-8", "replace")):
            yield match.group(2) or match.group(4)


def local_target(page: str, link: str) -> str | None:
    """The package path a link of ``page`` points at, or None for other sites, anchors, data: URLs."""
    parts = urlsplit(link.strip())
    if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
        return None
    path = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path)))
    return None if path == ".." or path.startswith("../") else path


def split_resources(links: dict[str, set[str]], scos: list[Sco]) -> tuple[dict[str, list[str]], list[str]]:
    """Each file goes to the SCO whose pages alone use it; everything else is shared."""
    owner = {page: sco.module.id for sco in scos for page in sco.pages}
    users: dict[str, set[str | None]] = {}
    for page, targets in links.items():
        for target in targets:
            users.setdefault(target, set()).add(owner.get(page))
    own: dict[str, list[str]] = {sco.module.id: [] for sco in scos}
    shared: list[str] = []
    for rel in sorted(links):
        used_by = users.get(rel, {None})
        key = owner.get(rel) or (next(iter(used_by)) if len(used_by) == 1 else None)
        (own[key] if key else shared).append(rel)
    return own, shared
