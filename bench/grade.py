"""How fast `grade` marks paper answers: 10,000 learners x 50 questions of every type.

Run ``python bench/grade.py [LEARNERS]``. It writes a seeded random quiz and
ANSWERS.csv into a temporary folder, times ``run_grade`` (without and with the
item analysis; the same quiz printed in 3 versions, with a ``version``
column; with the results report's statistics alone and written as HTML) and
prints learners per second. The grading and report modules (and numpy) are
imported before the clock starts: a process pays that once (about 0.1 s),
whatever the size of the class. The target is >= 5,000 on one core.
"""

from __future__ import annotations

import csv
import io
import random
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from course.commands.grade import run_grade  # noqa: E402
from course.grading import gradebook, statistics  # noqa: E402, F401  (imported before timing: see above)
from course.render import report  # noqa: E402, F401

TYPES = ("single", "multiple", "true_false", "short", "numeric", "matching", "ordering")
ARABIC = "أبجدهوزحطي"


def make_question(index: int, qtype: str, rng: random.Random) -> dict:
    question = {"id": f"q{index + 1}", "type": qtype, "prompt": f"Question {index + 1}", "points": rng.choice([1, 1, 2, 2.5])}
    if qtype in ("single", "multiple"):
        n = rng.randint(3, 6)
        right = {0} if qtype == "single" else set(rng.sample(range(n), rng.randint(1, n - 1)))
        question["options"] = [{"text": f"Option {i}", "correct": i in right} for i in range(n)]
    elif qtype == "true_false":
        question["answer"] = rng.random() < 0.5
    elif qtype == "short":
        question["answers"] = ["بيان الشحنة", "manifest"]
    elif qtype == "numeric":
        question.update(answer=round(rng.uniform(0, 5000), 1), tolerance=0.5)
    elif qtype == "matching":
        question.update(prompts=["P1", "P2", "P3"], choices=["C1", "C2", "C3", "C4"], answer=rng.sample("abcd", 3))
    else:
        question.update(items=["I1", "I2", "I3", "I4"], answer=rng.sample("abcd", 4))
    return question


def make_cell(question: dict, rng: random.Random) -> str:
    if rng.random() < 0.03:
        return ""
    if rng.random() < 0.005:
        return "??"  # an unreadable cell now and then
    qtype = question["type"]
    if qtype in ("single", "multiple"):
        n = len(question["options"])
        letters = rng.sample("abcdef"[:n], 1 if qtype == "single" else rng.randint(1, n))
        letters = [ARABIC["abcdef".index(c)] if rng.random() < 0.3 else c.upper() if rng.random() < 0.2 else c for c in letters]
        return ";".join(letters)
    if qtype == "true_false":
        return rng.choice(["true", "false", "t", "f", "صح", "خطأ"])
    if qtype == "short":
        return rng.choice(["بيان الشحنه", "Manifest", "invoice", "بيان الشحنة.", "manifest "])
    if qtype == "numeric":
        return rng.choice([str(question["answer"]), str(round(question["answer"] + rng.uniform(-2, 2), 1)), "١٢٣٫٤"])
    return ";".join(rng.sample("abcd", 3 if qtype == "matching" else 4))


def write_inputs(folder: Path, learners: int, versions: int = 1) -> tuple[Path, Path]:
    """The quiz and its answers; with ``versions`` > 1 the quiz is printed in versions and each row names one."""
    rng = random.Random(20240601)
    questions = [make_question(i, TYPES[i % len(TYPES)], rng) for i in range(50)]
    suffix = f"-v{versions}" if versions > 1 else ""
    quiz_path = folder / f"bench-quiz{suffix}.yaml"
    quiz = {"id": "bench-quiz", "module": "bench", "title": "Bench", "pass_mark": 60, "questions": questions}
    if versions > 1:
        quiz["versions"] = versions
    quiz_path.write_text(yaml.safe_dump(quiz, allow_unicode=True), encoding="utf-8")
    answers_path = folder / f"ANSWERS{suffix}.csv"
    with answers_path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["learner", *(["version"] if versions > 1 else []), *(q["id"] for q in questions)])
        for n in range(learners):
            version = ["ABCDEFGHIJ"[n % versions]] if versions > 1 else []
            writer.writerow([f"learner {n + 1}", *version, *(make_cell(q, rng) for q in questions)])
    return quiz_path, answers_path


def timed(label: str, learners: int, **kwargs) -> None:
    stderr = io.StringIO()
    start = time.perf_counter()
    status = run_grade(stdout=io.StringIO(), stderr=stderr, **kwargs)
    seconds = time.perf_counter() - start
    warnings = stderr.getvalue().count("\n")
    print(
        f"{label}: {learners} learners in {seconds:.3f} s = {learners / seconds:,.0f} learners/s (exit {status}, {warnings} warning lines)"
    )


def main() -> None:
    learners = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as folder:
        quiz_path, answers_path = write_inputs(Path(folder), learners)
        common = {"quiz_path": quiz_path, "answers_path": answers_path, "out": Path(folder) / "gradebook.csv"}
        timed("gradebook", learners, **common)
        timed("gradebook + item analysis", learners, **common, report=Path(folder) / "items.csv")
        timed("gradebook + results report (HTML)", learners, **common, report=Path(folder) / "report.html")
        statistics_only(quiz_path, answers_path, learners)
        quiz_path, answers_path = write_inputs(Path(folder), learners, versions=3)
        versioned = {**common, "quiz_path": quiz_path, "answers_path": answers_path}
        timed("gradebook, 3 printed versions (version column)", learners, **versioned)
        timed("gradebook + results report (HTML), 3 printed versions", learners, **versioned, report=Path(folder) / "report-v3.html")
        statistics_only(quiz_path, answers_path, learners, "3 printed versions")


def statistics_only(quiz_path: Path, answers_path: Path, learners: int, label: str = "") -> None:
    """The results report's statistics (course.grading.statistics) on rows already graded, sharing the gradebook's graders."""
    from course.grading.answer_sheet import read_answer_sheet, sheet_graders
    from course.grading.gradebook import grade_sheet
    from course.grading.statistics import quiz_statistics
    from course.load.quizzes import load_quiz_file
    from course.problems import Problems

    quiz, _ = load_quiz_file(quiz_path, quiz_path.name)
    sheet, _ = read_answer_sheet(answers_path, answers_path.name, quiz)
    graders = sheet_graders(quiz)
    results = [row.result for row in grade_sheet(quiz, sheet, Problems(answers_path.name), graders=graders)]
    start = time.perf_counter()
    stats = quiz_statistics(quiz, sheet, results, graders=graders)
    seconds = time.perf_counter() - start
    print(
        f"report statistics alone{f', {label}' if label else ''}: {learners} learners in {seconds:.3f} s = "
        f"{learners / seconds:,.0f} learners/s (reliability {stats.reliability:.3f})"
    )


if __name__ == "__main__":
    main()
