"""The real server as a subprocess: no acknowledged attempt lost to SIGKILL, several processes, raw paths.

Each test starts ``python build.py classroom`` on a free 127.0.0.1 port and
talks to it over loopback only, with bounded loops.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2 as httpx
import pytest

from course.classroom.db import Database
from course.classroom.pgcluster import free_port
from tests.classroom.fixtures import ENGLISH, PASSWORD, REPO, TRAINER

pytest_plugins = ["tests.classroom.fixtures"]


class Server:
    def __init__(self, db_url: str, site: Path | None, workers: int = 1, log: Path | None = None, port: int | None = None):
        self.db_url, self.site, self.workers = db_url, site, workers
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.process: subprocess.Popen | None = None

    def start(self) -> Server:
        command = [sys.executable, "build.py", "classroom", "--course", str(ENGLISH), "--db", self.db_url, "--port", str(self.port)]
        command += ["--workers", str(self.workers)] + (["--site", str(self.site)] if self.site else [])
        stderr = open(self.log, "ab") if self.log else subprocess.DEVNULL  # noqa: SIM115 (kept for the process)
        self.process = subprocess.Popen(command, cwd=REPO, stderr=stderr, start_new_session=True)
        deadline = time.time() + 60
        while time.time() < deadline:
            assert self.process.poll() is None, "the server exited at start"
            try:
                if httpx.get(f"{self.base}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.1)
        raise AssertionError("the server did not answer within 60 s")

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)  # the server and any worker processes, at once
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def server_factory():
    started: list[Server] = []

    def make(*args, **kwargs) -> Server:
        server = Server(*args, **kwargs).start()
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()


def admin(db_url: str, *args: str, password: str = PASSWORD) -> subprocess.CompletedProcess:
    env = dict(os.environ, CLASSROOM_PASSWORD=password)
    command = [sys.executable, "build.py", "classroom-admin", "--course", str(ENGLISH), "--db", db_url, *args]
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)


def csrf(client: httpx.Client, path: str) -> str:
    page = client.get(path).text
    return page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def prepare_class(base: str, learners: int, **settings) -> tuple[list[tuple[httpx.Client, str]], int]:
    trainer = httpx.Client(base_url=base, timeout=30)
    token = csrf(trainer, "/trainer/login")
    assert trainer.post("/trainer/login", data={"csrf_token": token, "name": TRAINER, "password": PASSWORD}).status_code == 303
    response = trainer.post("/trainer/classes", data={"csrf_token": token, "name": "Load", "code": "LOAD01", "open_join": "on"})
    class_id = int(response.headers["location"].rsplit("/", 1)[1])
    if settings:
        fields = {"csrf_token": token, "mode": "practice", "max_attempts": "", "opens_at": "", "closes_at": ""} | settings
        assert trainer.post(f"/trainer/classes/{class_id}/quizzes/customs-basics-quiz/settings", data=fields).status_code == 303
    joined = []
    for number in range(learners):
        learner = httpx.Client(base_url=base, timeout=30)
        token = csrf(learner, "/classroom/join")
        learner.post("/classroom/join", data={"csrf_token": token, "code": "LOAD01", "name": f"Learner {number}"})
        joined.append((learner, learner.get("/classroom/api/session").json()["csrf"]))
    return joined, class_id


def submit(learner: httpx.Client, token: str) -> httpx.Response:
    return learner.post(
        "/classroom/api/quizzes/customs-basics-quiz/attempts", json={"responses": {"q1": "a"}}, headers={"X-CSRF-Token": token}
    )


def stored_attempt_ids(db_url: str) -> set[int]:
    database = Database(db_url)
    try:
        return set(database.read_now(lambda c: c.exec_driver_sql("SELECT id FROM attempts").scalars().all()))
    finally:
        database.close()


def test_sigkill_during_a_load_loses_no_acknowledged_attempt(db_url, english_site, server_factory, tmp_path):
    assert admin(db_url, "set-password", TRAINER).returncode == 0
    server = server_factory(db_url, english_site, log=tmp_path / "server.log")
    joined, _ = prepare_class(server.base, 24)
    acknowledged: list[int] = []
    stop = threading.Event()

    def load(learner: httpx.Client, token: str) -> None:
        deadline = time.time() + 20
        while not stop.is_set() and time.time() < deadline:
            try:
                response = submit(learner, token)
            except httpx.HTTPError:
                return  # the server is gone
            if response.status_code == 201:
                acknowledged.append(response.json()["attempt"]["id"])

    with ThreadPoolExecutor(len(joined)) as pool:
        for learner, token in joined:
            pool.submit(load, learner, token)
        deadline = time.time() + 15
        while len(acknowledged) < 300 and time.time() < deadline:
            time.sleep(0.05)
        server.kill()
        stop.set()
    assert len(acknowledged) >= 300, "the load did not get going"

    restarted = server_factory(db_url, english_site, log=tmp_path / "server.log", port=server.port)
    stored = stored_attempt_ids(db_url)
    assert set(acknowledged) <= stored, f"{len(set(acknowledged) - stored)} acknowledged attempts lost"
    assert len(stored) - len(acknowledged) <= len(joined)  # at most the ones in flight at the kill
    learner, token = joined[0]
    assert submit(learner, token).status_code == 201  # the restarted server goes on, same cookies
    if db_url.startswith("sqlite"):
        database = Database(db_url)
        assert database.read_now(lambda c: c.exec_driver_sql("PRAGMA integrity_check").scalar()) == "ok"
        database.close()
    del restarted


def test_several_processes_share_postgresql_and_the_attempt_limit(server_factory, tmp_path, postgresql):
    from tests.classroom.fixtures import database_url

    db_url = database_url("postgresql", tmp_path, postgresql)
    assert admin(db_url, "set-password", TRAINER).returncode == 0
    server = server_factory(db_url, None, workers=2, log=tmp_path / "server.log")  # builds the site itself at start
    joined, _ = prepare_class(server.base, 2, max_attempts="3")
    (learner, token), (other, other_token) = joined
    with ThreadPoolExecutor(12) as pool:
        statuses = sorted(pool.map(lambda _: submit(learner, token).status_code, range(12)))
    assert statuses == [201] * 3 + [409] * 9
    assert [submit(other, other_token).status_code for _ in range(4)] == [201, 201, 201, 409]
    assert len(stored_attempt_ids(db_url)) == 6


def test_classroom_admin_sets_and_changes_passwords(db_url):
    first = admin(db_url, "set-password", "amal", password="first password 1")
    assert first.returncode == 0 and "created" in first.stderr
    again = admin(db_url, "set-password", "amal", password="second password 2")
    assert again.returncode == 0 and "changed" in again.stderr
    short = admin(db_url, "set-password", "amal", password="short")
    assert short.returncode == 1 and "too short" in short.stderr
    database = Database(db_url)
    try:
        stored = database.read_now(lambda c: c.exec_driver_sql("SELECT password_hash FROM trainers").scalars().all())
    finally:
        database.close()
    assert len(stored) == 1 and stored[0].startswith("$argon2id$") and "second" not in stored[0]
    assert admin(db_url, "migrate").stderr.strip() == "schema version 3"  # m003_paper: paper attempts


RAW_PATHS = [
    "/../../../../etc/passwd",
    "/assets/../../../../etc/passwd",
    "/assets/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/assets/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/quizzes/..%2f..%2fetc%2fpasswd.html",
    "/classroom/static/..%2f..%2fcourse%2fclassroom%2fdb.py",
    "/modules/..\\..\\..\\etc\\passwd",
]


def test_paths_with_dot_dot_never_leave_the_site(english_site, server_factory, tmp_path):
    db_url = f"sqlite:///{tmp_path / 'raw.db'}"
    server = server_factory(db_url, english_site)
    for path in RAW_PATHS:
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
            connection.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
            answer = b""
            while chunk := connection.recv(65536):
                answer += chunk
        status = int(answer.split(b" ", 2)[1])
        assert 400 <= status < 500, (path, status)
        assert b"root:" not in answer and b"import " not in answer, path
