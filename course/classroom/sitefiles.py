"""The built site as a learner may see it: an allow-list by the build's ``manifest.json`` kinds.

The classroom server never serves the output folder as a folder. At start it
reads ``manifest.json`` (course-format.md section 2) and keeps, for every
file the build wrote, its kind; a request is answered only for a path the
manifest lists, and only to whom its kind is for:

- learners (anyone): the site's pages and assets, module handouts, the
  course book and quiz *sheets*;
- signed-in trainers only: answer keys and LMS packages (GIFT, Moodle XML,
  QTI, SCORM), which hold every right answer;
- nobody: quiz pages (``/quizzes/<quiz>.html`` is the classroom's own route,
  which strips exam pages), ``manifest.json`` itself, any kind this list does
  not know and any file the manifest does not name.

Paths are made canonical once, before any rule (``canonical_path`` and the
``CanonicalPaths`` middleware): the server has already percent-decoded the
path once; empty and ``.`` segments go and a trailing slash goes; a ``..``
segment (or a NUL byte) anywhere gets 404. A GET or HEAD for a path that is not
canonical is redirected (308) to the canonical one, any other method gets
404, so no spelling of a path reaches what its canonical form would not.
"""

from __future__ import annotations

import json
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response

from ..problems import CourseError, Problem

LEARNER_KINDS = frozenset(
    {
        "site-index",
        "glossary-html",
        "learners-html",
        "module-html",
        "module-asset",
        "asset",
        "font",
        "module-pdf",
        "course-pdf",
        "quiz-sheet-pdf",
        "bubbles",
    }
)
TRAINER_KINDS = frozenset({"quiz-key-pdf", "qti", "qti12", "moodle-xml", "gift", "scorm12", "scorm2004", "imscc", "imscc11", "cmi5"})


@dataclass(frozen=True)
class SiteFiles:
    root: Path
    kinds: dict[str, str]  # path relative to root (POSIX) -> manifest kind

    def audience(self, rel: str) -> str:
        """``learner``, ``trainer`` or ``nobody``."""
        kind = self.kinds.get(rel)
        if kind in LEARNER_KINDS:
            return "learner"
        if kind in TRAINER_KINDS:
            return "trainer"
        return "nobody"

    def path(self, rel: str) -> Path | None:
        """The file on disk, if it is inside the site folder (a symlink out of it is not served)."""
        target = (self.root / rel).resolve()
        return target if target.is_relative_to(self.root) and target.is_file() else None


def load_site_files(site_dir: Path) -> SiteFiles:
    manifest = site_dir / "manifest.json"
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
        kinds = {str(entry["path"]): str(entry["kind"]) for entry in data["outputs"]}
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise CourseError([Problem(str(manifest), None, f"not a build's manifest ({error}): serve a folder `build` wrote")]) from None
    return SiteFiles(site_dir.resolve(), kinds)


def canonical_path(path: str) -> str | None:
    """The one spelling of an (already percent-decoded) path, or None when it has a ``..`` segment or a NUL byte."""
    if "\x00" in path:
        return None
    parts: list[str] = []
    for segment in path.split("/"):
        if segment in ("", "."):
            continue
        if segment == "..":
            return None  # nothing of this site is reached by climbing: 404 rather than a redirect
        else:
            parts.append(segment)
    return "/" + "/".join(parts)


class CanonicalPaths:
    """Pure ASGI: 308 to the canonical path (GET, HEAD), 404 for other methods; canonical requests pass."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope["path"]
        canonical = canonical_path(path)
        if canonical == path:
            return await self.app(scope, receive, send)
        if canonical is None or scope["method"] not in ("GET", "HEAD"):
            response = Response("not found\n", status_code=404, media_type="text/plain")
        else:
            location = urllib.parse.quote(canonical, safe="/:@!$&'()*+,;=-._~")
            query = scope.get("query_string", b"").decode("latin-1")
            response = Response(status_code=308, headers={"Location": location + (f"?{query}" if query else "")})
        await response(scope, receive, send)


async def site_file(request: Request) -> Response:
    """GET /<path>: a file of the build, to whom its kind is for; 404 otherwise (nothing told about why)."""
    from .web import classroom, current_trainer_or_none

    room = classroom(request)
    files: SiteFiles = room.site_files
    rel = request.url.path.lstrip("/") or "index.html"
    audience = files.audience(rel)
    if audience == "trainer" and await current_trainer_or_none(request) is None:
        audience = "nobody"
    target = files.path(rel) if audience != "nobody" else None
    if target is None:
        return Response("not found\n", status_code=404, media_type="text/plain")
    headers = {"Cache-Control": "no-store"} if audience == "trainer" else {}
    return FileResponse(target, headers=headers)
