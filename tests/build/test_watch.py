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
import threading
import time
from pathlib import Path

import pytest

from course.build import watch as watch_module
from course.build.pipeline import BuildOptions, build_course, check_course
from course.build.resident import ENGINE_CHANGED, logged_build
from course.build.workers.pdf_pool import PdfWorkers
from tests.pdftext import flat, pdftotext
from tests.running import Running, all_gone, descendants, files


def start_watch(course: Path, out: Path, *flags: str) -> Running:
    """``python build.py --watch`` on a course."""
    return Running(course, out, "--watch", *flags)


def test_every_save_is_built_and_a_bad_one_changes_nothing(english_copy: Path, tmp_path: Path):
    out = tmp_path / "dist"
    watching = start_watch(english_copy, out, "--no-lms")
    try:
        assert watching.until("built ")[-1].startswith(f"built {out}")
        watching.until("watching ")
        module = english_copy / "modules" / "risk-profiling.md"
        module.write_text(module.read_text(encoding="utf-8").replace("then act.", "then act. Watched edit seven."), encoding="utf-8")
        lines = watching.until("rebuilt ")
        assert "changed: modules/risk-profiling.md" in lines
        assert "4 written" in lines[-1], lines[-1]  # the page, the handout, the book and the search index
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
    watching = start_watch(english_copy, tmp_path / "dist", "--no-lms")
    try:
        watching.until("watching ")
        workers = descendants(watching.process.pid)
    finally:
        status = watching.stop(signal.SIGTERM)
    assert status == 0 and watching.seen[-1] == "stopped watching"
    assert workers, "PDF workers were running"
    assert all_gone(workers), "no worker is left behind"


def test_watching_stops_when_the_engine_changes(english_copy: Path, tmp_path: Path, monkeypatch):
    """Its code, templates and style sheets are those it loaded: it must not build with them under the new engine's keys."""
    changed = threading.Event()  # set once it is watching: it must stop at the save, not before
    monkeypatch.setattr(watch_module, "engine_now", lambda: "an engine changed since" if changed.is_set() else "the engine it started with")
    lines: queue.Queue[str] = queue.Queue()
    stop, ended = threading.Event(), []
    options = BuildOptions(out=tmp_path / "dist", pdf=False, lms=False)
    thread = threading.Thread(target=lambda: ended.append(watch_module.watch(english_copy, options, lines.put, stop)), daemon=True)
    thread.start()
    try:
        seen = [lines.get(timeout=60)]
        while not seen[-1].startswith("watching "):
            seen.append(lines.get(timeout=60))
        changed.set()
        module = english_copy / "modules" / "risk-profiling.md"
        module.write_text(module.read_text(encoding="utf-8") + "\nSaved after the engine changed.\n", encoding="utf-8")
        thread.join(timeout=60)
    finally:
        stop.set()
    seen += list(lines.queue)
    assert ended == [1] and seen[-1] == ENGINE_CHANGED, seen
    assert not any(line.startswith("rebuilt ") for line in seen)


def test_a_worker_that_dies_costs_one_build_not_every_one(english_copy: Path, tmp_path: Path):
    """A kept pool whose worker was killed (out of memory, a crash) fails every job: the build says so and the next has new workers."""
    kept, logged = PdfWorkers(2), []
    options = BuildOptions(out=tmp_path / "dist", lms=False)
    try:
        assert logged_build(english_copy, options, kept, logged.append, "built") is not None
        first = kept.pids()
        os.kill(min(first), signal.SIGKILL)
        assert all_gone([min(first)])
        module = english_copy / "modules" / "risk-profiling.md"
        module.write_text(module.read_text(encoding="utf-8") + "\nEdited after a worker died.\n", encoding="utf-8")
        assert logged_build(english_copy, options, kept, logged.append, "rebuilt") is None
        assert logged[-1].startswith("not built: a PDF worker stopped") and logged[-1].endswith("the output folder is as it was")
        report = logged_build(english_copy, options, kept, logged.append, "rebuilt")
        assert report is not None and "pdf/risk-profiling.pdf" in report.rendered and not kept.pids() & first
    finally:
        kept.close()
