"""Site work on every core: module Markdown and site pages.

Converting Markdown and rendering a page are pure Python, so one process
does one at a time. For a big course the work is split between this
process and ``jobs - 1`` worker processes: each takes an equal share, and
this process does the first share itself while the workers do theirs. The
workers come from the same fork server as the PDF workers (``parallel``),
which imports Jinja2, Markdown and (for a build with PDFs) WeasyPrint once,
and they are started in the background when the build begins, so loading
the course and starting them overlap. The course model is sent to them
(``prime``) as soon as it is known, so they have read it and warmed their
templates by the time there are pages to share. A small course, or
``--jobs 1``, is done in this process: starting a worker costs about a
tenth of a second.
"""

from __future__ import annotations

import multiprocessing
import pickle
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass

# Fewer items than this per process are done here: splitting them would cost more than it saves.
SHARE = 24
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
    """An object sent to the workers pickled once; each worker unpickles it once (``resolve``)."""

    token: str
    data: bytes


_resolved: dict[str, object] = {}  # in a worker: the last object it was sent, by token


def resolve(value):
    """The object a job was given: itself here, or, in a worker, its ``Shared`` unpickled once."""
    if not isinstance(value, Shared):
        return value
    if value.token not in _resolved:
        _resolved.clear()
        _resolved[value.token] = pickle.loads(value.data)
    return _resolved[value.token]


class SitePool:
    """``jobs - 1`` worker processes for site work, started on a background thread by ``start``."""

    def __init__(self, jobs: int, pdf: bool):
        self.workers = max(0, jobs - 1)
        self.pdf = pdf
        self._executor: Executor | None = None
        self._thread: threading.Thread | None = None
        self._shared: tuple[object, Shared, Callable | None] | None = None  # the object primed, as sent, and its warm-up
        self.handed = 0  # items done by workers so far

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
            self._executor = executor
        except Exception:  # noqa: BLE001 - no workers (no /dev/shm, say): the work is done in this process
            if executor is not None:
                executor.shutdown(wait=False, cancel_futures=True)
            return
        if self._shared is not None:
            self._send_prime()

    def prime(self, shared, warm: Callable | None = None) -> None:
        """Send ``shared`` to every worker now (or once they have started), then ``warm(shared)`` there."""
        if not self.workers or (self._shared is not None and self._shared[0] is shared):
            return
        self._shared = (shared, Shared(uuid.uuid4().hex, pickle.dumps(shared, protocol=pickle.HIGHEST_PROTOCOL)), warm)
        if self._executor is not None:
            self._send_prime()

    def _send_prime(self) -> None:
        _, sent, warm = self._shared
        for _ in range(self.workers):  # each worker most likely takes one; one that takes none resolves at its first job
            self._executor.submit(_prime, sent, warm)

    def run(self, job: Callable[..., list], items: list, shared, *args) -> list:
        """``job(shared, share, *args)`` over ``items`` dealt in equal shares; the results in the items' order.

        ``shared`` (the course model, say) reaches the workers as a ``Shared``:
        jobs ``resolve`` it. With too few items, or no workers, everything is done here.
        """
        shares = min(self.workers + 1, len(items) // SHARE)
        if shares < 2 or not self._ready():
            return job(shared, items, *args)
        if shared is not None:
            self.prime(shared)
        sent = self._shared[1] if shared is not None else None
        chunks = [items[first::shares] for first in range(shares)]  # dealt like cards: costly items are often side by side
        futures = [self._executor.submit(job, sent, chunk, *args) for chunk in chunks[1:]]
        self.handed += len(items) - len(chunks[0])
        try:
            dealt = [job(shared, chunks[0], *args)] + [future.result() for future in futures]
        finally:
            for future in futures:
                future.cancel()
        results = [None] * len(items)
        for first, chunk in enumerate(dealt):
            results[first::shares] = chunk
        return results

    def _ready(self) -> bool:
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        return self._executor is not None

    def close(self) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
        self._shared = None


def _ready() -> bool:
    return True


def _prime(sent: Shared, warm: Callable | None) -> None:
    shared = resolve(sent)
    if warm is not None:
        warm(shared)
