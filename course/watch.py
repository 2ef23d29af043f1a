"""``build --watch``: build, then build again after every save, as long as it runs.

Each build is the ordinary incremental one, so a save renders only what it
changed, and a build that fails leaves the output folder as it was. What a
one-off build pays every time is paid once here: Python and the engine are
loaded, and the PDF workers (``parallel.PdfWorkers``) stay up between
builds with WeasyPrint loaded and their fonts and style sheets ready: after
the first build, this process reads the course and each worker lays the
first module out once, before the command says it is watching. The
files watched are those a build reads (``authoring.watcher.CourseFilter``).
"""

from __future__ import annotations

import itertools
import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

from .pipeline import BuildOptions, BuildReport, build_course
from .problems import CourseError
from .progress import SilentProgress
from .render.parallel import PdfWorkers

# Saves closer together than this (an editor writing a file in steps, a folder of images copied in) are one change.
QUIET_MS = 30


def watch(root: Path, options: BuildOptions, log: Callable[[str], None], stop: threading.Event | None = None) -> int:
    """Build now and after every change until interrupted (Ctrl+C, SIGTERM, or ``stop`` set); the exit status."""
    import watchfiles

    from .authoring.watcher import CourseFilter

    jobs = options.jobs or os.cpu_count() or 1
    kept = PdfWorkers(jobs) if options.pdf and jobs > 1 else None
    terminated = _terminate_as_interrupt()
    try:
        changes = watchfiles.watch(
            root, watch_filter=CourseFilter(root), stop_event=stop, step=QUIET_MS, rust_timeout=200, yield_on_timeout=True
        )
        first = next(changes)  # watching from here on: a save during the first build is built next
        _build(root, options, kept, log, "built")
        # Warm, so that the first saves are as quick as the next (a save meanwhile is built after): this
        # process reads the course (the first build may have read nothing), the workers lay a module out.
        course = _warm_up(root)
        if kept is not None and course is not None:
            kept.start(course, options.paper_size)
        log(f"watching {root} for changes (Ctrl+C to stop)")
        for batch in itertools.chain([first], changes):
            if batch:
                log("changed: " + ", ".join(sorted({_relative(path, root) for _, path in batch})))
                _build(root, options, kept, log, "rebuilt")
    except KeyboardInterrupt:
        log("stopped watching")
    finally:
        if kept is not None:
            kept.close()
        if terminated is not None:
            signal.signal(signal.SIGTERM, terminated)
    return 0


def _terminate_as_interrupt():
    """SIGTERM (a service manager, an editor's stop button, ``kill``) stops as Ctrl+C does; the handler it replaced."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    return signal.signal(signal.SIGTERM, interrupt)


def _build(root: Path, options: BuildOptions, kept: PdfWorkers | None, log: Callable[[str], None], done: str) -> BuildReport | None:
    started = time.perf_counter()
    try:
        report = build_course(root, options, SilentProgress(log), kept=kept)
    except CourseError as error:
        for problem in error.problems:
            log(str(problem))
        errors = sum(problem.is_error or options.strict for problem in error.problems)
        log(f"not built: {errors} error{'s' if errors != 1 else ''}; the output folder is as it was")
        return None
    for problem in report.problems:
        log(str(problem))
    seconds = time.perf_counter() - started
    log(f"{done} {report.out} in {seconds:.2f} s: {len(report.rendered)} written, {len(report.reused)} unchanged")
    return report


def _warm_up(root: Path):
    """Import what a build that renders uses, and read the course once; the course (None if it has errors: the builds say which)."""
    from . import packaging  # noqa: F401
    from .pipeline import check_course
    from .render import pdf_stage, site  # noqa: F401

    try:
        return check_course(root)[0]
    except CourseError:
        return None


def _relative(path: str, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return path
