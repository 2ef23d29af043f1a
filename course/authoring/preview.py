"""The preview build: the course's site in a private folder, rebuilt on change.

``rebuild`` is the one place the preview builds. It calls the pipeline's
``build_course`` with ``pdf=False``: a full HTML build for now, and whatever
the pipeline learns later (incremental builds) the preview gets with it. A
build that fails keeps the last good site (the pipeline never half-writes)
and keeps its problems for the overlay.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..build.pipeline import BuildOptions, build_course
from ..problems import CourseError, Problem


@dataclass(frozen=True)
class State:
    """What a served page shows: the build it comes from and that build's problems."""

    version: int
    failed: bool
    problems: tuple[Problem, ...]
    has_site: bool

    @property
    def errors(self) -> int:
        return sum(p.is_error for p in self.problems)


def preview_options(out: Path) -> BuildOptions:
    """HTML pages only: no PDFs and, where the pipeline makes them, no LMS packages."""
    wanted = {"out": out, "pdf": False, "lms": False}
    return BuildOptions(**{name: value for name, value in wanted.items() if name in BuildOptions.__dataclass_fields__})


class Preview:
    def __init__(self, root: Path, out: Path, log: Callable[[str], None] = lambda line: None):
        self.root, self.out, self.log = Path(root), Path(out), log
        self.problems: list[Problem] = []
        self.failed = False
        self.version = 0
        self.building = threading.Lock()  # held while the folder may be swapped: requests wait for it
        self.changed = threading.Condition()
        self.closed = False

    def rebuild(self) -> None:
        started = time.monotonic()
        with self.building:
            problems, failed = self._build()
            with self.changed:
                self.problems, self.failed = problems, failed
                self.version += 1
                self.changed.notify_all()
        self._report(time.monotonic() - started)

    def _build(self) -> tuple[list[Problem], bool]:
        try:
            return build_course(self.root, preview_options(self.out)).problems, False
        except CourseError as error:
            return error.problems, True
        except Exception as error:  # noqa: BLE001 - an engine bug must show in the page, not stop the server
            return [Problem("build", None, f"the build crashed: {type(error).__name__}: {error}")], True

    def _report(self, seconds: float) -> None:
        for problem in self.problems:
            self.log(str(problem))
        state = "failed: the page shows the errors" if self.failed else "built"
        self.log(f"{state} in {seconds:.1f} s")

    def wait_for_change(self, seen: int, timeout: float) -> int:
        """The build version once it differs from ``seen`` (or after ``timeout`` seconds)."""
        with self.changed:
            self.changed.wait_for(lambda: self.version != seen or self.closed, timeout)
            return self.version

    def close(self) -> None:
        with self.changed:
            self.closed = True
            self.changed.notify_all()

    def state(self) -> State:
        """A consistent snapshot; read it while holding ``building`` to match the files."""
        with self.changed:
            return State(self.version, self.failed, tuple(self.problems), (self.out / "index.html").is_file())
