"""Site work on every core: module Markdown and site pages, by forking.

Converting Markdown and rendering a page are pure Python, so one process
does one at a time. ``SitePool.map`` cuts the work into parts and forks
``jobs - 1`` children at once: each starts with everything this process
holds (the libraries it imported, the course read so far, the templates it
loaded), so nothing is sent to them, and they start in about a millisecond.
The number of every part is written to a pipe; each process, the children
and this one (when it asks for the result), reads the next number and does
that part, so all finish together whatever each part costs. A child hands
in its results through its own pipe when the numbers run out; a part whose
child died is done here, and an error in a child is raised here.

Workers are forked only on Linux, and only while this process runs no other
thread: a lock another thread held at the fork would stay locked in the
child for ever. Otherwise, with ``--jobs 1`` or with fewer than ``SHARE``
items, everything is done in this process.
"""

from __future__ import annotations

import os
import pickle
import signal
import struct
import sys
import threading
from collections.abc import Callable

# Fewer items than this are done here: a fork and the results' pickling would cost more than they save.
SHARE = 8
# At most this many parts (their numbers must fit in a pipe's buffer before any process reads one).
MAX_PARTS = 4096
_NUMBER = struct.Struct("<I")


def can_fork() -> bool:
    """Whether workers may be forked from this process now: on Linux, while it runs no other thread.

    Threads that Python did not start (a library's own) count too: Linux
    lists every thread of a process in ``/proc/self/task``.
    """
    if not sys.platform.startswith("linux") or threading.active_count() != 1:
        return False
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False


class SitePool:
    """Up to ``jobs - 1`` forked workers for each batch of site work, and this process."""

    def __init__(self, jobs: int):
        self.workers = max(0, jobs - 1)
        self.handed: dict[str, int] = {}  # items done by workers so far, by job
        self._open: list[Batch] = []

    def map(self, job: Callable[..., list], items: list, shared=None, *args, chunk: int = 4) -> Batch:
        """Start ``job(shared, part, *args)`` over ``items`` in parts of ``chunk``; ``result()`` gives it all, in order.

        The workers are forked now and begin at once; this process joins
        them when it asks for the result. ``shared`` (the course model, say)
        is simply there in a forked worker, as everything else is.
        """
        chunk = max(chunk, -(-len(items) // MAX_PARTS))
        batch = Batch(self, job, [items[start : start + chunk] for start in range(0, len(items), chunk)], shared, args)
        if self.workers and len(items) >= SHARE and len(batch.parts) > 1 and can_fork():
            batch.fork(min(self.workers, len(batch.parts) - 1))
            self._open.append(batch)
        return batch

    def run(self, job: Callable[..., list], items: list, shared=None, *args, chunk: int = 4) -> list:
        """``map(...).result()``."""
        return self.map(job, items, shared, *args, chunk=chunk).result()

    def close(self) -> None:
        """Stop the workers of any batch whose result was never asked for."""
        for batch in list(self._open):  # each leaves the list as it closes
            batch.close(kill=True)
        self._open = []


class Batch:
    """The parts of one job, taken by number from a pipe by every process that works on it."""

    def __init__(self, pool: SitePool, job: Callable, parts: list[list], shared, args: tuple):
        self.pool, self.job, self.parts, self.shared, self.args = pool, job, parts, shared, args
        self.numbers: int | None = None  # the pipe's read end, while workers may be taking parts
        self.children: list[tuple[int, int]] = []  # each worker's process id and the read end of its results

    def fork(self, workers: int) -> None:
        read, write = os.pipe()
        os.write(write, b"".join(_NUMBER.pack(index) for index in range(len(self.parts))))
        os.close(write)  # the numbers run out when the pipe is empty
        self.numbers = read
        for _ in range(workers):
            results, hand_in = os.pipe()
            pid = os.fork()
            if pid == 0:  # the worker
                os.close(results)
                self._work(hand_in)
            os.close(hand_in)
            self.children.append((pid, results))

    def _next(self) -> int | None:
        data = os.read(self.numbers, _NUMBER.size)  # one process gets each number: a pipe's reads do not interleave
        return _NUMBER.unpack(data)[0] if len(data) == _NUMBER.size else None

    def _work(self, hand_in: int) -> None:
        """In a worker: do parts until the numbers run out, hand in the results, exit (never return)."""
        status = 0
        try:
            done, error = {}, None
            try:
                while (index := self._next()) is not None:
                    done[index] = self.job(self.shared, self.parts[index], *self.args)
            except BaseException as exc:  # noqa: BLE001 - handed to the caller, who raises it
                error = exc
            with open(hand_in, "wb") as handle:
                handle.write(_report(done, error))
        except BaseException:  # noqa: BLE001 - the caller does this worker's parts itself
            status = 1
        finally:
            os._exit(status)  # never the caller's clean-up, buffers or exit handlers

    def result(self) -> list:
        done: dict[int, list] = {}
        finished = False
        try:
            if self.numbers is not None:
                while (index := self._next()) is not None:
                    done[index] = self.job(self.shared, self.parts[index], *self.args)
                for _, results in self.children:
                    report = _read_report(results)
                    if report.get("error") is not None:
                        raise report["error"]
                    done.update(report.get("done", {}))
                    self._count(report.get("done", {}))
            finished = True
        finally:
            self.close(kill=not finished)  # on an error here or in a worker, the others are stopped
        for index, part in enumerate(self.parts):
            if index not in done:  # not shared, or taken by a worker that died before handing it in
                done[index] = self.job(self.shared, part, *self.args)
        return [item for index in range(len(self.parts)) for item in done[index]]

    def _count(self, handed: dict) -> None:
        if handed:
            name = self.job.__name__
            self.pool.handed[name] = self.pool.handed.get(name, 0) + sum(len(self.parts[index]) for index in handed)

    def close(self, kill: bool) -> None:
        """Close the pipes and wait for the workers (stopping them first, if ``kill``)."""
        if self.numbers is not None:
            os.close(self.numbers)
            self.numbers = None
        for pid, results in self.children:
            os.close(results)
            if kill:
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        self.children = []
        if self in self.pool._open:
            self.pool._open.remove(self)


def _report(done: dict, error: BaseException | None) -> bytes:
    try:
        return pickle.dumps({"done": done, "error": error}, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - an error that cannot be pickled is handed in as its text
        return pickle.dumps({"done": done, "error": RuntimeError(f"in a site worker: {type(error).__name__}: {error}")})


def _read_report(results: int) -> dict:
    """A worker's results, read to the end of its pipe; empty if it died before handing them in."""
    chunks = []
    while chunk := os.read(results, 1 << 20):
        chunks.append(chunk)
    try:
        return pickle.loads(b"".join(chunks)) if chunks else {}
    except Exception:  # noqa: BLE001 - cut short: the caller does the worker's parts itself
        return {}
