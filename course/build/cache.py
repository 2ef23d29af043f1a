"""The build cache: what the last successful build into OUT made, and from what.

It lives beside OUT, never inside it (OUT holds exactly what its manifest
lists), in ``<parent of OUT>/.<OUT name>-cache/``:

- ``build.json``: the fingerprint of all the inputs, the problems the build
  reported, and for each output the key it was made from (``course.build.keys``),
  its SHA-256 and what reusing it needs (pages, where headings landed, the
  course files WeasyPrint read); and the book's parts;
- ``markdown.json``: what each module's Markdown gave, by the fingerprint of its body;
- ``parts/``: the PDF parts the course book is put together from, named by key;
- ``lock``: held by the build writing OUT, so that a second build waits for it.

The two JSON files are written only after a build's output was swapped in,
and they name the manifest they describe: if OUT is not what build.json
says it is, nothing in it is trusted. A part is written during a build,
under its key, before anything refers to it; parts no record refers to are
removed after each successful build. Every file taken from the cache is
checked against its SHA-256 before it is used.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
from pathlib import Path

from .. import fingerprint

FORMAT = 1


class BuildCache:
    def __init__(self, out: Path):
        self.out = Path(out).resolve()
        self.folder = self.out.parent / f".{self.out.name}-cache"
        self.parts = self.folder / "parts"

    @contextlib.contextmanager
    def locked(self, waiting: Callable[[], None] = lambda: None):
        """Hold OUT's build lock (``lock`` in the cache folder) while the block runs; ``waiting()`` first if another build holds it.

        The lock is the system's (``flock``): it goes with the process that
        holds it, however that process ends. Where there is none (Windows),
        builds are not kept apart.
        """
        try:
            import fcntl
        except ImportError:
            yield
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / "lock", "wb") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                waiting()
                fcntl.flock(handle, fcntl.LOCK_EX)
            yield

    def building(self) -> bool:
        """Whether a build holds OUT's lock now (False where there is no lock to hold)."""
        try:
            import fcntl
        except ImportError:
            return False
        try:
            handle = os.open(self.folder / "lock", os.O_RDONLY)
        except FileNotFoundError:
            return False
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        finally:
            os.close(handle)
        return False

    def load(self) -> dict:
        """The last build's record; empty when there is none, it is damaged, or OUT is no longer what it describes."""
        data = self._read("build.json")
        manifest = self.out / "manifest.json"
        if data.get("format") != FORMAT or not manifest.is_file() or fingerprint.file_digest(manifest) != data.get("manifest"):
            return {}
        return data

    def markdown(self) -> dict:
        data = self._read("markdown.json")
        return data.get("modules", {}) if data.get("engine") == fingerprint.engine() else {}

    def part(self, key: str) -> Path:
        self.parts.mkdir(parents=True, exist_ok=True)
        return self.parts / f"{key}.part"

    def save(self, build: dict, markdown: dict) -> None:
        """Record a build whose output is now in place; drop the parts it does not use."""
        self.folder.mkdir(parents=True, exist_ok=True)
        build = {"format": FORMAT, "manifest": fingerprint.file_digest(self.out / "manifest.json"), **build}
        self._write("markdown.json", {"engine": fingerprint.engine(), "modules": markdown})
        self._write("build.json", build)
        used = {record["file"] for record in build.get("parts", {}).values()}
        for path in self.parts.iterdir() if self.parts.is_dir() else []:
            if path.name not in used:
                path.unlink(missing_ok=True)

    def _read(self, name: str) -> dict:
        try:
            data = json.loads((self.folder / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _write(self, name: str, data: dict) -> None:
        path = self.folder / name
        temporary = path.with_name(f".{name}.{os.getpid()}")
        temporary.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        os.replace(temporary, path)
