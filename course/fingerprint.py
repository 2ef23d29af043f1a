"""Fingerprints: SHA-256 of files, of model values, of the engine and its templates.

An output is reused only when the fingerprint of everything it is made from
is the one recorded when it was made (``course.build.keys`` says what that
is). Fingerprints are of content, never of timestamps.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .usercache import user_cache, write_atomic

if TYPE_CHECKING:
    import jinja2

ENGINE = Path(__file__).resolve().parent
# Libraries whose version changes what a build writes (WeasyPrint's layout, Markdown's HTML, ...).
LIBRARIES = (
    "weasyprint",
    "pydyf",
    "markdown",
    "jinja2",
    "pypdf",
    "pyyaml",
    "fonttools",
    "tinycss2",
    "cssselect2",
    "fontpkg-amiri",
    "nh3",
    "tinyhtml5",
    "pygments",
    "latex2mathml",
    "ziamath",
    "ziafont",
    "pymdown-extensions",
)
# Where a value sits in its source file: it is reported in problems, never rendered.
LOCATION_FIELDS = frozenset({"path", "line", "body_line", "front_lines", "module_line"})
COURSE_FOLDERS = ("modules", "quizzes", "trainer")
# Parts of the engine a build never runs: the classroom server, the authoring tools, the linter, the command line, the build server.
# templates/: an installed wheel carries them here; builds key them one by one (``course.build.keys``)
NOT_BUILDING = ("classroom/", "authoring/", "lint/", "commands/", "build/server/", "templates/")
COURSE_FILES = ("course.yaml", "glossary.yaml")


def digest(value) -> str:
    """The fingerprint of a value: model objects, lists, mappings, strings, numbers."""
    text = json.dumps(value, default=_plain, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _plain(value):
    """What JSON cannot write itself, as something it can (the encoder recurses into the result)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value) if f.name not in LOCATION_FIELDS}
    if isinstance(value, Path):
        return value.as_posix()
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    return str(value)


def file_digest(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def folder_digests(folder: Path, base: Path | None = None) -> dict[str, str]:
    """Every file under ``folder`` (caches left out) by its path relative to ``base``."""
    base = base or folder
    files = sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts) if folder.is_dir() else []
    return {p.relative_to(base).as_posix(): file_digest(p) for p in files}


@functools.cache
def engine() -> str:
    """The engine's own version: its source, catalogs and schemas, and the libraries it renders with."""
    versions = installed_versions(LIBRARIES)
    source = {path: sha for path, sha in folder_digests(ENGINE).items() if not path.startswith(NOT_BUILDING)}
    return digest({"source": source, "libraries": versions})


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def installed_versions(names: tuple[str, ...]) -> dict[str, str | None]:
    """The installed version of each distribution (None if it is not installed).

    Read from the names of the ``NAME-VERSION.dist-info`` folders on
    ``sys.path`` (what ``importlib.metadata`` finds first), which is one
    directory listing; ``importlib.metadata`` scans the path once per name.
    A name not found that way is asked of ``importlib.metadata``.
    """
    wanted = {_canonical(name): name for name in names}
    found: dict[str, str | None] = {}
    for entry in sys.path:
        try:
            listing = os.listdir(entry or ".")
        except OSError:
            continue
        for folder in listing:
            stem, dot, suffix = folder.rpartition(".")
            if suffix != "dist-info" or "-" not in stem:
                continue
            name, _, version = stem.partition("-")
            original = wanted.get(_canonical(name))
            if original is not None and original not in found:
                found[original] = version
    missing = [name for name in names if name not in found]
    if missing:
        from importlib import metadata

        for name in missing:
            try:
                found[name] = metadata.version(name)
            except metadata.PackageNotFoundError:
                found[name] = None
    return {name: found[name] for name in names}


def course_files(root: Path) -> dict[str, str]:
    """Every file of the course that a build reads, by path relative to the course root."""
    root = Path(root)
    files = {name: file_digest(root / name) for name in COURSE_FILES if (root / name).is_file()}
    for folder in COURSE_FOLDERS:
        files.update(folder_digests(root / folder, root))
    return files


class Templates:
    """Fingerprints of templates, each with every template it extends, includes or imports."""

    def __init__(self, env: jinja2.Environment, folder: Path):
        self.env, self.folder = env, folder
        self.known: dict[str, str] = {}

    def __call__(self, *names: str) -> str:
        return digest([self._one(name) for name in names])

    def file(self, name: str) -> str:
        return file_digest(self.folder / name)

    def _one(self, name: str) -> str:
        if name not in self.known:
            source = (self.folder / name).read_text(encoding="utf-8")
            used = self._uses(source)
            if None in used:  # a template named at run time could be any of them
                self.known[name] = digest({"source": source, "all": folder_digests(self.folder)})
            else:
                self.known[name] = digest({"source": source, "uses": [self._one(t) for t in sorted(used)]})
        return self.known[name]

    def _uses(self, source: str) -> list[str | None]:
        """The templates ``source`` extends, includes or imports (None: one named at run time).

        Jinja2's parser says; what it said is kept in the engine's cache
        (``course.usercache``) under the source's fingerprint, as parsing
        every template again costs more than a small course's pages.
        """
        folder = user_cache("template-uses")
        cached = folder / f"{hashlib.sha256(source.encode('utf-8')).hexdigest()}.json" if folder is not None else None
        try:
            used = json.loads(cached.read_bytes())
            if isinstance(used, list) and all(name is None or isinstance(name, str) for name in used):
                return used
        except (AttributeError, OSError, ValueError):  # no cache, no entry, or a damaged one: parsed again
            pass
        import jinja2.meta

        used = list(jinja2.meta.find_referenced_templates(self.env.parse(source)))
        if cached is not None:
            write_atomic(cached, json.dumps(used).encode("utf-8"))
        return used
