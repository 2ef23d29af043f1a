"""``build --watch``: build, then build again after every save, as long as it runs.

Each build is the ordinary incremental one, so a save renders only what it
changed, and a build that fails leaves the output folder as it was. What a
one-off build pays every time is paid once here: Python and the engine are
loaded, and the PDF workers (``workers.pdf_pool.PdfWorkers``) stay up between
builds with WeasyPrint loaded and their fonts and style sheets ready: after
the first build, this process reads the course and each worker lays the
first module out once, before the command says it is watching
(``course.build.resident``, which ``build --server`` shares). The files watched
are those a build reads (``watcher.CourseFilter``).
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from pathlib import Path

from .pipeline import BuildOptions
from .resident import ENGINE_CHANGED, engine_now, kept_workers, logged_build, restore_terminate, terminate_as_interrupt, warm_up

# Saves closer together than this (an editor writing a file in steps, a folder of images copied in) are one change.
QUIET_MS = 30


def watch(root: Path, options: BuildOptions, log: Callable[[str], None], stop: threading.Event | None = None) -> int:
    """Build now and after every change until interrupted (Ctrl+C, SIGTERM, or ``stop`` set); the exit status.

    0 when interrupted; 1 when it stops on its own (the engine changed).
    """
    import watchfiles

    from .watcher import CourseFilter

    kept = kept_workers(options)
    terminated = terminate_as_interrupt()
    try:
        changes = watchfiles.watch(
            root, watch_filter=CourseFilter(root), stop_event=stop, step=QUIET_MS, rust_timeout=200, yield_on_timeout=True
        )
        first = next(changes)  # watching from here on: a save during the first build is built next
        engine = engine_now()
        logged_build(root, options, kept, log, "built")
        # Warm, so that the first saves are as quick as the next (a save meanwhile is built after).
        warm_up(root, kept, options.paper_size)
        log(f"watching {root} for changes (Ctrl+C to stop)")
        for batch in itertools.chain([first], changes):
            if batch and engine_now() != engine:
                log(ENGINE_CHANGED)
                return 1
            if batch:
                log("changed: " + ", ".join(sorted({_relative(path, root) for _, path in batch})))
                logged_build(root, options, kept, log, "rebuilt")
    except KeyboardInterrupt:
        log("stopped watching")
    finally:
        if kept is not None:
            kept.close()
        restore_terminate(terminated)
    return 0


def _relative(path: str, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return path
