"""Site work on every core: module Markdown and site pages.

Converting Markdown and rendering a page are pure Python, so one process
does one at a time. For a big course the work is cut into small parts that
``jobs - 1`` worker processes take from the front while this process takes
them from the back (``SitePool.map``), so all finish together. The workers
come from the same fork server as the PDF workers (``parallel``), which
imports Jinja2, Markdown and (for a build with PDFs) WeasyPrint once, and
they are started in the background when the build begins: the module
bodies are handed to them as soon as they are read, while this process
goes on loading the quizzes. The course model is sent to them (``prime``)
as soon as it is checked, so they have read it and loaded their templates
by the time there are pages to render. A course of fewer than
``POOL_MODULES`` modules, or ``--jobs 1``, is done in this process.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import tempfile
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

# Fewer items than this are done here: sending them would cost more than it saves.
SHARE = 24
# A course of fewer modules is built in one process: a worker's start (about 0.15 s of CPU, while this
# process loads the course) costs more than it saves; measured on two cores, it pays from about 60 modules.
POOL_MODULES = 64
SITE_PRELOAD = ["course.render.pages", "course.render.markdown"]
PDF_PRELOAD = ["course.render.pdf"]


def context(pdf: bool) -> multiprocessing.context.BaseContext:
    """The fork server's context (spawn where there is none), preloading what site and PDF workers use.

    A process has one fork server, started by the first pool that needs it, so
    it preloads for both kinds of worker from the start.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    forkserver = multiprocessing.get_context("forkserver")
    forkserver.set_forkserver_preload(SITE_PRELOAD + (PDF_PRELOAD if pdf else []))
    return forkserver


@dataclass(frozen=True)
class Shared:
    """An object written once, pickled, to a file the workers read it from (once each, ``resolve``)."""

    token: str
    path: Path


_resolved: dict[str, object] = {}  # in a worker: the last shared object it read, by token


def resolve(value):
    """The object a job was given: itself here, or, in a worker, the object its ``Shared`` names."""
    if not isinstance(value, Shared):
        return value
    if value.token not in _resolved:
        _resolved.clear()
        _resolved[value.token] = pickle.loads(value.path.read_bytes())
    return _resolved[value.token]


class SitePool:
    """``jobs - 1`` worker processes for site work, started on a background thread by ``start``."""

    def __init__(self, jobs: int, pdf: bool):
        self.workers = max(0, jobs - 1)
        self.pdf = pdf
        self.handed: dict[str, int] = {}  # items done by workers so far, by job
        self._executor: Executor | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()  # the starter thread and the build submit work
        self._waiting: list[Batch] = []  # batches made before the workers were up
        self._shared: tuple[object, Shared] | None = None
        self._warm: Callable | None = None

    def start(self) -> SitePool:
        """Start the workers in the background (if there are any and they are not running)."""
        if self.workers and self._executor is None and self._thread is None:
            self._thread = threading.Thread(target=self._start, name="site-workers", daemon=True)
            self._thread.start()
        return self

    def _start(self) -> None:
        executor = None
        try:
            executor = ProcessPoolExecutor(self.workers, mp_context=context(self.pdf))
            for future in [executor.submit(_ready) for _ in range(self.workers)]:
                future.result()
        except Exception:  # noqa: BLE001 - no workers (no /dev/shm, say): the work is done in this process
            if executor is not None:
                executor.shutdown(wait=False, cancel_futures=True)
            return
        with self._lock:
            self._executor = executor
            if self._shared is not None:
                self._send_prime()
            for batch in self._waiting:
                batch.submit(executor)
            self._waiting = []

    def prime(self, shared, warm: Callable | None = None) -> None:
        """Hand ``shared`` to every worker now (or once they have started), then ``warm(shared)`` there."""
        if not self.workers or (self._shared is not None and self._shared[0] is shared):
            return
        with tempfile.NamedTemporaryFile(prefix="course-shared-", suffix=".pickle", delete=False) as handle:
            pickle.dump(shared, handle, protocol=pickle.HIGHEST_PROTOCOL)
        with self._lock:
            self._forget()
            self._shared, self._warm = (shared, Shared(uuid.uuid4().hex, Path(handle.name))), warm
            if self._executor is not None:
                self._send_prime()

    def _send_prime(self) -> None:
        for _ in range(self.workers):  # each worker most likely takes one; one that takes none reads it at its first job
            self._executor.submit(_prime, self._shared[1], self._warm)

    def map(self, job: Callable[..., list], items: list, shared=None, *args, chunk: int = 4) -> Batch:
        """Start ``job(shared, part, *args)`` on the workers over ``items`` in parts of ``chunk``; ``result()`` gives it all.

        The workers take parts from the front (as soon as they are up);
        when the caller asks for the result, this process takes the parts
        no worker has begun, from the back, so both finish together
        whatever each part costs. ``shared`` (the course model, say) reaches
        the workers as a ``Shared``: jobs ``resolve`` it. With fewer than
        ``SHARE`` items, or no workers, everything is done here.
        """
        batch = Batch(self, job, [items[start : start + chunk] for start in range(0, len(items), chunk)], shared, args)
        if len(items) < SHARE or not self.workers or (self._executor is None and self._thread is None):
            return batch
        if shared is not None:
            self.prime(shared)
            batch.sent = self._shared[1]
        with self._lock:
            if self._executor is not None:
                batch.submit(self._executor)
            else:
                self._waiting.append(batch)
        return batch

    def run(self, job: Callable[..., list], items: list, shared=None, *args, chunk: int = 4) -> list:
        """``map(...).result()``: the results in the items' order."""
        return self.map(job, items, shared, *args, chunk=chunk).result()

    def ready(self) -> bool:
        """Wait until the workers are up; whether there are any."""
        if self._thread is not None:
            self._thread.join()
        return self._executor is not None

    def close(self) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        with self._lock:
            executor, self._executor, self._waiting = self._executor, None, []
            self._forget()
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)

    def _forget(self) -> None:
        if self._shared is not None:
            self._shared[1].path.unlink(missing_ok=True)
            self._shared = None


class Batch:
    """Parts of a job, taken by the workers from the front; this process does what they have not begun."""

    def __init__(self, pool: SitePool, job: Callable, parts: list[list], shared, args: tuple):
        self.pool, self.job, self.parts, self.shared, self.args = pool, job, parts, shared, args
        self.sent: Shared | None = None  # what the workers get for ``shared``
        self.futures: list = [None] * len(parts)
        self.kept = len(parts)  # parts from here on are this process's

    def submit(self, executor: Executor) -> None:
        """Hand the workers every part this process has not kept (under the pool's lock)."""
        for index in range(self.kept):
            self.futures[index] = executor.submit(self.job, self.sent, self.parts[index], *self.args)

    def result(self) -> list:
        done: list = [None] * len(self.parts)
        try:
            for index in reversed(range(len(self.parts))):
                with self.pool._lock:
                    future = self.futures[index]
                    if future is None:
                        self.kept = index  # not handed out yet (the workers are still starting): keep it
                if future is not None and not future.cancel():
                    break  # a worker has begun this part, and so every part before it
                done[index] = self.job(self.shared, self.parts[index], *self.args)
            for index, future in enumerate(self.futures):
                if done[index] is None:
                    done[index] = future.result()
                    self.pool.handed[self.job.__name__] = self.pool.handed.get(self.job.__name__, 0) + len(self.parts[index])
        finally:
            for future in self.futures:
                if future is not None:
                    future.cancel()
        return [item for part in done for item in part]


def _ready() -> int:
    return os.getpid()


def _prime(sent: Shared, warm: Callable | None) -> None:
    shared = resolve(sent)
    if warm is not None:
        warm(shared)


def start_forkserver(pdf: bool) -> None:
    """Start the fork server on a background thread: it imports what workers use (WeasyPrint takes most of a second)."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context(pdf)
        threading.Thread(target=multiprocessing.forkserver.ensure_running, name="fork-server", daemon=True).start()
