"""Watch the course's own files (watchfiles) and call back on every change.

Only what a build reads counts: course.yaml, glossary.yaml and the modules/,
quizzes/, trainer/ and sources/ folders. Editors' swap files, ``.git`` and the
like are left out by watchfiles' default filter.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import watchfiles

CONTENT_FOLDERS = frozenset({"modules", "quizzes", "trainer", "sources"})
CONTENT_FILES = frozenset({"course.yaml", "glossary.yaml"})


class CourseFilter(watchfiles.DefaultFilter):
    def __init__(self, root: Path):
        super().__init__()
        self.root = Path(root).resolve()

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        try:
            parts = Path(path).resolve().relative_to(self.root).parts
        except ValueError:
            return False
        wanted = bool(parts) and (parts[0] in CONTENT_FOLDERS or (len(parts) == 1 and parts[0] in CONTENT_FILES))
        return wanted and super().__call__(change, path)


def watch_course(root: Path, on_change: Callable[[list[str]], None], stop: threading.Event, ready: threading.Event) -> threading.Thread:
    """Start a thread that calls ``on_change(paths)`` after each batch of changes, until ``stop`` is set.

    ``ready`` is set once the watch is in place (the first, possibly empty, batch).
    """

    def run() -> None:
        changes = watchfiles.watch(
            root, watch_filter=CourseFilter(root), stop_event=stop, debounce=400, step=50, rust_timeout=250, yield_on_timeout=True
        )
        for batch in changes:
            ready.set()
            if batch:
                on_change(sorted({path for _, path in batch}))

    thread = threading.Thread(target=run, name="course-watcher", daemon=True)
    thread.start()
    return thread
