"""PDF rendering on every core.

A pool of worker processes, each holding one ``PdfRenderer`` (one
FontConfiguration, the style sheets parsed once); the jobs are module-level
functions so they can be sent to it. Workers come from a fork server that
has already imported WeasyPrint (``forkserver``), so starting one is cheap
and never forks a process that runs threads (a progress bar, a server).
With ``--jobs 1`` everything runs in this process instead.

Every job names the build's course (``CourseRef``): the model is pickled
once to a file, and a worker reads it at its first job of the build. So a
pool can outlive a build (``PdfWorkers``, for ``build --watch``): its
workers keep WeasyPrint loaded and their renderer, fonts and style sheets
from one build to the next, and only read the new model.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import tempfile
import time
import uuid
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ...model import Course
from ...render.pdf.paper import write_quiz_paper
from .forkserver import context


@dataclass(frozen=True)
class CourseRef:
    """A build's course model, for the workers: pickled at ``path`` (None: this process has it)."""

    token: str
    path: Path | None
    paper_size: str | None


class BuildEnded(Exception):
    """A job outlived the build that gave it."""


_renderer = None  # this process's PdfRenderer
_token: str | None = None  # the build whose course it holds


def _use(ref: CourseRef):
    """This process's renderer for the build ``ref`` names (the last one's, if it fits).

    A job of a build that has ended (its model's file is gone: the build
    failed or was stopped, and left the job queued) fails at once instead
    of laying out for nobody, ahead of the next build's jobs.
    """
    global _renderer, _token
    if ref.path is not None and not ref.path.exists():
        raise BuildEnded(f"the build this render was for has ended ({ref.token})")
    if ref.token != _token:
        with open(ref.path, "rb") as handle:
            _adopt(pickle.load(handle), ref)
    return _renderer


def _adopt(course: Course, ref: CourseRef) -> None:
    from ...render.pdf.handout import PdfRenderer

    global _renderer, _token
    if _renderer is not None and _renderer.fits(course, ref.paper_size):
        _renderer.course = course  # same language, folder and paper: the fonts and style sheets stay
    else:
        _renderer = PdfRenderer(course, ref.paper_size)
    _token = ref.token


def module_job(ref: CourseRef, index: int, handout: Path, part: Path) -> dict:
    renderer = _use(ref)
    module = renderer.course.modules[index]
    return renderer.write_module(module, index + 1, renderer.course.key_terms(module), handout, part)


def paper_job(ref: CourseRef, index: int, which: int, target: Path) -> dict:
    renderer = _use(ref)
    return write_quiz_paper(renderer, renderer.course.quizzes[index], which, target)


def part_job(ref: CourseRef, template: str, part: Path, context: dict) -> dict:
    return _use(ref).write_part(template, part, **context)


def warm_job(ref: CourseRef) -> dict:
    """In a kept worker: take the course's renderer and write its first module's handout and part to a scratch folder, then forget them."""
    renderer = _use(ref)
    if not renderer.course.modules:
        return {"pid": os.getpid(), "warm": False}
    module = renderer.course.modules[0]
    with tempfile.TemporaryDirectory(prefix="course-warm-") as scratch:
        renderer.write_module(module, 1, renderer.course.key_terms(module), Path(scratch) / "handout.pdf", Path(scratch) / "part")
    return {"pid": os.getpid(), "warm": True}


def _leave_interrupts() -> None:
    """In a worker: Ctrl+C is for the build process, which stops the pool (a worker would only print a traceback)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class InProcess(Executor):
    """Runs each job at once, in this process (``--jobs 1``); WeasyPrint is loaded at the first job, if any."""

    def __init__(self, ref: CourseRef, course: Course):
        self.ref, self.course = ref, course

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future: Future = Future()
        try:
            if _token != self.ref.token:
                _adopt(self.course, self.ref)
            future.set_result(fn(self.ref, *args, **kwargs))
        except Exception as error:  # noqa: BLE001 - handed to whoever waits on the future
            future.set_exception(error)
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        global _renderer, _token
        _renderer, _token = None, None  # let its FontConfiguration go now, not at interpreter exit


class Workers(Executor):
    """A build's jobs on worker processes: each is handed the build's ``CourseRef`` first."""

    def __init__(self, executor: Executor, ref: CourseRef, keep: bool):
        self.executor, self.ref, self.keep = executor, ref, keep

    def submit(self, fn, /, *args, **kwargs) -> Future:
        return self.executor.submit(fn, self.ref, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        try:
            if not self.keep:
                self.executor.shutdown(wait=wait, cancel_futures=cancel_futures)
        finally:
            if self.ref.path is not None:
                self.ref.path.unlink(missing_ok=True)


class PdfWorkers:
    """PDF workers kept from one build to the next (``build --watch``); ``close()`` stops them."""

    def __init__(self, jobs: int):
        self.jobs = jobs
        self.executor: ProcessPoolExecutor | None = None

    def get(self) -> ProcessPoolExecutor:
        if self.executor is None:
            self.executor = ProcessPoolExecutor(self.jobs, mp_context=context(), initializer=_leave_interrupts)
        return self.executor

    def start(self, course: Course, paper_size: str | None = None) -> list[dict]:
        """Start every worker now, each taking ``course`` and laying its first module out once (``warm_job``); what each did.

        A worker's first render pays for its renderer, fonts and style sheets
        and for what WeasyPrint and pypdf set up on first use (a few tenths
        of a second); this way the first saves do not. A warm-up that fails
        only leaves its worker cold, as it was (``warm``: False).
        """
        workers = Workers(self.get(), _pickled(course, paper_size), keep=True)
        try:
            futures = [workers.submit(warm_job) for _ in range(self.jobs)]
            return [future.result() if future.exception() is None else {"pid": None, "warm": False} for future in futures]
        finally:
            workers.shutdown()

    def renew(self) -> None:
        """Stop the workers, so that the next build starts new ones: after a worker died, the pool fails every job given to it."""
        self.close(grace=0.0)

    def pids(self) -> set[int]:
        """The workers' process ids (empty before the first PDF; ``_processes`` is the executor's own record)."""
        return set(self.executor._processes) if self.executor is not None else set()

    def close(self, grace: float = 5.0) -> None:
        """Stop the workers: what is queued is dropped, a render under way has ``grace`` seconds, then its worker is killed.

        So Ctrl+C ends ``build --watch`` within seconds even in the middle of
        a long render, and a worker that does not end cannot hold it up.
        """
        if self.executor is None:
            return
        executor, self.executor = self.executor, None
        processes = list(executor._processes.values())  # the executor's own record, as in ``pids``
        executor.shutdown(wait=False, cancel_futures=True)
        deadline = time.monotonic() + grace
        for process in processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()


def _pickled(course: Course, paper_size: str | None) -> CourseRef:
    """The course model pickled once to a temporary file, for workers (``Workers.shutdown`` removes it)."""
    with tempfile.NamedTemporaryFile(prefix="course-model-", suffix=".pickle", delete=False) as handle:
        pickle.dump(course, handle, protocol=pickle.HIGHEST_PROTOCOL)
    return CourseRef(uuid.uuid4().hex, Path(handle.name), paper_size)


def pool(course: Course, paper_size: str | None, jobs: int, work: int, kept: PdfWorkers | None = None) -> Executor:
    """An executor for ``work`` renders that can run side by side, on at most ``jobs`` processes.

    One render goes to a worker too when there is a fork server (the build
    started it, with WeasyPrint loaded, when it began): forking one is
    quicker than loading WeasyPrint here. ``--jobs 1`` renders here.
    ``kept`` workers are used whatever the work, and left running.
    """
    workers = min(jobs, work)
    if kept is None and (jobs == 1 or workers == 0 or (workers == 1 and "forkserver" not in multiprocessing.get_all_start_methods())):
        return InProcess(CourseRef(uuid.uuid4().hex, None, paper_size), course)
    ref = _pickled(course, paper_size)
    if kept is not None:
        return Workers(kept.get(), ref, keep=True)
    return Workers(ProcessPoolExecutor(workers, mp_context=context(), initializer=_leave_interrupts), ref, keep=False)
