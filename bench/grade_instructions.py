"""Instructions the grading paths execute: a measure that other load on the machine does not move.

Run ``python bench/grade_instructions.py [LEARNERS]`` (valgrind needed:
``apt-get install valgrind``). For each path (the gradebook, with 3 printed
versions, with the HTML results report) it runs ``run_grade`` once under
``valgrind --tool=cachegrind --cache-sim=no`` on the inputs ``bench/grade.py``
writes, less a run stopped before grading (interpreter, imports of the
grading and report modules and of numpy, quiz file: a trainer's process
pays them once, whatever the size of the class), and prints the
instructions per path. ``--engine DIR`` measures another checkout (an older
engine, for comparison); ``--path N`` measures only the Nth path.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import re
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WARM = ("course.grading.gradebook", "course.grading.statistics", "course.render.report", "numpy")
PATHS = (
    ("gradebook", 1, None),
    ("gradebook, 3 printed versions", 3, None),
    ("gradebook + results report (HTML)", 1, "html"),
    ("gradebook + results report (HTML), 3 printed versions", 3, "html"),
)


def once(engine: Path, folder: Path, learners: int, versions: int, report: str | None, grade: bool) -> None:
    """One run, in this process (what valgrind measures)."""
    sys.path[:0] = [str(engine / "bench"), str(engine)]
    import grade as bench  # bench/grade.py of that engine

    from course.commands.grade import run_grade

    for name in WARM:  # imported before either run: not counted
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    quiz, answers = bench.write_inputs(folder, learners, versions)
    if grade:
        extra = {"report": folder / f"report.{report}"} if report else {}
        run_grade(quiz_path=quiz, answers_path=answers, out=folder / "gradebook.csv", stdout=io.StringIO(), stderr=io.StringIO(), **extra)


def count(engine: Path, learners: int, versions: int, report: str | None, grade: bool) -> int:
    with tempfile.TemporaryDirectory() as folder:
        args = [str(engine), folder, str(learners), str(versions), report or "-", "grade" if grade else "-"]
        command = [
            "valgrind",
            "--tool=cachegrind",
            "--cache-sim=no",
            "--cachegrind-out-file=/dev/null",
            sys.executable,
            __file__,
            "--once",
            *args,
        ]
        result = subprocess.run(command, capture_output=True, text=True, check=True)
    return int(re.search(r"I\s+refs:\s+([\d,]+)", result.stderr).group(1).replace(",", ""))


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--once":
        engine, folder, learners, versions, report, grade = sys.argv[2:8]
        once(Path(engine), Path(folder), int(learners), int(versions), None if report == "-" else report, grade == "grade")
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("learners", type=int, nargs="?", default=10_000)
    parser.add_argument("--engine", type=Path, default=REPO, help="the checkout to measure (default: this one)")
    parser.add_argument("--path", type=int, choices=range(1, len(PATHS) + 1), help="measure only this path (1 to 4, as listed)")
    options = parser.parse_args()
    for label, versions, report in PATHS if options.path is None else [PATHS[options.path - 1]]:
        base = count(options.engine, options.learners, versions, report, grade=False)
        total = count(options.engine, options.learners, versions, report, grade=True)
        print(f"{label}: {(total - base) / 1e9:.2f} G instructions for {options.learners} learners")


if __name__ == "__main__":
    main()
