"""Render or reuse: the decisions of one build, output by output.

An output is reused when the last build made it from the same key
(``course.build.keys``), the course files WeasyPrint read for it are unchanged,
and the file in the current output folder still has the SHA-256 the last
manifest gave it; it is then linked into the new folder. Anything else is
rendered. ``rendered`` and ``reused`` list the outputs of each kind, in the
order they were written, for the build report.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..fingerprint import file_digest
from .cache import BuildCache
from .output import Output


class Incremental:
    def __init__(self, output: Output, cache: BuildCache, previous: dict, root: Path):
        self.output, self.cache, self.root = output, cache, Path(root)
        self.previous: dict = previous.get("outputs", {})
        self.previous_parts: dict = previous.get("parts", {})
        self.outputs: dict[str, dict] = {}  # this build's record, for the cache
        self.parts: dict[str, dict] = {}
        self.rendered: list[str] = []
        self.reused: list[str] = []
        self._digests: dict[Path, str | None] = {}

    def reusable(self, rel: str, key: str) -> dict | None:
        """The last build's record of ``rel`` if it can be reused as it is."""
        old = self.previous.get(rel)
        if old is None or old["key"] != key or not self._unchanged(old.get("meta", {}).get("reads", {})):
            return None
        path = self.output.final / rel
        return old if path.is_file() and self._digest(path) == old["sha256"] else None

    def reuse(self, rel: str, kind: str, module: str | None = None, quiz: str | None = None) -> dict:
        """Link the last build's ``rel`` into the new output; return what was recorded with it."""
        old = self.previous[rel]
        self.output.link(self.output.final / rel, rel, kind, module, quiz, old["sha256"])
        self.outputs[rel] = old
        self.reused.append(rel)
        return old.get("meta", {})

    def wrote(
        self,
        rel: str,
        kind: str,
        key: str,
        module: str | None = None,
        quiz: str | None = None,
        meta: dict | None = None,
        sha256: str | None = None,
    ) -> None:
        """Record a file this build rendered at ``output.path(rel)`` (``sha256`` when its writer knows it)."""
        self.output.record(rel, kind, module, quiz, sha256)
        self.outputs[rel] = {"key": key, "sha256": self.output.entries[-1].sha256, "meta": meta or {}}
        self.rendered.append(rel)

    def make(
        self, rel: str, kind: str, key: str, write: Callable[[Path], None], module: str | None = None, quiz: str | None = None
    ) -> None:
        """Reuse ``rel`` when it can be, else ``write(path)`` it."""
        if self.reusable(rel, key):
            self.reuse(rel, kind, module, quiz)
        else:
            write(self.output.path(rel))
            self.wrote(rel, kind, key, module, quiz)

    def part(self, name: str, key: str) -> Path | None:
        """The cached book part ``name`` made from ``key``, if it is intact."""
        old = self.previous_parts.get(name)
        if old is None or old["key"] != key:
            return None
        path = self.cache.parts / old["file"]
        return path if path.is_file() and self._digest(path) == old["sha256"] else None

    def keep_part(self, name: str, key: str, path: Path, sha256: str | None = None, pages: int | None = None) -> None:
        """Record the book part ``name``; ``pages``: how many this build laid out for it (a front or glossary made now)."""
        self.parts[name] = {"key": key, "file": path.name, "sha256": sha256 or self._digest(path)}
        if pages is not None:
            self.parts[name]["pages"] = pages

    def record(self) -> dict:
        return {"outputs": self.outputs, "parts": self.parts}

    def _unchanged(self, reads: dict[str, str]) -> bool:
        return all(self._digest(self.root / rel) == digest for rel, digest in reads.items())

    def _digest(self, path: Path) -> str | None:
        if path not in self._digests:
            self._digests[path] = file_digest(path) if path.is_file() else None
        return self._digests[path]
