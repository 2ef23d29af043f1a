"""Map a request path to a file of the preview folder, and to nothing else.

The request target is percent-decoded exactly once. A decoded ``.`` or ``..``
segment, a backslash or a NUL is refused outright (403); what is left is
joined under the folder and resolved with symlinks followed, and must still be
inside the folder (403 otherwise). So ``../``, ``%2e%2e/``, ``..%2f``,
absolute paths and links pointing out all stop here; ``%252e%252e`` decodes to
the literal name ``%2e%2e``, which is simply not there (404).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit


class Refused(Exception):
    """The request cannot be served: ``status`` says why (400, 403 or 404)."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status


def request_parts(target: str) -> list[str]:
    """The path segments of a request target, decoded once and checked."""
    raw = urlsplit(target).path
    try:
        decoded = unquote(raw, errors="strict")
    except UnicodeDecodeError as error:
        raise Refused(400, "the path is not UTF-8") from error
    if "\\" in decoded or "\0" in decoded:
        raise Refused(403, "backslashes and NUL are not allowed in paths")
    parts = [part for part in decoded.split("/") if part]
    if any(part in (".", "..") for part in parts):
        raise Refused(403, "`.` and `..` are not allowed in paths")
    return parts


def resolve(folder: Path, target: str) -> Path:
    """The file ``target`` names inside ``folder`` (an ``index.html`` for a folder)."""
    base = folder.resolve()
    path = base.joinpath(*request_parts(target)).resolve()
    if not path.is_relative_to(base):
        raise Refused(403, "the path leads outside the site")
    if path.is_dir():
        path = path / "index.html"
    if not path.is_file():
        raise Refused(404, "no such page")
    return path
