"""What the commands that stay running share: ``build --watch`` and ``build --server``.

Both build once, then keep the PDF workers (``workers.pdf_pool.PdfWorkers``) up and
warm between builds, and stop on Ctrl+C or SIGTERM.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import BrokenExecutor
from pathlib import Path

from .. import fingerprint
from ..problems import CourseError
from ..render import TEMPLATES
from .pipeline import BuildOptions, BuildReport, build_course
from .progress import SilentProgress
from .workers.pdf_pool import PdfWorkers


def kept_workers(options: BuildOptions) -> PdfWorkers | None:
    """PDF workers to keep from one build to the next (None: the builds render in this process, or write no PDF)."""
    jobs = options.jobs or os.cpu_count() or 1
    return PdfWorkers(jobs) if options.pdf and jobs > 1 else None


def warm_up(root: Path, kept: PdfWorkers | None, paper_size: str | None) -> None:
    """Make the next build as quick as the ones after it: import what a build that renders uses, and read the course
    once; each worker then lays its first module out (a course with errors is left for the next build to report)."""
    from . import packages, pdf_stage, site_stage  # noqa: F401
    from .pipeline import check_course

    try:
        course = check_course(root)[0]
    except CourseError:
        course = None
    if kept is not None and course is not None:
        kept.start(course, paper_size)


def engine_now() -> str:
    """The engine's fingerprint as its files are now, with the templates'.

    A process that stays running keeps the code, templates and style sheets
    it loaded, while a build's keys are taken from the files: once they
    differ, its builds would record old renders under new keys. So it stops
    when this changes (``fingerprint.engine`` keeps what it found first).
    """
    return fingerprint.digest({"engine": fingerprint.engine.__wrapped__(), "templates": fingerprint.folder_digests(TEMPLATES)})


ENGINE_CHANGED = "the engine changed since this command started: stopping (start it again to build with the new one)"


def terminate_as_interrupt():
    """SIGTERM (a service manager, an editor's stop button, ``kill``) stops as Ctrl+C does; the handler it replaced."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    return signal.signal(signal.SIGTERM, interrupt)


def restore_terminate(handler) -> None:
    if handler is not None:
        signal.signal(signal.SIGTERM, handler)


def logged_build(root: Path, options: BuildOptions, kept: PdfWorkers | None, log: Callable[[str], None], done: str) -> BuildReport | None:
    """Build, logging the problems and one line that says what was done; the report (None: the course has errors)."""
    started = time.perf_counter()
    try:
        report = build_course(root, options, SilentProgress(log), kept=kept)
    except CourseError as error:
        for problem in error.problems:
            log(str(problem))
        log(not_built(error, options.strict))
        return None
    except BrokenExecutor as error:  # a worker died (out of memory, a crash): new ones for the next build
        log(f"not built: a PDF worker stopped ({error}); the output folder is as it was")
        if kept is not None:
            kept.renew()
        return None
    for problem in report.problems:
        log(str(problem))
    seconds = time.perf_counter() - started
    log(f"{done} {report.out} in {seconds:.2f} s: {len(report.rendered)} written, {len(report.reused)} unchanged")
    return report


def not_built(error: CourseError, strict: bool) -> str:
    errors = sum(problem.is_error or strict for problem in error.problems)
    return f"not built: {errors} error{'s' if errors != 1 else ''}; the output folder is as it was"
