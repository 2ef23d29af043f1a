"""The database: SQLite (a file in WAL mode, the default) or PostgreSQL.

Writes go through ``Database.write``. On SQLite one writer thread runs them
with group commit: it takes every write waiting, runs each in its own
savepoint inside one ``BEGIN IMMEDIATE`` transaction and commits once
(``synchronous=FULL``: the commit is on disk, see ``_SqliteFiles.sync_wal``),
and only then answers each caller. So an attempt is committed before its
result is returned, and many learners submitting at once share one fsync
instead of queueing for one each.
On PostgreSQL each write is its own transaction on a pooled connection, and
the server's own group commit does the same job across processes.

Faults are bounded and honest. A write that cannot have the database within
``LOCK_WAIT_SECONDS`` (another program holds SQLite's write lock, PostgreSQL
does not answer), or whose database cannot be written (read-only, disk full),
fails with ``DatabaseUnavailable`` (503 with ``Retry-After``): every caller of
a failed batch is answered, and none is told its write was committed. One log
line says what went wrong when it starts, and one when it is over.

A SQLite database in WAL mode shares its index through a memory mapping of
the ``-shm`` file. Once the files become read-only (``chattr +i``, a file
system remounted read-only after an error), the kernel answers the next write
to that mapping with SIGBUS, which kills the process. SQLite's writes to it
come from checkpoints, from the first write after a checkpoint, from a reader
marking a new snapshot, from closing the last connection, and from every
commit right after it writes the WAL. So the server looks at the files before
each of these (``_SqliteFiles.unwritable``): while they cannot be written it
neither writes, checkpoints nor reads (503), and it exits without closing its
connections; and it syncs the WAL itself after a commit rather than inside
it, so that SQLite's commit goes from the WAL to the index in microseconds.
What remains is that instant, between the look and SQLite's write (see
docs/classroom.md).
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import logging
import os
import queue
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.concurrency import run_in_threadpool

from .errors import DatabaseUnavailable

T = TypeVar("T")
Job = Callable[[Connection], T]
BATCH = 256  # at most this many writes share one commit
RETRIES = 5
LOCK_WAIT_SECONDS = 10  # longest a write waits for the database before it is answered 503
LOCK_POLL_MS = 100  # SQLite's busy timeout per try at the write lock (so a stop is never held up)
WRITE_DEADLINE_SECONDS = LOCK_WAIT_SECONDS + 20  # a request never waits longer for the writer thread
STOP_SECONDS = 5  # longest the writer and checkpoint threads get at shutdown
RETRY_BUSY = 5  # Retry-After when the database is busy
RETRY_BROKEN = 30  # Retry-After when it cannot be written (read-only, full, I/O error)

log = logging.getLogger("course.classroom")
_abandoned: list[Engine] = []  # engines whose connections must never be closed (see Database.close)


def engine_for(url: str) -> Engine:
    """An engine for ``sqlite:///FILE`` or ``postgresql://...`` (driven by psycopg 3)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        return create_engine(
            parsed.set(drivername="postgresql+psycopg"),
            pool_size=8,
            max_overflow=24,
            pool_pre_ping=True,
            pool_timeout=LOCK_WAIT_SECONDS,
            connect_args={"connect_timeout": LOCK_WAIT_SECONDS, "options": f"-c lock_timeout={LOCK_WAIT_SECONDS}s"},
        )
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        raise ValueError(f"unsupported database URL `{url}`: use sqlite:///PATH/TO/FILE.db or postgresql://USER@HOST:PORT/NAME")
    synchronous = _synchronous(url)
    Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        parsed.set(query={}), connect_args={"check_same_thread": False, "timeout": LOCK_WAIT_SECONDS}, pool_size=8, max_overflow=8
    )
    # FULL is kept by syncing the WAL ourselves after each commit (_SqliteFiles.sync_wal), outside SQLite's
    # commit: SQLite in FULL mode syncs between writing the WAL and updating its -shm index, the
    # longest moment in which a file turning read-only kills the process (see the module's docstring).
    _sqlite_transactions(engine, "NORMAL" if synchronous == "FULL" else synchronous)
    return engine


def _synchronous(url: str) -> str:
    synchronous = make_url(url).query.get("synchronous", "full").upper()
    if synchronous not in ("FULL", "NORMAL", "EXTRA"):
        raise ValueError(f"synchronous={synchronous.lower()} is not allowed: use full (default), extra or normal")
    return synchronous


def _sqlite_transactions(engine: Engine, synchronous: str) -> None:
    """Let SQLAlchemy, not the sqlite3 module, emit BEGIN (so SAVEPOINT works); writers BEGIN IMMEDIATE."""

    @event.listens_for(engine, "connect")
    def connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        pragmas = ("journal_mode=WAL", f"synchronous={synchronous}", f"busy_timeout={LOCK_WAIT_SECONDS * 1000}", "foreign_keys=ON")
        for pragma in pragmas:
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def begin(connection):
        raw = connection.connection.driver_connection
        if raw.in_transaction:  # a writer: _begin_immediate took the write lock already
            return
        connection.exec_driver_sql("BEGIN IMMEDIATE" if connection.get_execution_options().get("writer") else "BEGIN")


def _begin_immediate(raw: sqlite3.Connection, deadline: float, stopping: threading.Event | None = None) -> None:
    """Take SQLite's write lock (BEGIN IMMEDIATE), trying until ``deadline``; then DatabaseUnavailable."""
    raw.execute(f"PRAGMA busy_timeout={LOCK_POLL_MS}").close()
    try:
        while True:
            try:
                raw.execute("BEGIN IMMEDIATE").close()
                return
            except sqlite3.OperationalError as error:
                if _sqlite_code(error) not in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
                    raise
                if time.monotonic() >= deadline or (stopping is not None and stopping.is_set()):
                    raise _busy() from error
    finally:
        raw.execute(f"PRAGMA busy_timeout={LOCK_WAIT_SECONDS * 1000}").close()


def _sqlite_code(error: sqlite3.Error) -> int:
    return (getattr(error, "sqlite_errorcode", None) or 0) & 0xFF  # the primary code of an extended one


def _read_only() -> DatabaseUnavailable:
    return DatabaseUnavailable("the database is read-only: nothing was saved; try again later", RETRY_BROKEN)


def _busy() -> DatabaseUnavailable:
    return DatabaseUnavailable(
        f"the database is busy (its write lock was not free within {LOCK_WAIT_SECONDS} s): nothing was saved; send again",
        RETRY_BUSY,
    )


def unavailable(error: BaseException) -> DatabaseUnavailable | None:
    """The 503 that a database error stands for, or None when it is not the database's state (a bug, a conflict)."""
    if isinstance(error, DatabaseUnavailable):
        return error
    if isinstance(error, OSError):  # the WAL's fsync failed: committed maybe, durable not
        return DatabaseUnavailable(f"the database could not be synced to disk ({error.strerror}): send again later", RETRY_BROKEN)
    if isinstance(error, PoolTimeout):
        return _busy()
    original = error.orig if isinstance(error, DBAPIError) else error
    if isinstance(original, sqlite3.Error):
        code = _sqlite_code(original)
        if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            return _busy()
        if code == sqlite3.SQLITE_FULL:
            return DatabaseUnavailable("the disk holding the database is full: nothing was saved; send again later", RETRY_BROKEN)
        if code in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PROTOCOL, sqlite3.SQLITE_PERM):
            return DatabaseUnavailable(f"the database cannot be written ({original}): nothing was saved; send again later", RETRY_BROKEN)
        return None
    psycopg = sys.modules.get("psycopg")
    if psycopg is not None and isinstance(original, psycopg.OperationalError):  # no connection, lock timeout, disk full
        # The reason (host, port) goes to the log (_Alarm), not to the learner.
        return DatabaseUnavailable("the database server is unavailable: nothing was saved; send again", RETRY_BUSY)
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return DatabaseUnavailable("the connection to the database was lost: nothing was saved; send again", RETRY_BUSY)
    return None


class _SqliteFiles:
    """The database file, its WAL and its shared-memory index: can this process still write them?"""

    def __init__(self, path: str):
        self.paths = [path, f"{path}-wal", f"{path}-shm"]
        self.sync_after_commit = False

    def sync_wal(self) -> None:
        """fsync the WAL: what synchronous=FULL does at each commit, done after it (an OSError: not durable)."""
        if not self.sync_after_commit:
            return
        try:
            descriptor = os.open(self.paths[1], os.O_RDONLY)
        except FileNotFoundError:  # nothing was ever written to it
            return
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)

    def unwritable(self) -> str | None:
        for path in self.paths:
            if os.path.exists(path) and not os.access(path, os.W_OK):  # EROFS or an immutable file count, even for root
                return f"{path} cannot be written (read-only file or file system)"
        return None


class _Alarm:
    """One log line when the database goes wrong, one when it is well again (not one per request)."""

    def __init__(self, name: str):
        self.name = name
        self.trouble: str | None = None

    def raised(self, error: DatabaseUnavailable, cause: BaseException | str | None = None) -> None:
        if self.trouble != error.message:
            self.trouble = error.message
            if isinstance(cause, BaseException):
                cause = f"{type(cause).__name__}: {cause}"
            detail = f" ({cause})" if cause and cause not in error.message else ""
            log.error("classroom database %s: %s%s; requests are answered 503 until it recovers", self.name, error.message, detail)

    def cleared(self) -> None:
        if self.trouble is not None:
            self.trouble = None
            log.warning("classroom database %s: writable again", self.name)


class Database:
    def __init__(self, url: str):
        self.url = url
        self.engine = engine_for(url)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self.files = _SqliteFiles(self.engine.url.database) if self.is_sqlite else None
        if self.files is not None and _synchronous(url) == "FULL":
            self.files.sync_after_commit = True
        self.alarm = _Alarm(self.engine.url.render_as_string(hide_password=True))
        self._writer: _GroupCommitWriter | None = None

    def start(self) -> None:
        if self.is_sqlite and self._writer is None:
            self._writer = _GroupCommitWriter(self.engine, self.files, self.alarm)

    def close(self) -> None:
        serving = self._writer is not None
        if self._writer is not None:
            self._writer.stop()
            self._writer = None
        problem = self.files.unwritable() if serving else None
        if problem is not None:
            # Closing the last connection checkpoints the WAL, a write to the -shm mapping: SIGBUS on a
            # file that became read-only while mapped. The WAL is safe on disk; the next start applies it.
            # So the connections stay open and the process ends without closing them. (Connections
            # opened while the files were already read-only map nothing writable: no risk there.)
            log.error("classroom database %s: %s; leaving its WAL for the next start", self.alarm.name, problem)
            _abandoned.append(self.engine)
            atexit.register(_exit_without_closing)
            return
        self.engine.dispose()

    def _check_files(self) -> None:
        problem = self.files.unwritable() if self.files is not None else None
        if problem is not None:
            error = _read_only()
            self.alarm.raised(error, problem)
            raise error

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One write transaction, run here (commands, migrations, tests)."""
        with self.engine.connect().execution_options(writer=True) as connection:
            if self.is_sqlite:
                self._check_files()
                _begin_immediate(connection.connection.driver_connection, time.monotonic() + LOCK_WAIT_SECONDS)
            with connection.begin():
                yield connection
            if self.files is not None:
                self.files.sync_wal()

    def write_now(self, job: Job[T], retry_conflicts: bool = False) -> T:
        if self._writer is not None:  # one writer: writes never conflict
            return self._writer.submit(job).result(timeout=WRITE_DEADLINE_SECONDS)
        for attempt in range(RETRIES):
            try:
                with self.transaction() as connection:
                    return job(connection)
            except IntegrityError:
                if not retry_conflicts or attempt == RETRIES - 1:
                    raise
            except Exception as error:
                if (failure := unavailable(error)) is None:
                    raise
                self.alarm.raised(failure, error)
                raise failure from error
        raise AssertionError("unreachable")

    async def write(self, job: Job[T], retry_conflicts: bool = False) -> T:
        """Run ``job`` in a write transaction; return once it is committed.

        With ``retry_conflicts`` a job refused by a unique constraint (another
        process wrote the same key at the same moment) runs again, afresh.
        Raises ``DatabaseUnavailable`` when the database cannot take it in time.
        """
        if self._writer is None:
            return await run_in_threadpool(self.write_now, job, retry_conflicts)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(self._writer.submit(job)), WRITE_DEADLINE_SECONDS)
        except TimeoutError:
            raise DatabaseUnavailable("the database did not answer in time: the attempt may not be saved; send again", RETRY_BUSY) from None

    def read_now(self, job: Job[T]) -> T:
        self._check_files()  # a reader marks its snapshot in the -shm mapping: never on a read-only file
        try:
            with self.engine.connect() as connection:
                return job(connection)
        except Exception as error:
            if (failure := unavailable(error)) is None:
                raise
            self.alarm.raised(failure, error)
            raise failure from error

    async def read(self, job: Job[T]) -> T:
        return await run_in_threadpool(self.read_now, job)


def _exit_without_closing() -> None:
    """Run first at exit when a read-only database's connections must not be closed (see Database.close)."""
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


class _GroupCommitWriter:
    """One thread, one connection: every waiting write in one transaction, one commit.

    Its connection never checkpoints the WAL itself (a checkpoint on the commit
    path would stall every learner waiting behind it); a second thread runs
    PASSIVE checkpoints, which never block the writer, every half second.
    Every job's future is answered: with its result once committed, or with
    the error that kept it from being committed.
    """

    CHECKPOINT_SECONDS = 0.5
    FINAL_CHECKPOINT_MS = 1000

    def __init__(self, engine: Engine, files: _SqliteFiles, alarm: _Alarm):
        self.engine = engine
        self.files = files
        self.alarm = alarm
        self.jobs: queue.SimpleQueue = queue.SimpleQueue()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name="sqlite-writer", daemon=True)
        self.checkpointer = threading.Thread(target=self._checkpoint, name="sqlite-checkpoint", daemon=True)
        self.thread.start()
        self.checkpointer.start()

    def submit(self, job: Job[T]) -> Future:
        future: Future = Future()
        self.jobs.put((job, future, time.monotonic()))
        return future

    def stop(self) -> None:
        """Finish the batch under way, refuse what is still queued; never longer than STOP_SECONDS."""
        deadline = time.monotonic() + STOP_SECONDS
        self.stopping.set()
        self.jobs.put(None)
        self.thread.join(timeout=STOP_SECONDS)
        self.checkpointer.join(timeout=max(0.5, deadline - time.monotonic()))
        stopped = DatabaseUnavailable("the server is stopping: nothing was saved; send again in a moment", RETRY_BUSY)
        while True:
            try:
                item = self.jobs.get_nowait()
            except queue.Empty:
                return
            if item is not None and item[1].set_running_or_notify_cancel():
                item[1].set_exception(stopped)

    def _checkpoint(self) -> None:
        with self.engine.connect() as connection:
            raw = connection.connection.driver_connection  # autocommit: no transaction around a checkpoint
            while not self.stopping.wait(self.CHECKPOINT_SECONDS):
                if self.files.unwritable() is None:  # a checkpoint writes to the -shm mapping
                    with contextlib.suppress(sqlite3.Error):  # busy or failing: the next turn tries again
                        raw.execute("PRAGMA wal_checkpoint(PASSIVE)").close()
            if self.files.unwritable() is not None:
                return
            # Empty the WAL on the way out, but never hold the shutdown for it: a checkpoint
            # that cannot finish within a second leaves the WAL to the next start, which applies it.
            with contextlib.suppress(sqlite3.Error):
                raw.execute(f"PRAGMA busy_timeout={self.FINAL_CHECKPOINT_MS}").close()
                busy, _, _ = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
                if busy:
                    raw.execute("PRAGMA wal_checkpoint(PASSIVE)").close()

    def _run(self) -> None:
        with self.engine.connect().execution_options(writer=True) as connection:
            connection.connection.driver_connection.execute("PRAGMA wal_autocheckpoint=0").close()
            while True:
                batch = self._next_batch()
                if batch is None:
                    return
                self._commit(connection, batch)

    def _next_batch(self) -> list[tuple[Job, Future, float]] | None:
        first = self.jobs.get()
        if first is None:
            return None
        batch = [first]
        while len(batch) < BATCH:
            try:
                item = self.jobs.get_nowait()
            except queue.Empty:
                break
            if item is None:
                self.jobs.put(None)  # stop after this batch
                break
            batch.append(item)
        return batch

    def _commit(self, connection: Connection, batch: list[tuple[Job, Future, float]]) -> None:
        live = [(job, future) for job, future, _ in batch if future.set_running_or_notify_cancel()]  # callers still waiting
        if not live:
            return
        deadline = min(submitted for _, _, submitted in batch) + LOCK_WAIT_SECONDS
        done: list[tuple[Future, Any]] = []
        raw = connection.connection.driver_connection
        problem = self.files.unwritable()  # checked before every batch: see the module's docstring
        if problem is not None:
            failure = _read_only()
            self.alarm.raised(failure, problem)
            for _, future in live:
                future.set_exception(failure)
            return
        try:
            _begin_immediate(raw, deadline, self.stopping)
            with connection.begin():
                for job, future in live:
                    try:
                        with connection.begin_nested():
                            done.append((future, job(connection)))
                    except Exception as error:
                        if unavailable(error) is not None:
                            raise  # the database failed, not this job: nobody's write in this batch is committed
                        future.set_exception(error)  # this job's own failure: the others still commit
            self.files.sync_wal()  # on disk before anyone is told so
        except BaseException as error:  # the batch failed: every caller still waiting is told, none acknowledged
            with contextlib.suppress(sqlite3.Error):
                if raw.in_transaction:
                    raw.execute("ROLLBACK").close()
            failure = unavailable(error)
            if failure is None:
                log.exception("classroom database %s: a commit failed", self.alarm.name, exc_info=error)
                failure = DatabaseUnavailable("the database failed to commit: nothing was saved; send again", RETRY_BUSY)
            self.alarm.raised(failure, error)
            for _, future in live:
                if not future.done():
                    future.set_exception(failure)
            return
        self.alarm.cleared()
        for future, result in done:
            future.set_result(result)
