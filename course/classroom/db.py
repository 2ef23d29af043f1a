"""The database: SQLite (a file in WAL mode, the default) or PostgreSQL.

Writes go through ``Database.write``. On SQLite one writer thread runs them
with group commit: it takes every write waiting, runs each in its own
savepoint inside one ``BEGIN IMMEDIATE`` transaction and commits once
(``synchronous=FULL``: the commit is on disk), and only then answers each
caller. So an attempt is committed before its result is returned, and many
learners submitting at once share one fsync instead of queueing for one each.
On PostgreSQL each write is its own transaction on a pooled connection, and
the server's own group commit does the same job across processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool

T = TypeVar("T")
Job = Callable[[Connection], T]
BATCH = 256  # at most this many writes share one commit
RETRIES = 5


def engine_for(url: str) -> Engine:
    """An engine for ``sqlite:///FILE`` or ``postgresql://...`` (driven by psycopg 3)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        return create_engine(parsed.set(drivername="postgresql+psycopg"), pool_size=8, max_overflow=24, pool_pre_ping=True)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        raise ValueError(f"unsupported database URL `{url}`: use sqlite:///PATH/TO/FILE.db or postgresql://USER@HOST:PORT/NAME")
    synchronous = parsed.query.get("synchronous", "full").upper()
    if synchronous not in ("FULL", "NORMAL", "EXTRA"):
        raise ValueError(f"synchronous={synchronous.lower()} is not allowed: use full (default), extra or normal")
    Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(parsed.set(query={}), connect_args={"check_same_thread": False, "timeout": 30}, pool_size=8, max_overflow=8)
    _sqlite_transactions(engine, synchronous)
    return engine


def _sqlite_transactions(engine: Engine, synchronous: str) -> None:
    """Let SQLAlchemy, not the sqlite3 module, emit BEGIN (so SAVEPOINT works); writers BEGIN IMMEDIATE."""

    @event.listens_for(engine, "connect")
    def connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in ("journal_mode=WAL", f"synchronous={synchronous}", "busy_timeout=30000", "foreign_keys=ON"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if connection.get_execution_options().get("writer") else "BEGIN")


class Database:
    def __init__(self, url: str):
        self.url = url
        self.engine = engine_for(url)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self._writer: _GroupCommitWriter | None = None

    def start(self) -> None:
        if self.is_sqlite and self._writer is None:
            self._writer = _GroupCommitWriter(self.engine)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.stop()
            self._writer = None
        self.engine.dispose()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One write transaction, run here (commands, migrations, tests)."""
        with self.engine.connect().execution_options(writer=True) as connection, connection.begin():
            yield connection

    def write_now(self, job: Job[T], retry_conflicts: bool = False) -> T:
        if self._writer is not None:  # one writer: writes never conflict
            return self._writer.submit(job).result()
        for attempt in range(RETRIES):
            try:
                with self.transaction() as connection:
                    return job(connection)
            except IntegrityError:
                if not retry_conflicts or attempt == RETRIES - 1:
                    raise
        raise AssertionError("unreachable")

    async def write(self, job: Job[T], retry_conflicts: bool = False) -> T:
        """Run ``job`` in a write transaction; return once it is committed.

        With ``retry_conflicts`` a job refused by a unique constraint (another
        process wrote the same key at the same moment) runs again, afresh.
        """
        if self._writer is not None:
            return await asyncio.wrap_future(self._writer.submit(job))
        return await run_in_threadpool(self.write_now, job, retry_conflicts)

    def read_now(self, job: Job[T]) -> T:
        with self.engine.connect() as connection:
            return job(connection)

    async def read(self, job: Job[T]) -> T:
        return await run_in_threadpool(self.read_now, job)


class _GroupCommitWriter:
    """One thread, one connection: every waiting write in one transaction, one commit.

    Its connection never checkpoints the WAL itself (a checkpoint on the commit
    path would stall every learner waiting behind it); a second thread runs
    PASSIVE checkpoints, which never block the writer, every half second.
    """

    CHECKPOINT_SECONDS = 0.5
    FINAL_CHECKPOINT_MS = 1000

    def __init__(self, engine: Engine):
        self.engine = engine
        self.jobs: queue.SimpleQueue = queue.SimpleQueue()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name="sqlite-writer", daemon=True)
        self.checkpointer = threading.Thread(target=self._checkpoint, name="sqlite-checkpoint", daemon=True)
        self.thread.start()
        self.checkpointer.start()

    def submit(self, job: Job[T]) -> Future:
        future: Future = Future()
        self.jobs.put((job, future))
        return future

    def stop(self) -> None:
        self.jobs.put(None)
        self.thread.join(timeout=30)
        self.stopping.set()
        self.checkpointer.join(timeout=30)

    def _checkpoint(self) -> None:
        with self.engine.connect() as connection:
            raw = connection.connection.driver_connection  # autocommit: no transaction around a checkpoint
            while not self.stopping.wait(self.CHECKPOINT_SECONDS):
                raw.execute("PRAGMA wal_checkpoint(PASSIVE)").close()
            # Empty the WAL on the way out, but never hold the shutdown for it: a checkpoint
            # that cannot finish within a second leaves the WAL to the next start, which applies it.
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

    def _next_batch(self) -> list[tuple[Job, Future]] | None:
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

    def _commit(self, connection: Connection, batch: list[tuple[Job, Future]]) -> None:
        done: list[tuple[Future, Any]] = []
        try:
            with connection.begin():
                for job, future in batch:
                    try:
                        with connection.begin_nested():
                            done.append((future, job(connection)))
                    except Exception as error:  # this job's own failure: the others still commit
                        future.set_exception(error)
        except Exception as error:  # the commit itself failed: nobody's write is acknowledged
            for future, _ in done:
                future.set_exception(error)
            return
        for future, result in done:
            future.set_result(result)
