"""The output folder: written whole in a temporary folder, then swapped in.

A build that fails leaves an existing output folder exactly as it was; a
build that succeeds replaces it in one rename. Every file written is recorded
with its kind and SHA-256 for ``manifest.json``. A file an earlier build made
and this one reuses is linked in from the current folder (hard link, else a
copy) before the swap, so the new folder is whole on its own.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass
class Entry:
    path: str
    kind: str
    module: str | None
    quiz: str | None
    sha256: str


class Output:
    def __init__(self, final: Path):
        self.final = Path(final).resolve()
        self.final.parent.mkdir(parents=True, exist_ok=True)
        self.root = Path(tempfile.mkdtemp(prefix=f".{self.final.name}.building-", dir=self.final.parent))
        self.entries: list[Entry] = []

    def path(self, rel: str) -> Path:
        target = self.root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def record(self, rel: str, kind: str, module: str | None = None, quiz: str | None = None, sha256: str | None = None) -> None:
        """Add a written file to the manifest (``sha256`` when it is already known)."""
        if sha256 is None:
            with open(self.path(rel), "rb") as handle:
                sha256 = hashlib.file_digest(handle, "sha256").hexdigest()
        self.entries.append(Entry(rel, kind, module, quiz, sha256))

    def link(
        self, source: Path, rel: str, kind: str, module: str | None = None, quiz: str | None = None, sha256: str | None = None
    ) -> None:
        """Put an existing file at ``rel`` without copying its bytes where the file system allows."""
        target = self.path(rel)
        try:
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)
        self.record(rel, kind, module, quiz, sha256)

    def write_text(self, rel: str, text: str, kind: str, module: str | None = None, quiz: str | None = None) -> None:
        self.path(rel).write_text(text, encoding="utf-8")
        self.record(rel, kind, module, quiz)

    def copy(self, source: Path, rel: str, kind: str, module: str | None = None, quiz: str | None = None) -> None:
        shutil.copyfile(source, self.path(rel))
        self.record(rel, kind, module, quiz)

    def write_manifest(self, course_info: dict) -> None:
        data = {"course": course_info, "outputs": [asdict(e) for e in self.entries]}
        self.path("manifest.json").write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")

    def commit(self) -> None:
        """Swap the finished folder in place of the old one."""
        old = None
        if self.final.exists():
            old = self.final.with_name(f".{self.final.name}.old-{os.getpid()}")
            os.replace(self.final, old)
        os.replace(self.root, self.final)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def discard(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
