"""Faults under load: the real server as a subprocess, every request answered, no acknowledged attempt lost.

Each test starts ``python build.py classroom``, drives learners submitting
attempts over loopback, does something bad to the database (SIGKILL, a write
lock held by another program past the bound, read-only files, a full disk, a
second server on the same file), and then checks three things:

- every request got an answer: 201, or 503 with ``Retry-After`` (no hang, no 500);
- the server stops within a few seconds of SIGTERM;
- after a restart, every acknowledged (201) attempt id is in ``SELECT id FROM attempts``.

The server tests are marked ``slow`` (about two minutes on 2 cores): ``pytest -m "not slow"``
skips them. The writer's own tests at the top run in a second, in-process.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2 as httpx
import pytest

from course.classroom import db
from course.classroom.db import LOCK_WAIT_SECONDS, STOP_SECONDS, Database
from course.classroom.errors import DatabaseUnavailable
from course.classroom.pgcluster import PostgresCluster, binaries, free_port
from tests.classroom.fixtures import ENGLISH, REPO, TRAINER, database_url
from tests.classroom.test_server import Server, admin, prepare_class, stored_attempt_ids, submit

pytest_plugins = ["tests.classroom.fixtures"]
slow = pytest.mark.slow

STOP_WITHIN = 8  # seconds from SIGTERM to exit, at most (graceful 3 s + the database's own stop)
ANSWER_WITHIN = LOCK_WAIT_SECONDS + 15  # a request is answered by then, or it hung


def insert(value: int):
    return lambda connection: connection.exec_driver_sql(f"INSERT INTO t VALUES ({value})").rowcount


@pytest.fixture
def writer_database(tmp_path, monkeypatch):
    monkeypatch.setattr(db, "LOCK_WAIT_SECONDS", 1)
    database = Database(f"sqlite:///{tmp_path / 'writer.db'}")
    with database.transaction() as connection:
        connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    database.start()
    yield database
    database.close()


def test_a_batch_that_cannot_have_the_write_lock_answers_every_caller(writer_database, tmp_path):
    """The review's hang: BEGIN IMMEDIATE failed and the batch's futures were never answered. Now each gets a 503 error."""
    holder = sqlite3.connect(tmp_path / "writer.db", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    futures = [writer_database._writer.submit(insert(number)) for number in range(5)]
    for future in futures:
        with pytest.raises(DatabaseUnavailable, match="write lock was not free within 1 s") as raised:
            future.result(timeout=5)  # answered at the bound, not never
        assert raised.value.retry_after > 0
    holder.execute("ROLLBACK")
    holder.close()
    assert writer_database.write_now(insert(99)) == 1  # the writer goes on
    assert writer_database.read_now(lambda c: c.exec_driver_sql("SELECT x FROM t").scalars().all()) == [99]  # none of the 5


def test_stopping_the_writer_while_the_lock_is_held_takes_seconds_and_answers_the_queue(writer_database, tmp_path, monkeypatch):
    monkeypatch.setattr(db, "LOCK_WAIT_SECONDS", 60)  # the bound would not end it: the stop must
    holder = sqlite3.connect(tmp_path / "writer.db", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    futures = [writer_database._writer.submit(insert(number)) for number in range(5)]
    time.sleep(0.3)
    started = time.monotonic()
    writer_database._writer.stop()
    writer_database._writer = None
    assert time.monotonic() - started < STOP_SECONDS
    for future in futures:
        assert isinstance(future.exception(timeout=1), DatabaseUnavailable)
    holder.execute("ROLLBACK")
    holder.close()


def test_a_job_failing_for_the_database_rolls_back_its_whole_batch(writer_database):
    """A disk-full or I/O error inside one job can end SQLite's transaction: no job of that batch may then be acknowledged."""

    error = sqlite3.OperationalError("database or disk is full")
    error.sqlite_errorcode = sqlite3.SQLITE_FULL
    assert "disk holding the database is full" in db.unavailable(error).message

    def fails_like_a_full_disk(connection):
        raise error

    inside, gate = threading.Event(), threading.Event()

    def hold(connection):  # holds the writer, so the next three queue up and make one batch
        inside.set()
        return gate.wait(5)

    first = writer_database._writer.submit(hold)
    assert inside.wait(5)
    futures = [writer_database._writer.submit(job) for job in (insert(1), fails_like_a_full_disk, insert(2))]
    gate.set()
    assert first.result(timeout=5) is True
    for future in futures:  # one batch: its commit is refused for all three
        assert isinstance(future.exception(timeout=5), DatabaseUnavailable)
    assert writer_database.read_now(lambda c: c.exec_driver_sql("SELECT count(*) FROM t").scalar()) == 0


class Load:
    """Learners submitting on their own threads; records every answer (status, Retry-After, attempt id)."""

    def __init__(self, joined: list[tuple[httpx.Client, str]], pause: float = 0.0):
        self.joined, self.pause = joined, pause
        self.answers: list[tuple[int, str | None]] = []
        self.acknowledged: list[int] = []
        self.failures: list[str] = []  # no answer at all: a hang (timeout) or a broken connection
        self.stop = threading.Event()
        self.pool = ThreadPoolExecutor(len(joined))
        self.lock = threading.Lock()

    def __enter__(self) -> Load:
        for learner, token in self.joined:
            self.pool.submit(self._learner, learner, token)
        return self

    def __exit__(self, *_exc) -> None:
        self.stop.set()
        self.pool.shutdown(wait=True)

    def _learner(self, learner: httpx.Client, token: str) -> None:
        learner.timeout = httpx.Timeout(ANSWER_WITHIN)
        while not self.stop.is_set():
            try:
                response = submit(learner, token)
            except httpx.HTTPError as error:
                with self.lock:
                    self.failures.append(type(error).__name__)
                if self.stop.is_set():
                    return
                time.sleep(0.2)
                continue
            with self.lock:
                self.answers.append((response.status_code, response.headers.get("retry-after")))
                if response.status_code == 201:
                    self.acknowledged.append(response.json()["attempt"]["id"])
            if self.pause:
                self.stop.wait(self.pause)

    def count(self, status: int) -> int:
        with self.lock:
            return sum(1 for code, _ in self.answers if code == status)

    def wait_for(self, status: int, count: int, seconds: float) -> None:
        deadline = time.time() + seconds
        while self.count(status) < count and time.time() < deadline:
            time.sleep(0.05)
        assert self.count(status) >= count, f"only {self.count(status)} answers {status} within {seconds} s: {self.summary()}"

    def summary(self) -> dict:
        with self.lock:
            statuses: dict = {}
            for code, _ in self.answers:
                statuses[code] = statuses.get(code, 0) + 1
            return {"statuses": statuses, "no answer": len(self.failures)}

    def assert_all_answered(self) -> None:
        """201, or 503 with Retry-After; nothing else, and no request left without an answer."""
        with self.lock:
            wrong = [(code, retry) for code, retry in self.answers if code != 201 and not (code == 503 and retry)]
            assert not wrong, f"answers other than 201 or 503 with Retry-After: {wrong[:5]} ({self.summary()})"
            assert not self.failures, f"requests with no answer: {self.failures[:5]} ({self.summary()})"


def stop_within(server: Server, seconds: float = STOP_WITHIN) -> float:
    """SIGTERM; the server (and its workers) must be gone within ``seconds``."""
    started = time.monotonic()
    os.killpg(server.process.pid, signal.SIGTERM)
    try:
        server.process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        server.kill()
        raise AssertionError(f"the server was still running {seconds} s after SIGTERM") from None
    return time.monotonic() - started


def assert_nothing_lost(db_url: str, acknowledged: list[int]) -> None:
    stored = stored_attempt_ids(db_url)
    lost = set(acknowledged) - stored
    assert not lost, f"{len(lost)} of {len(acknowledged)} acknowledged attempts lost"
    if db_url.startswith("sqlite"):
        path = db_url.removeprefix("sqlite:///")
        with sqlite3.connect(path) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def started(db_url: str, site: Path, log: Path, workers: int = 1) -> Server:
    assert admin(db_url, "set-password", TRAINER).returncode == 0
    return Server(db_url, site, workers=workers, log=log).start()


def restart_and_check(db_url: str, site: Path, log: Path, port: int, acknowledged: list[int], workers: int = 1) -> None:
    """The restarted server answers on the same database, and every acknowledged attempt is in it."""
    server = Server(db_url, site, workers=workers, log=log, port=port).start()
    try:
        assert httpx.get(f"{server.base}/healthz", timeout=5).status_code == 200
    finally:
        stop_within(server)
    assert_nothing_lost(db_url, acknowledged)


@slow
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_sigkill_under_load_loses_no_acknowledged_attempt(backend, english_site, tmp_path, postgresql):
    db_url = database_url(backend, tmp_path, postgresql)
    log = tmp_path / "server.log"
    server = started(db_url, english_site, log, workers=2 if backend == "postgresql" else 1)
    try:
        joined, _ = prepare_class(server.base, 16)
        with Load(joined) as load:
            load.wait_for(201, 200, 30)
            server.kill()
        assert set(load.summary()["statuses"]) == {201}, load.summary()
    finally:
        server.stop()
    restart_and_check(db_url, english_site, log, server.port, load.acknowledged, workers=2 if backend == "postgresql" else 1)


@slow
def test_write_lock_held_past_the_bound_gives_503_then_201(english_site, tmp_path):
    """Another program holds BEGIN EXCLUSIVE for longer than the bound: 503 + Retry-After, never a hang; then 201 again."""
    db_url = f"sqlite:///{tmp_path / 'locked.db'}"
    log = tmp_path / "server.log"
    server = started(db_url, english_site, log)
    try:
        joined, _ = prepare_class(server.base, 6)
        with Load(joined, pause=0.05) as load:
            load.wait_for(201, 20, 20)
            holder = sqlite3.connect(tmp_path / "locked.db", isolation_level=None)
            holder.execute("BEGIN EXCLUSIVE")  # a backup tool, the sqlite3 shell, a VACUUM
            held = time.monotonic()
            load.wait_for(503, 6, LOCK_WAIT_SECONDS + 10)
            waited = time.monotonic() - held
            holder.execute("ROLLBACK")
            holder.close()
            before = load.count(201)
            load.wait_for(201, before + 20, 20)  # back to normal, without a restart
        load.assert_all_answered()
        assert LOCK_WAIT_SECONDS - 1 <= waited <= LOCK_WAIT_SECONDS + 10, waited  # the bound, not sooner and not forever
        assert "write lock was not free" in log.read_text()  # one clear log line
        assert stop_within(server) <= STOP_WITHIN
    finally:
        server.stop()
    restart_and_check(db_url, english_site, log, server.port, load.acknowledged)


@slow
def test_sigterm_stops_the_server_while_the_write_lock_is_held(english_site, tmp_path):
    """The review's second symptom: after the hang, SIGINT and SIGTERM were ignored. Now the stop is bounded."""
    db_url = f"sqlite:///{tmp_path / 'locked.db'}"
    server = started(db_url, english_site, tmp_path / "server.log")
    try:
        joined, _ = prepare_class(server.base, 4)
        holder = sqlite3.connect(tmp_path / "locked.db", isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        with Load(joined) as load:
            time.sleep(2)  # every learner's submission is now waiting for the lock
            took = stop_within(server)
        holder.execute("ROLLBACK")
        holder.close()
        assert took <= STOP_WITHIN
        assert load.count(201) == 0
    finally:
        server.stop()


def chattr(flag: str, *paths: Path) -> None:
    subprocess.run(["chattr", flag, *map(str, paths)], check=True, capture_output=True)


def immutable_supported(folder: Path) -> str | None:
    """Why read-only files cannot be simulated here (chattr +i needs root and a file system that has it), or None."""
    if shutil.which("chattr") is None:
        return "chattr is not installed (e2fsprogs)"
    probe = folder / "probe"
    probe.write_text("x")
    try:
        chattr("+i", probe)
    except subprocess.CalledProcessError as error:
        return f"chattr +i is refused here ({error.stderr.strip()}); it needs root and ext4, xfs or btrfs"
    chattr("-i", probe)
    probe.unlink()
    return None


@contextlib.contextmanager
def class_on_sqlite(english_site: Path, tmp_path: Path, stored_first: int) -> Iterator[tuple[Server, Load, list[Path], Path]]:
    """A server on a fresh SQLite file and a class of 6 submitting: yields (server, load, the database's files, the
    server's log) once ``stored_first`` answers are stored; afterwards every acknowledged answer must have been
    answered, and a restarted server must hold them all."""
    if (reason := immutable_supported(tmp_path)) is not None:
        pytest.skip(reason)
    path = tmp_path / "readonly.db"
    files = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
    db_url, log = f"sqlite:///{path}", tmp_path / "server.log"
    server = started(db_url, english_site, log)
    try:
        joined, _ = prepare_class(server.base, 6)
        with Load(joined, pause=0.1) as load:
            load.wait_for(201, stored_first, 20)
            yield server, load, files, log
        load.assert_all_answered()
    finally:
        server.stop()
    restart_and_check(db_url, english_site, log, server.port, load.acknowledged)


@slow
def test_read_only_database_gives_503_and_a_log_line_not_sigbus(english_site, tmp_path):
    """The database files become immutable while the server runs: 503s and one clear log line; no SIGBUS; stops cleanly."""
    with class_on_sqlite(english_site, tmp_path, 30) as (server, load, files, log):
        chattr("+i", *files)
        try:
            before = load.count(503)
            load.wait_for(503, before + 12, 20)
            time.sleep(2)  # the checkpoint thread's turns (the review's SIGBUS came 0.5 s after)
            assert server.process.poll() is None, f"the server died (exit {server.process.returncode})"
            load.stop.set()
        finally:
            if server.process.poll() is None:
                took = stop_within(server)  # closing its connections would checkpoint: it must not
            chattr("-i", *files)
    assert server.process.returncode in (0, -signal.SIGTERM), server.process.returncode  # not -SIGBUS
    assert took <= STOP_WITHIN
    text = log.read_text()
    assert "cannot be written (read-only file or file system)" in text, text[-2000:]
    assert text.count("writes are answered 503") <= 3, "one line per fault, not one per request"


def tmpfs(folder: Path, size: str) -> str | None:
    """Mount a small tmpfs at ``folder``; None, or why it cannot be done here."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return "mounting a small tmpfs needs root"
    folder.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True, text=True)
    return None if result.returncode == 0 else f"cannot mount a tmpfs here: {result.stderr.strip()}"


@slow
def test_disk_full_gives_503_and_a_log_line_then_recovers(english_site, tmp_path):
    """The disk holding the database fills up: 503 + Retry-After (was a generic 500), a log line; after freeing space, 201."""
    disk = tmp_path / "disk"
    if (reason := tmpfs(disk, "3M")) is not None:
        pytest.skip(reason)
    try:
        db_url = f"sqlite:///{disk / 'full.db'}"
        log = tmp_path / "server.log"
        server = started(db_url, english_site, log)
        try:
            joined, _ = prepare_class(server.base, 6)
            filler = disk / "filler"
            with filler.open("wb") as out:  # leave the database about 300 KB to grow into
                free = shutil.disk_usage(disk).free
                out.write(b"\0" * max(0, free - 300_000))
            with Load(joined) as load:
                load.wait_for(503, 10, 60)
                filler.unlink()  # space again: submissions go through without a restart
                before = load.count(201)
                load.wait_for(201, before + 20, 30)
            load.assert_all_answered()
            assert "the disk holding the database is full" in log.read_text()
            assert stop_within(server) <= STOP_WITHIN
        finally:
            server.stop()
        restart_and_check(db_url, english_site, log, server.port, load.acknowledged)
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)


@slow
def test_two_server_processes_on_one_sqlite_file_lose_nothing(english_site, tmp_path):
    """Two servers write one SQLite file and take its write lock in turns: all answered, 0 acknowledged lost."""
    db_url = f"sqlite:///{tmp_path / 'shared.db'}"
    log = tmp_path / "server.log"
    first = started(db_url, english_site, log)
    second = Server(db_url, english_site, log=log).start()
    try:
        joined_first, _ = prepare_class(first.base, 12)
        joined_second = []
        for client, token in joined_first[6:]:  # same cookies: the secret is in the shared database
            moved = httpx.Client(base_url=second.base, timeout=30, cookies=client.cookies)
            joined_second.append((moved, token))
        with Load(joined_first[:6] + joined_second) as load:
            time.sleep(12)
        load.assert_all_answered()
        assert load.count(201) > 200, load.summary()
        assert stop_within(first) <= STOP_WITHIN
        assert stop_within(second) <= STOP_WITHIN
    finally:
        first.stop()
        second.stop()
    restart_and_check(db_url, english_site, log, first.port, load.acknowledged)


@slow
def test_starting_on_a_read_only_database_says_so_and_exits_1(english_site, tmp_path):
    if (reason := immutable_supported(tmp_path)) is not None:
        pytest.skip(reason)
    path = tmp_path / "readonly.db"
    db_url = f"sqlite:///{path}"
    assert admin(db_url, "set-password", TRAINER).returncode == 0
    chattr("+i", path)
    try:
        command = [sys.executable, "build.py", "classroom", "--course", str(ENGLISH), "--db", db_url, "--site", str(english_site)]
        result = subprocess.run(command + ["--port", str(free_port())], cwd=REPO, capture_output=True, text=True, timeout=60)
    finally:
        chattr("-i", path)
    assert result.returncode == 1, result.stderr[-2000:]
    assert "classroom: cannot start: the database is read-only" in result.stderr
    assert "Traceback" not in result.stderr


@slow
def test_postgresql_going_away_gives_503_then_201_when_it_is_back(english_site, tmp_path):
    """PostgreSQL stops (crash-like, -m immediate) while learners submit: 503 + Retry-After, not 500; back: 201, no restart."""
    if binaries() is None:
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql)")
    cluster = PostgresCluster().start()  # its own cluster: this test stops it
    options = f"-p {cluster.port} -k {cluster.root} -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=on"
    try:
        db_url = cluster.create_database("away")
        log = tmp_path / "server.log"
        server = started(db_url, english_site, log)
        try:
            joined, _ = prepare_class(server.base, 6)
            with Load(joined, pause=0.05) as load:
                load.wait_for(201, 20, 20)
                cluster._run("pg_ctl", "-D", str(cluster.data), "-m", "immediate", "-w", "stop")
                before = load.count(503)
                load.wait_for(503, before + 6, 30)
                cluster._run("pg_ctl", "-D", str(cluster.data), "-o", options, "-l", str(cluster.root / "log"), "-w", "-t", "60", "start")
                before = load.count(201)
                load.wait_for(201, before + 20, 30)
            load.assert_all_answered()
            assert "the database server is unavailable" in log.read_text()
            assert stop_within(server) <= STOP_WITHIN
        finally:
            server.stop()
        restart_and_check(db_url, english_site, log, server.port, load.acknowledged)
    finally:
        cluster.stop()


@slow
def test_read_only_database_takes_writes_again_once_writable(english_site, tmp_path):
    with class_on_sqlite(english_site, tmp_path, 20) as (server, load, files, log):
        chattr("+i", *files)
        try:
            load.wait_for(503, 6, 20)
        finally:
            chattr("-i", *files)
        before = load.count(201)
        load.wait_for(201, before + 20, 20)  # no restart needed
        load.stop.set()
        assert stop_within(server) <= STOP_WITHIN
    assert "writable again" in log.read_text()
