"""``build --watch``: every save is built, a bad save is reported and changes nothing, the PDF workers stay up.

The command runs as a trainer runs it, in its own process: the test edits
the course's files and reads what the command prints. The workers' reuse is
checked on the API: two builds with the same ``PdfWorkers`` use the same
processes and write exactly what a clean one-off build writes.
"""

from __future__ import annotations

import dataclasses
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from course.pipeline import BuildOptions, build_course, check_course
from course.render.parallel import PdfWorkers
from tests.pdftext import flat, pdftotext

ROOT = Path(__file__).resolve().parents[1]
WAIT = 120  # seconds for any one line: the first build lays out every PDF
# Runs the command with Ctrl+C's default action: a process started in the background inherits SIGINT ignored.
DEFAULT_SIGINT = (
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.executable, [sys.executable, *sys.argv[1:]])"
)


class Watching:
    """``python build.py --watch`` on a course, its lines read as they come."""

    def __init__(self, course: Path, out: Path, *flags: str):
        command = [
            sys.executable,
            "-c",
            DEFAULT_SIGINT,
            str(ROOT / "build.py"),
            "--course",
            str(course),
            "--out",
            str(out),
            "--watch",
            *flags,
        ]
        self.process = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.process.stderr:
            self.lines.put(line.rstrip("\n"))

    def until(self, start: str) -> list[str]:
        """The lines up to the first that starts with ``start`` (which is last)."""
        got = []
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                break
            got.append(line)
            self.seen.append(line)
            if line.startswith(start):
                return got
        raise AssertionError(f"no line starting {start!r}; the command printed:\n" + "\n".join(self.seen))

    def stop(self, signum: int = signal.SIGINT) -> int:
        """Ctrl+C (or ``signum``); the exit status, with every line printed read into ``seen``."""
        self.process.send_signal(signum)
        try:
            return self.process.wait(timeout=30)
        finally:
            if self.process.poll() is None:
                self.process.kill()
            self.reader.join(timeout=10)
            while not self.lines.empty():
                self.seen.append(self.lines.get())


def test_every_save_is_built_and_a_bad_one_changes_nothing(english_copy: Path, tmp_path: Path):
    out = tmp_path / "dist"
    watching = Watching(english_copy, out, "--no-lms")
    try:
        assert watching.until("built ")[-1].startswith(f"built {out}")
        watching.until("watching ")
        module = english_copy / "modules" / "risk-profiling.md"
        module.write_text(module.read_text(encoding="utf-8").replace("then act.", "then act. Watched edit seven."), encoding="utf-8")
        lines = watching.until("rebuilt ")
        assert "changed: modules/risk-profiling.md" in lines
        assert "3 written" in lines[-1], lines[-1]  # the page, the handout and the book
        assert "Watched edit seven." in (out / "modules" / "risk-profiling.html").read_text(encoding="utf-8")
        assert "Watched edit seven." in flat(pdftotext(out / "pdf" / "risk-profiling.pdf"))

        quiz = english_copy / "quizzes" / "risk-profiling-quiz.yaml"
        good = quiz.read_text(encoding="utf-8")
        quiz.write_text(good.replace("    answer: 40\n", "    answer: forty\n"), encoding="utf-8")
        lines = watching.until("not built")
        assert any(line.startswith("quizzes/risk-profiling-quiz.yaml:") for line in lines), lines
        assert "Watched edit seven." in (out / "modules" / "risk-profiling.html").read_text(encoding="utf-8"), "the output as it was"

        quiz.write_text(good.replace("Give the threshold in percent.", "Give the threshold in percent, please."), encoding="utf-8")
        watching.until("rebuilt ")
        assert "in percent, please." in (out / "quizzes" / "risk-profiling-quiz.html").read_text(encoding="utf-8")
        assert "in percent, please." in flat(pdftotext(out / "pdf" / "quizzes" / "risk-profiling-quiz-sheet.pdf"))
    finally:
        status = watching.stop()
    assert status == 0 and watching.seen[-1] == "stopped watching"


def files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_kept_workers_serve_every_build_and_write_what_a_clean_build_writes(english_copy: Path, tmp_path: Path):
    kept = PdfWorkers(2)
    try:
        build_course(english_copy, BuildOptions(out=tmp_path / "kept", lms=False), kept=kept)
        first = kept.pids()
        module = english_copy / "modules" / "customs-basics.md"
        module.write_text(module.read_text(encoding="utf-8") + "\nA paragraph added while watching.\n", encoding="utf-8")
        report = build_course(english_copy, BuildOptions(out=tmp_path / "kept", lms=False), kept=kept)
        assert len(first) == 2 and kept.pids() == first, "the same two processes, WeasyPrint loaded once"
        assert "pdf/customs-basics.pdf" in report.rendered
    finally:
        kept.close()
    assert kept.pids() == set()
    build_course(english_copy, BuildOptions(out=tmp_path / "clean", lms=False, clean=True))
    kept_files, clean_files = files(tmp_path / "kept"), files(tmp_path / "clean")
    assert kept_files.keys() == clean_files.keys()
    assert [name for name in kept_files if kept_files[name] != clean_files[name]] == []


def test_closing_kept_workers_does_not_wait_for_a_render_that_does_not_end():
    kept = PdfWorkers(2)
    done = kept.get().submit(os.getpid)
    stuck = kept.get().submit(time.sleep, 120)  # a render that would hold Ctrl+C up for two minutes
    pids = {done.result(timeout=60)} | kept.pids()
    deadline = time.monotonic() + 30
    while not stuck.running() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert stuck.running() and len(pids) == 2
    started = time.monotonic()
    kept.close(grace=0.5)
    assert time.monotonic() - started < 10, "the worker was stopped, not waited for"
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_started_workers_are_warm_and_write_what_a_clean_build_writes(english_copy: Path, tmp_path: Path):
    kept = PdfWorkers(2)
    try:
        course, _ = check_course(english_copy)
        warmed = kept.start(course)
        assert [w["warm"] for w in warmed] == [True, True] and {w["pid"] for w in warmed} <= kept.pids()
        build_course(english_copy, BuildOptions(out=tmp_path / "warm", lms=False), kept=kept)
        assert len(kept.pids()) == 2
    finally:
        kept.close()
    build_course(english_copy, BuildOptions(out=tmp_path / "clean", lms=False, clean=True))
    warm, clean = files(tmp_path / "warm"), files(tmp_path / "clean")
    assert warm.keys() == clean.keys() and [name for name in warm if warm[name] != clean[name]] == []


def test_a_warm_up_that_fails_leaves_the_workers_cold_and_able(english_copy: Path, tmp_path: Path):
    course, _ = check_course(english_copy)
    broken = dataclasses.replace(course, modules=[dataclasses.replace(course.modules[0], headings=None)])  # write_module iterates them
    kept = PdfWorkers(1)
    try:
        assert kept.start(broken) == [{"pid": None, "warm": False}]
        report = build_course(english_copy, BuildOptions(out=tmp_path / "dist", lms=False), kept=kept)
        assert "pdf/course-book.pdf" in report.rendered
    finally:
        kept.close()


def test_sigterm_stops_watching_as_ctrl_c_does(english_copy: Path, tmp_path: Path):
    watching = Watching(english_copy, tmp_path / "dist", "--no-lms")
    try:
        watching.until("watching ")
        workers = _descendants(watching.process.pid)
    finally:
        status = watching.stop(signal.SIGTERM)
    assert status == 0 and watching.seen[-1] == "stopped watching"
    assert workers, "PDF workers were running"
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers), "no worker is left behind"


def _descendants(root: int) -> list[int]:
    """Every process below ``root`` (its fork server and PDF workers), from /proc."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(") ", 1)[1].split()
        except (OSError, IndexError):
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = [], [root]
    while frontier:
        children = [pid for pid, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        return not Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].startswith("Z")
    except OSError:
        return False
