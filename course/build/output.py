"""The output folder: written whole in a temporary folder, then swapped in.

A build that fails leaves an existing output folder exactly as it was; a
build that succeeds replaces it in one rename. Every file written is recorded
with its kind and SHA-256 for ``manifest.json``. A file an earlier build made
and this one reuses is linked in from the current folder (hard link, else a
copy) before the swap, so the new folder is whole on its own.

Which folder may be replaced at all is ``out_folder``'s to say, before a
build starts. The new folder gets the ordinary permissions of the user's
umask (a web server must read a published site); what the user asked to keep
(``--keep``) is moved from the old folder into the new one at the swap; a
build killed half-way leaves its temporary folder, which the next build into
the same OUT removes (only one build at a time writes OUT: ``cache.locked``).
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from ..problems import CourseError, Problem
from .out_folder import kept_entries


@dataclass
class Entry:
    path: str
    kind: str
    module: str | None
    quiz: str | None
    sha256: str


class Output:
    def __init__(self, final: Path, keep: tuple[str, ...] = ()):
        self.final = Path(final).resolve()
        self.keep = tuple(keep)
        self.final.parent.mkdir(parents=True, exist_ok=True)
        self._clear_debris()
        self.root = Path(tempfile.mkdtemp(prefix=f".{self.final.name}.building-", dir=self.final.parent))
        os.chmod(self.root, 0o777 & ~_umask())  # mkdtemp's 0700 would hide a published site from the web server
        self.entries: list[Entry] = []

    def _clear_debris(self) -> None:
        """Remove what builds into OUT killed before they finished left beside it (their temporary and old folders)."""
        for prefix in (f".{self.final.name}.building-", f".{self.final.name}.old-"):
            for path in self.final.parent.glob(glob.escape(prefix) + "*"):
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path, ignore_errors=True)

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
        """Swap the finished folder in place of the old one, with what the user asked to keep moved over first."""
        self._carry_kept()
        old = None
        if self.final.exists():
            old = self.final.with_name(f".{self.final.name}.old-{os.getpid()}")
            os.replace(self.final, old)
        os.replace(self.root, self.final)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def discard(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def _carry_kept(self) -> None:
        if not self.keep or not self.final.is_dir():
            return
        entries = kept_entries(self.final, self.keep)
        taken = [rel for rel in entries if (self.root / rel).exists() or (self.root / rel).is_symlink()]
        if taken:
            message = f"--keep names {', '.join(taken)}, which this build writes: keep files under names the build does not use"
            raise CourseError([Problem(str(self.final), None, message)])
        for rel in entries:
            target = self.root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.final / rel, target)


def _umask() -> int:
    """The process's umask, read without changing it where the system says it (Linux), else set and restored."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
