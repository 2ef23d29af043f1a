"""PDF rendering on every core.

A pool of worker processes, each holding one ``PdfRenderer`` (one
FontConfiguration, the style sheets parsed once) for its whole life; the
jobs are module-level functions so they can be sent to it. Workers come
from a fork server that has already imported WeasyPrint, so starting one is
cheap and never forks a process that runs threads (a progress bar, a
server). With ``--jobs 1`` everything runs in this process instead.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from pathlib import Path

from ..model import Course
from .forkserver import context
from .paper import write_quiz_paper

_renderer = None  # this process's PdfRenderer


def _start(course: Course, paper_size: str | None) -> None:
    from .pdf import PdfRenderer

    global _renderer
    _renderer = PdfRenderer(course, paper_size)


def module_job(index: int, handout: Path, part: Path) -> dict:
    course = _renderer.course
    module = course.modules[index]
    return _renderer.write_module(module, index + 1, course.key_terms(module), handout, part)


def paper_job(index: int, which: int, target: Path) -> dict:
    return write_quiz_paper(_renderer, _renderer.course.quizzes[index], which, target)


def part_job(template: str, part: Path, context: dict) -> dict:
    return _renderer.write_part(template, part, **context)


class InProcess(Executor):
    """Runs each job at once, in this process (``--jobs 1``); WeasyPrint is loaded at the first job, if any."""

    def __init__(self, course: Course, paper_size: str | None):
        self.course, self.paper_size = course, paper_size

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future: Future = Future()
        try:
            if _renderer is None:
                _start(self.course, self.paper_size)
            future.set_result(fn(*args, **kwargs))
        except Exception as error:  # noqa: BLE001 - handed to whoever waits on the future
            future.set_exception(error)
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        global _renderer
        _renderer = None  # let its FontConfiguration go now, not at interpreter exit


def pool(course: Course, paper_size: str | None, jobs: int, work: int) -> Executor:
    """An executor for ``work`` renders that can run side by side, on at most ``jobs`` processes.

    One render goes to a worker too when there is a fork server (the build
    started it, with WeasyPrint loaded, when it began): forking one is
    quicker than loading WeasyPrint here. ``--jobs 1`` renders here.
    """
    workers = min(jobs, work)
    if jobs == 1 or workers == 0 or (workers == 1 and "forkserver" not in multiprocessing.get_all_start_methods()):
        return InProcess(course, paper_size)
    return ProcessPoolExecutor(workers, mp_context=context(), initializer=_start, initargs=(course, paper_size))
