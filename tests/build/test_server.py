"""``build --server``: ``python build.py`` hands its build to a running server, which builds exactly what the command would have.

The server and the commands run as a trainer runs them, each in its own
process; the tests read what they print and compare the output folder with
what a one-off build writes. What the server refuses and why is checked on
``Server.refusal`` too, where an engine that changed can be stood in for.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest

from course.build import pipeline
from course.build.pipeline import BuildOptions
from course.build.server import client, peer, socket_path
from course.build.server import server as build_server
from course.build.server.client import _request, hand_off
from course.build.workers import pdf_pool as parallel
from course.fingerprint import ENGINE
from tests.pdftext import flat, pdftotext
from tests.running import ROOT, Running, all_gone, command, descendants, files

SYSTEM_PYTHON = "/usr/bin/python3"  # one another user may run (this one may live in root's home)


def start_server(course: Path, out: Path, *flags: str) -> Running:
    server = Running(course, out, "--server", *flags)
    server.until("serving the builds of ")
    return server


def build(course: Path, out: Path, *flags: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """A one-off ``python build.py`` (which hands its build over if a server runs for ``out``)."""
    arguments = command("--course", str(course), "--out", str(out), *flags)
    return subprocess.run(arguments, cwd=cwd, capture_output=True, text=True, timeout=300)


def test_a_handed_build_is_what_a_one_off_build_writes(english_copy: Path, tmp_path: Path):
    out = tmp_path / "dist"
    server = start_server(english_copy, out, "--no-lms")
    try:
        assert stat.S_IMODE(socket_path(out).stat().st_mode) == 0o600, "only its owner may hand it builds"
        module = english_copy / "modules" / "risk-profiling.md"
        module.write_text(module.read_text(encoding="utf-8").replace("then act.", "then act. Served edit nine."), encoding="utf-8")
        result = build(Path(english_copy.name), Path("dist"), "--no-lms", cwd=tmp_path)  # the folders as a trainer types them
        lines = result.stderr.splitlines()
        assert result.returncode == 0, result.stderr
        assert lines[0] == f"building in the build server (pid {server.process.pid})"
        assert any(line.startswith("[1/") for line in lines), "the server's progress is shown"
        assert lines[-1].startswith("built dist: ") and lines[-1].endswith("; 4 written, 35 unchanged"), "named as a build here would"
        assert server.until("for pid ")[-1].endswith("4 written, 35 unchanged")  # the page, its handout, the book, the search index
        assert "Served edit nine." in (out / "modules" / "risk-profiling.html").read_text(encoding="utf-8")
        assert "Served edit nine." in flat(pdftotext(out / "pdf" / "risk-profiling.pdf"))

        result = build(english_copy, out, "--no-lms", "--quiet")
        assert result.returncode == 0 and result.stderr.splitlines() == [
            f"built {out}: " + lines[-1].split(": ", 1)[1].replace("4 written, 35", "0 written, 39")
        ]
    finally:
        status = server.stop()
    assert status == 0 and server.seen[-1] == "stopped serving"
    assert not socket_path(out).exists(), "the socket goes with the server"
    assert build(english_copy, tmp_path / "clean", "--no-lms", "--clean").returncode == 0
    served, clean = files(out), files(tmp_path / "clean")
    assert served.keys() == clean.keys() and [name for name in served if served[name] != clean[name]] == []


def test_problems_come_back_and_what_the_server_cannot_build_is_built_here(english_copy: Path, tmp_path: Path):
    out = tmp_path / "dist"
    server = start_server(english_copy, out, "--no-lms")
    try:
        quiz = english_copy / "quizzes" / "risk-profiling-quiz.yaml"
        good = quiz.read_text(encoding="utf-8")
        quiz.write_text(good.replace("    answer: 40\n", "    answer: forty\n"), encoding="utf-8")
        before = files(out)
        result = build(english_copy, out, "--no-lms")
        lines = result.stderr.splitlines()
        assert result.returncode == 1 and lines[0].startswith("building in the build server")
        assert any(line.startswith("quizzes/risk-profiling-quiz.yaml:") for line in lines), lines
        assert "Traceback" not in result.stderr and files(out) == before, "the output folder as it was"
        assert server.until("for pid ")[-1].endswith("not built: 1 error; the output folder is as it was")
        quiz.write_text(good, encoding="utf-8")

        other_jobs = str((os.cpu_count() or 1) + 1)
        result = build(english_copy, out, "--no-lms", "--jobs", other_jobs)
        lines = result.stderr.splitlines()
        assert result.returncode == 0 and lines[-1].startswith(f"built {out}: "), result.stderr
        assert lines[0] == f"the build server for {out} did not take this build: it renders with --jobs {os.cpu_count()}; building here"
        assert server.until("refused a build")[-1].endswith(f"it renders with --jobs {os.cpu_count()}")

        second = build(english_copy, out, "--server")
        assert second.returncode == 1 and f"a build server for {out} is already running" in second.stderr
        assert server.process.poll() is None, "the first server serves on"
    finally:
        status = server.stop()
    assert status == 0


def test_ctrl_c_in_the_command_stops_the_servers_build(english_copy: Path, tmp_path: Path):
    out = tmp_path / "dist"
    server = start_server(english_copy, out, "--no-lms")
    try:
        before = files(out)
        command_ = Running(english_copy, out, "--no-lms", "--clean")  # a build that lays every PDF out again
        command_.until("building in the build server")
        assert command_.stop(signal.SIGINT) == 130
        assert command_.seen[-1] == "interrupted; the output folder was left as it was"
        assert server.until("for pid ")[-1].endswith("interrupted; the output folder is as it was")
        assert files(out) == before

        result = build(english_copy, out, "--no-lms")
        assert result.returncode == 0 and result.stderr.splitlines()[-1].endswith("0 written, 39 unchanged"), result.stderr
        assert result.stderr.startswith("building in the build server"), "the server serves on"
    finally:
        server.stop()


def test_a_killed_server_is_not_waited_for_and_the_next_one_takes_its_place(english_copy: Path, tmp_path: Path):
    out = tmp_path / "dist"
    server = start_server(english_copy, out, "--no-lms")
    left = descendants(server.process.pid)
    server.process.kill()
    server.stop()
    for pid in left:  # its fork server and workers, which a killed process cannot stop
        os.kill(pid, signal.SIGKILL)
    assert socket_path(out).exists(), "the killed server's socket is left"
    result = build(english_copy, out, "--no-lms")
    assert result.returncode == 0 and "build server" not in result.stderr, result.stderr

    server = start_server(english_copy, out, "--no-lms")
    try:
        workers = descendants(server.process.pid)
        assert build(english_copy, out, "--no-lms").stderr.startswith("building in the build server")
        shutil.rmtree(socket_path(out).parent)  # the build record's folder, which is always safe to delete
        assert server.until(str(socket_path(out)))[-1] == f"{socket_path(out)} was removed: listening there again"
        result = build(english_copy, out, "--no-lms")
        assert result.returncode == 0 and result.stderr.startswith("building in the build server"), result.stderr
    finally:
        assert server.stop(signal.SIGTERM) == 0, "SIGTERM stops it as Ctrl+C does"
    assert server.seen[-1] == "stopped serving" and workers and all_gone(workers), "no worker is left behind"


def request(root: Path, out: Path, **changes) -> dict:
    """What ``python build.py --course ROOT --out OUT --no-pdf --no-lms`` sends, with ``changes``."""
    return {**_request(root, out, BuildOptions(out=out, pdf=False, lms=False)), **changes}


OPTIONS = request(Path("course"), Path("dist"))["options"]


def test_the_server_refuses_what_the_command_would_build_otherwise(tmp_path: Path, monkeypatch):
    root, out = tmp_path / "course", tmp_path / "dist"
    server = build_server.Server(root, BuildOptions(out=out, jobs=2), None, lambda line: None)
    assert server.refusal(request(root, out)) is None
    assert server.refusal(request(root, out, options={**OPTIONS, "jobs": 2})) is None
    assert server.refusal(request(root, out, options={**OPTIONS, "jobs": 1})) == "it renders with --jobs 2"
    assert server.refusal(request(tmp_path / "other", out)) == f"it builds {root}"
    assert server.refusal(request(root, out, prefix="/elsewhere")).startswith("it runs in another Python environment")
    assert server.refusal(request(root, out, version="3.0")).startswith("it runs in another Python environment")
    assert server.refusal(request(root, out, engine="/another/checkout/course")) == f"it runs the engine in {ENGINE}"
    for unreadable in (request(root, out, protocol=0), request(root, out, options={"jobs": None}), request(root, out, course=None)):
        assert server.refusal(unreadable) == "it is another version of the engine"
    assert server.refusal(["not", "a", "request"]) == "it is another version of the engine"
    mine, theirs = socket.socketpair()
    with mine, theirs:
        theirs.sendall(b"not a line of JSON\n")
        server.handle(mine)  # answers, and serves on
        assert json.loads(theirs.makefile("rb").readline()) == {"accepted": False, "reason": "it is another version of the engine"}
    assert not server.stale
    monkeypatch.setattr(build_server, "engine_now", lambda: "an engine changed since")
    assert server.refusal(request(root, out)) == "the engine changed since it started (it stops now: start it again)"
    assert server.stale, "and it stops serving"


def test_a_fault_of_the_server_has_the_command_build_itself(english_copy: Path, tmp_path: Path, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a fault of the server's")

    logged: list[str] = []
    server = build_server.Server(english_copy.resolve(), BuildOptions(out=tmp_path / "dist", jobs=1), None, logged.append)
    monkeypatch.setattr(build_server, "build_course", broken)
    mine, theirs = socket.socketpair()
    with mine, theirs, mine.makefile("rwb") as stream:
        last = server.build(stream, mine, request(english_copy.resolve(), tmp_path / "dist"))
    assert last == {"fallback": "the build server failed (RuntimeError: a fault of the server's)"}
    assert "RuntimeError: a fault of the server's" in logged[-1], "the server shows the fault in its own log"


@pytest.mark.skipif(os.geteuid() != 0 or not Path(SYSTEM_PYTHON).is_file(), reason="only root can run a command as another user")
def test_a_command_of_another_user_gets_no_answer():
    """Even where the socket's mode would let another user in (made 0o666 here), the server does not talk to them."""
    logged: list[str] = []
    with tempfile.TemporaryDirectory(dir="/tmp") as folder:  # pytest's own are closed to other users
        place = Path(folder)
        place.chmod(0o755)
        server = build_server.Server(place, BuildOptions(out=place / "dist", jobs=1), None, logged.append)
        _another_user_knocks(server, place, logged)
        assert not (place / "server.sock").exists()


@pytest.mark.skipif(os.geteuid() != 0 or not Path(SYSTEM_PYTHON).is_file(), reason="only root can run a server as another user")
def test_a_server_of_another_user_is_not_handed_a_build(capsys):
    """A socket another user made where this user's server would listen (a shared folder) is not trusted with a build."""
    with tempfile.TemporaryDirectory(dir="/tmp") as folder:
        place = Path(folder)
        place.chmod(0o755)
        os.chown(place, 65534, 65534)
        path = socket_path(place / "dist")
        theirs = subprocess.Popen(
            [SYSTEM_PYTHON, "-c", OTHER_SERVER, str(path)], stdout=subprocess.PIPE, text=True, user=65534, group=65534
        )
        try:
            assert theirs.stdout.readline() == "listening\n"
            assert hand_off(place / "course", BuildOptions(out=place / "dist")) is None
        finally:
            theirs.kill()
            theirs.wait()
    assert capsys.readouterr().err == f"{path} is another user's socket: not handing this build to it; building here\n"


# As another user: listen where the build server would, and answer every build.
OTHER_SERVER = """
import os, socket, sys
os.makedirs(os.path.dirname(sys.argv[1]))
listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
listener.bind(sys.argv[1])
listener.listen(1)
print("listening", flush=True)
connection = listener.accept()[0]
connection.sendall(b'{"accepted": true, "pid": 1}\\n{"lines": ["built"], "exit": 0}\\n')
connection.recv(1)
"""


def _another_user_knocks(server, place: Path, logged: list[str]) -> None:
    listener = build_server.Listener(place / "server.sock", place / "dist")
    try:
        (place / "server.sock").chmod(0o666)
        nobody = subprocess.Popen(
            [SYSTEM_PYTHON, "-c", OTHER_USER, str(place / "server.sock"), str(request(place, place / "dist"))],
            stdout=subprocess.PIPE,
            text=True,
            user=65534,
            group=65534,
        )
        with listener.accept(30) as connection:
            server.handle(connection)
        assert nobody.communicate(timeout=30)[0] == "no answer\n" and nobody.returncode == 0
        assert logged == []
        mine = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        mine.connect(str(place / "server.sock"))
        with mine, listener.accept(30) as theirs:
            assert peer(theirs) == (os.getpid(), os.getuid()), "a command of the server's own user"
    finally:
        listener.close()


# As another user: send a request, print what the server answers.
OTHER_USER = """
import ast, json, socket, sys
connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
connection.connect(sys.argv[1])
try:
    connection.sendall(json.dumps(ast.literal_eval(sys.argv[2])).encode() + b"\\n")
    print(connection.makefile("rb").readline().decode() or "no answer")
except (ConnectionResetError, BrokenPipeError):  # closed with the request unread, or before it was all sent
    print("no answer")
"""


class StandIn:
    """A server that says what it is told to (a stand-in for a server that is busy, fails or dies mid-build), in a thread."""

    def __init__(self, out: Path, answers: list[dict | None], delay: float = 0.0):
        path = socket_path(out)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(str(path))
        self.listener.listen(1)
        self.requests: list[dict] = []
        self.thread = threading.Thread(target=self._serve, args=(answers, delay), daemon=True)
        self.thread.start()

    def _serve(self, answers: list[dict | None], delay: float) -> None:
        connection = self.listener.accept()[0]
        with connection, connection.makefile("rwb") as stream:
            self.requests.append(json.loads(stream.readline()))
            time.sleep(delay)
            for answer in answers:
                stream.write(json.dumps(answer).encode() + b"\n")
                stream.flush()
        self.listener.close()


ACCEPTED = {"accepted": True, "pid": 1}
UNTAKEN = [
    ([{"accepted": False, "reason": "it builds /elsewhere"}], 0.0, ["did not take this build: it builds /elsewhere; building here"], None),
    (
        [ACCEPTED, {"start": 3}, {"advance": "site"}],
        0.0,
        ["stopped before the build was done (it closed the connection); building here"],
        None,
    ),
    ([ACCEPTED, {"fallback": "the build server failed (OSError: disk full)"}], 0.0, ["failed (OSError: disk full); building here"], None),
    ([ACCEPTED, {"lines": ["modules/a.md:3: a problem"], "exit": 1}], 1.0, ["which is busy", "modules/a.md:3: a problem"], 1),
]


@pytest.mark.parametrize(("answers", "delay", "said", "status"), UNTAKEN)
def test_what_the_command_says_when_the_server_is_busy_refuses_fails_or_dies(tmp_path: Path, capsys, answers, delay, said, status):
    out = tmp_path / "dist"
    stand_in = StandIn(out, answers, delay)
    options = BuildOptions(out=out, jobs=3, paper_size="Letter")
    assert hand_off(tmp_path / "course", options) == status
    stand_in.thread.join(timeout=10)
    printed = capsys.readouterr().err
    assert all(words in printed for words in said), printed
    sent = stand_in.requests[0]
    assert sent["course"] == str((tmp_path / "course").resolve()) and sent["out"] == str(out.resolve())
    assert sent["options"] == {"paper_size": "Letter", "strict": False, "pdf": True, "lms": True, "clean": False, "jobs": 3, "keep": []}


def test_quiet_is_quiet_whatever_the_server_does(tmp_path: Path, capsys):
    out = tmp_path / "dist"
    stand_in = StandIn(out, [ACCEPTED, {"start": 3}, {"note": "waiting"}, {"lines": ["modules/a.md:3: a problem"], "exit": 1}], 1.0)
    assert hand_off(tmp_path / "course", BuildOptions(out=out), quiet=True) == 1
    stand_in.thread.join(timeout=10)
    assert capsys.readouterr().err == "modules/a.md:3: a problem\n"
    stand_in = StandIn(out, [{"accepted": False, "reason": "it builds /elsewhere"}])
    assert hand_off(tmp_path / "course", BuildOptions(out=out), quiet=True) is None
    stand_in.thread.join(timeout=10)
    assert capsys.readouterr().err == ""


def test_a_server_whose_socket_another_server_took_stops(tmp_path: Path):
    path, logged = socket_path(tmp_path / "dist"), []
    first = build_server.Listener(path, tmp_path / "dist")
    try:
        assert first.kept(logged.append) and logged == [], "its own socket, still there"
        path.unlink()  # the cache folder emptied; a second server started before the first looked
        second = build_server.Listener(path, tmp_path / "dist")
        try:
            assert not first.kept(logged.append) and logged == [f"another build server listens at {path} now: stopping"]
        finally:
            first.close()
            assert path.exists(), "the first does not remove the second's socket"
            second.close()
        assert not path.exists()
    finally:
        first.close()


def test_a_stopped_server_is_not_waited_for_and_one_that_stops_sends_its_queue_home(english_copy: Path, tmp_path: Path):
    out = tmp_path / "dist"
    server = start_server(english_copy, out, "--no-lms")
    try:
        server.process.send_signal(signal.SIGSTOP)  # stuck: the system still queues connections for it
        result = build(english_copy, out, "--no-lms")
        lines = result.stderr.splitlines()
        assert result.returncode == 0 and lines[-1].startswith(f"built {out}: "), result.stderr
        assert lines[0] == f"waiting for the build server for {out}, which is busy with another build"
        assert lines[1].endswith(f"(no answer in {client.SILENT_FOR} s, and no build under way); building here"), lines

        queued = Running(english_copy, out, "--no-lms")
        queued.until("waiting for the build server")
        server.process.send_signal(signal.SIGTERM)
        server.process.send_signal(signal.SIGCONT)
        assert server.process.wait(timeout=60) == 0
        queued.until("built ")
        assert queued.stop() == 0
        assert any(line.endswith("building here") and "stopped before the build was done" in line for line in queued.seen), queued.seen
        assert "Traceback" not in "\n".join(queued.seen)
    finally:
        server.process.send_signal(signal.SIGCONT)
        server.stop()


def test_only_the_build_whose_command_asked_is_stopped(tmp_path: Path):
    """SIGUSR1 stops the build under way only if its command sent its cancel (a Ctrl+C meant for an earlier build is let go)."""
    server = build_server.Server(tmp_path, BuildOptions(out=tmp_path / "dist", jobs=1), None, lambda line: None)
    mine, theirs = socket.socketpair()
    with mine, theirs:
        server.current = mine
        server._cancel(signal.SIGUSR1, None)  # nothing to read: not this build's command
        theirs.sendall(b'{"cancel": true}\n')
        with pytest.raises(build_server.Cancelled):
            server._cancel(signal.SIGUSR1, None)


def test_a_ctrl_c_while_the_output_goes_in_place_is_let_go():
    """Stopped between its two renames, a build would leave no output folder: there, the build finishes instead."""
    handler = signal.getsignal(signal.SIGINT)
    with pipeline._finishing():
        os.kill(os.getpid(), signal.SIGINT)
        os.kill(os.getpid(), signal.SIGUSR1)
        time.sleep(0.05)  # the signals are delivered (and let go) here, not after
    assert signal.getsignal(signal.SIGINT) is handler


def test_a_render_of_a_build_that_ended_fails_at_once(tmp_path: Path):
    with pytest.raises(parallel.BuildEnded):
        parallel._use(parallel.CourseRef("a build that was stopped", tmp_path / "its-model.pickle", None))


def test_a_socket_path_longer_than_a_socket_address_may_be(tmp_path: Path):
    out = tmp_path / ("a-folder-with-a-long-name-" * 4) / "dist"
    path = socket_path(out)
    assert len(str(path)) > 108
    listener = build_server.Listener(path, out)
    try:
        assert path.is_socket() and build_server._answers(path)
    finally:
        listener.close()
    assert not path.exists()
