"""How many quiz submissions a classroom server takes: 200 learners over loopback.

Run ``python bench/classroom.py [--learners 200] [--rate 300] [--seconds 10]
[--backends sqlite,postgresql] [--pg-workers 2] [--sqlite-workers 1]``. For each backend it starts
a real server (``python build.py classroom`` on the shipped course, on a free
127.0.0.1 port; PostgreSQL in a throwaway cluster made with initdb/pg_ctl),
joins the learners, then measures two phases, every request on a keep-alive
connection of its learner:

- paced: the learners together submit ``--rate`` attempts per second for
  ``--seconds`` (each learner one attempt every learners/rate seconds, at
  staggered times). Latency counts from when the attempt was due, so a
  server falling behind shows in it. The goal on 2 cores: >= 300/s with
  p99 < 200 ms on SQLite.
- flat out: every learner submits again as soon as answered (capacity; by
  Little's law latency here is about learners / throughput).

Each phase reports submissions, submissions per second, p50, p99 and max
latency, and errors: every answer but 201 (a 503 is the server saying the
database could not take the write in time) and every submission with no
answer within 30 s or on a broken connection. The end is one Markdown table
(docs/classroom.md shows it). Afterwards every acknowledged (201) attempt
must be in the database. Only loopback traffic; every loop is bounded in
count and time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from course.build.pipeline import BuildOptions, build_course  # noqa: E402
from course.classroom.pgcluster import PostgresCluster, binaries  # noqa: E402
from course.load import load_course  # noqa: E402

PASSWORD = "benchmark password"


class Connection:
    """One learner's keep-alive HTTP/1.1 connection (a minimal client: the load must stay cheap)."""

    def __init__(self, port: int):
        self.port = port
        self.reader = self.writer = None
        self.cookies: dict[str, str] = {}

    async def open(self):
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)

    async def request(self, method: str, path: str, body: bytes = b"", headers: dict | None = None) -> tuple[int, dict, bytes]:
        if self.writer is None:
            await self.open()
        lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {len(body)}"]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        response_headers: dict[str, str] = {}
        for line in header_lines:
            if ":" in line:
                key, value = line.split(":", 1)
                key = key.strip().lower()
                if key == "set-cookie":
                    name, _, rest = value.strip().partition("=")
                    self.cookies[name] = rest.split(";", 1)[0]
                response_headers[key] = value.strip()
        content = await self.reader.readexactly(int(response_headers.get("content-length", 0)))
        if response_headers.get("connection", "").lower() == "close":
            self.writer.close()
            self.writer = None
        return int(status_line.split()[1]), response_headers, content

    async def form(self, path: str, fields: dict) -> tuple[int, dict, bytes]:
        from urllib.parse import urlencode

        body = urlencode(fields).encode()
        return await self.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"})

    def close(self):
        if self.writer is not None:
            self.writer.close()


async def csrf_of(connection: Connection, path: str) -> str:
    _, _, page = await connection.request("GET", path)
    marker = b'name="csrf_token" value="'
    start = page.index(marker) + len(marker)
    return page[start : page.index(b'"', start)].decode()


async def set_up(port: int, learners: int) -> list[tuple[Connection, str]]:
    trainer = Connection(port)
    token = await csrf_of(trainer, "/trainer/login")
    status, _, _ = await trainer.form("/trainer/login", {"csrf_token": token, "name": "bench", "password": PASSWORD})
    assert status == 303, status
    status, _, _ = await trainer.form("/trainer/classes", {"csrf_token": token, "name": "Benchmark", "code": "BENCH1", "open_join": "on"})
    assert status == 303, status
    trainer.close()
    joined = []
    for number in range(learners):
        learner = Connection(port)
        token = await csrf_of(learner, "/classroom/join")
        status, _, _ = await learner.form("/classroom/join", {"csrf_token": token, "code": "BENCH1", "name": f"Learner {number:03d}"})
        assert status == 303, status
        _, _, session = await learner.request("GET", "/classroom/api/session")
        joined.append((learner, json.loads(session)["csrf"]))
    return joined


def answer(question, rng: random.Random):
    """A random answer of the question's canonical form, right or not."""
    count = max(len(question.options), len(question.choices), len(question.items), 2)
    letters = "abcdefghij"[:count]
    if question.type == "single":
        return rng.choice(letters)
    if question.type == "multiple":
        return sorted(rng.sample(letters, rng.randint(1, count)))
    if question.type == "true_false":
        return rng.random() < 0.5
    if question.type == "short":
        return rng.choice([*question.answers, "لا أعرف"])
    if question.type == "numeric":
        return str(question.answer) if rng.random() < 0.5 else "0"
    if question.type == "matching":
        return [rng.choice(letters) for _ in question.prompts]
    return rng.sample(letters, len(question.items))


def bodies(course, count: int = 50) -> list[tuple[str, bytes]]:
    """Seeded random answers to the course's quizzes, as request bodies."""
    rng = random.Random(1)
    made = []
    for _ in range(count):
        quiz = rng.choice(course.quizzes)
        responses = {question.id: answer(question, rng) for question in quiz.questions}
        made.append((quiz.id, json.dumps({"responses": responses}, ensure_ascii=False).encode()))
    return made


ANSWER_WITHIN = 30  # seconds: a submission not answered by then counts as an error ("timeout")


async def submit(learner: Connection, csrf: str, quiz_id: str, body: bytes) -> int | str:
    """The status, or the name of what went wrong instead of an answer (the connection is then opened afresh)."""
    headers = {"Content-Type": "application/json", "X-CSRF-Token": csrf}
    path = f"/classroom/api/quizzes/{quiz_id}/attempts"
    try:
        status, _, _ = await asyncio.wait_for(learner.request("POST", path, body, headers), ANSWER_WITHIN)
    except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError) as error:
        learner.close()
        learner.writer = None
        return "timeout" if isinstance(error, TimeoutError) else type(error).__name__
    return status


async def paced(joined, made, rate: float, seconds: float) -> dict:
    interval = len(joined) / rate
    start = time.perf_counter() + 0.2
    latencies, statuses = [], {}

    async def learner_loop(index: int, learner: Connection, csrf: str):
        due = start + interval * index / len(joined)
        while due < start + seconds:
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            quiz_id, body = made[(index + len(latencies)) % len(made)]
            status = await submit(learner, csrf, quiz_id, body)
            latencies.append(time.perf_counter() - due)
            statuses[status] = statuses.get(status, 0) + 1
            due += interval

    await asyncio.wait_for(asyncio.gather(*(learner_loop(i, c, t) for i, (c, t) in enumerate(joined))), timeout=seconds + 60)
    return summary(latencies, statuses, time.perf_counter() - start)


async def flat_out(joined, made, seconds: float) -> dict:
    start = time.perf_counter()
    latencies, statuses = [], {}

    async def learner_loop(index: int, learner: Connection, csrf: str):
        while time.perf_counter() - start < seconds:
            quiz_id, body = made[(index + len(latencies)) % len(made)]
            sent = time.perf_counter()
            status = await submit(learner, csrf, quiz_id, body)
            latencies.append(time.perf_counter() - sent)
            statuses[status] = statuses.get(status, 0) + 1

    await asyncio.wait_for(asyncio.gather(*(learner_loop(i, c, t) for i, (c, t) in enumerate(joined))), timeout=seconds + 60)
    return summary(latencies, statuses, time.perf_counter() - start)


def summary(latencies: list[float], statuses: dict, elapsed: float) -> dict:
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return 1000 * ordered[min(len(ordered) - 1, int(p * len(ordered)))]

    return {
        "submissions": len(latencies),
        "per_second": len(latencies) / elapsed,
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
        "max_ms": 1000 * ordered[-1],
        "mean_ms": 1000 * statistics.fmean(ordered),
        "errors": sum(count for status, count in statuses.items() if status != 201),  # anything but "committed"
        "statuses": statuses,
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(db_url: str, site: Path, port: int, workers: int) -> subprocess.Popen:
    env = dict(os.environ, CLASSROOM_PASSWORD=PASSWORD)
    subprocess.run([sys.executable, "build.py", "classroom-admin", "--db", db_url, "set-password", "bench"], cwd=REPO, env=env, check=True)
    command = [sys.executable, "build.py", "classroom", "--db", db_url, "--site", str(site), "--port", str(port), "--workers", str(workers)]
    server = subprocess.Popen(command, cwd=REPO, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("the server did not start")


def count_attempts(db_url: str) -> int:
    from course.classroom.db import Database

    database = Database(db_url)
    try:
        return database.read_now(lambda c: c.exec_driver_sql("SELECT count(*) FROM attempts").scalar())
    finally:
        database.close()


async def run_backend(name: str, db_url: str, site: Path, workers: int, options) -> list[tuple]:
    course, _ = load_course(REPO)
    port = free_port()
    server = start_server(db_url, site, port, workers)
    try:
        joined = await set_up(port, options.learners)
        made = bodies(course)
        runs = {
            "paced": await paced(joined, made, options.rate, options.seconds),
            "flat out": await flat_out(joined, made, options.seconds),
        }
        for learner, _ in joined:
            learner.close()
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    stored = count_attempts(db_url)
    acknowledged = sum(run["statuses"].get(201, 0) for run in runs.values())
    check = "OK" if stored >= acknowledged else f"{acknowledged - stored} ACKNOWLEDGED ATTEMPTS LOST"
    print(f"{name}: stored attempts {stored}, acknowledged {acknowledged}: {check}", flush=True)
    return [(name, workers, phase, run) for phase, run in runs.items()]


def table(rows: list[tuple], learners: int) -> str:
    """The results as a Markdown table (the one in docs/classroom.md)."""
    lines = [
        "| backend | processes | phase | learners | submissions | per second | p50 | p99 | max | errors |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, workers, phase, run in rows:
        errors = ", ".join(f"{count} × {status}" for status, count in run["statuses"].items() if status != 201) or "0"
        lines.append(
            f"| {name} | {workers} | {phase} | {learners} | {run['submissions']} | {run['per_second']:.0f} | "
            f"{run['p50_ms']:.1f} ms | {run['p99_ms']:.1f} ms | {run['max_ms']:.0f} ms | {errors} |"
        )
    return "\n".join(lines)


async def main(options) -> int:
    with tempfile.TemporaryDirectory(prefix="bench-classroom-") as folder:
        site = Path(folder) / "site"
        build_course(REPO, BuildOptions(out=site, pdf=False))
        rows: list[tuple] = []
        for backend in options.backends.split(","):
            if backend == "sqlite":
                rows += await run_backend("sqlite", f"sqlite:///{folder}/bench.db", site, options.sqlite_workers, options)
            elif binaries() is None:
                print("postgresql: skipped (apt-get install postgresql)")
            else:
                cluster = PostgresCluster().start()
                try:
                    rows += await run_backend("postgresql", cluster.create_database("bench"), site, options.pg_workers, options)
                finally:
                    cluster.stop()
    print(f"\n{os.cpu_count()} cores; load generator, server(s) and database on this machine\n")
    print(table(rows, options.learners))
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--rate", type=float, default=300, help="paced phase: submissions per second, all learners together")
    parser.add_argument("--seconds", type=float, default=10, help="length of each phase (at most 120)")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--pg-workers", type=int, default=2)
    parser.add_argument("--sqlite-workers", type=int, default=1, help="server processes on the SQLite file (one is fastest)")
    options = parser.parse_args()
    options.seconds = min(options.seconds, 120)
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    sys.exit(asyncio.run(main(options)))
