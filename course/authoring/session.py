"""A running preview: build, server thread and watcher, started and stopped together."""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from ..build.watcher import watch_course
from .preview import Preview
from .server import PreviewServer

WATCH_START_SECONDS = 10


class PreviewSession:
    """``with PreviewSession(root, port) as session:`` serves ``session.url`` until the block ends."""

    def __init__(self, root: Path, port: int = 8000, log: Callable[[str], None] = lambda line: None):
        self.root, self.port, self.log = Path(root), port, log
        self.stop = threading.Event()
        self.watching = threading.Event()
        self.folder: Path | None = None
        self.preview: Preview | None = None
        self.server: PreviewServer | None = None
        self.threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.port}/"

    def __enter__(self) -> PreviewSession:
        self.folder = Path(tempfile.mkdtemp(prefix="course-preview-"))
        try:
            self._start()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _start(self) -> None:
        self.preview = Preview(self.root, self.folder / "site", self.log)
        self.server = PreviewServer(self.port, self.preview)  # bind before building: a busy port fails fast
        self.preview.rebuild()
        serving = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.2}, name="course-preview", daemon=True)
        serving.start()
        self.threads = [serving, watch_course(self.root, self._changed, self.stop, self.watching)]
        self.watching.wait(WATCH_START_SECONDS)

    def _changed(self, paths: list[str]) -> None:
        self.log(f"changed: {', '.join(_relative(p, self.root) for p in paths)}")
        self.preview.rebuild()

    def __exit__(self, *exc) -> None:
        self.stop.set()
        if self.preview is not None:
            self.preview.close()
        if self.server is not None:
            if self.threads:
                self.server.shutdown()
            self.server.server_close()
        for thread in self.threads:
            thread.join(timeout=5)
        shutil.rmtree(self.folder, ignore_errors=True)


def _relative(path: str, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path
