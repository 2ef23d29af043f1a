"""``scan``: scanned bubble sheets (PDFs, photos) into the answers CSV of course-format.md section 5.

Also a review page of what needs the trainer's eye, and on request
(``--grade``) the gradebook and the results report.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from . import arguments, command


def _configure(parser) -> None:
    parser.add_argument("quiz", type=Path, help="the quiz file (quizzes/<id>.yaml) the sheets were printed from")
    parser.add_argument("scans", type=Path, nargs="+", help="scanned files: multi-page PDFs, JPEG or PNG photos, in scan order")
    parser.add_argument("--out", type=Path, default=Path("answers.csv"), help="the answers CSV for `grade` (default: answers.csv)")
    parser.add_argument("--review", type=Path, help="the review page (HTML) of the items to check and the pages not used; "
                        "its decisions file (FILE-decisions.csv) is written beside it")  # fmt: skip
    parser.add_argument("--overrides", type=Path, help="the decisions file, filled in by the trainer after the review, to apply")
    parser.add_argument("--grade", action="store_true", help="also write OUT-gradebook.csv and the results report OUT-report.html")
    parser.add_argument("--language", metavar="TAG", help="the course's language (default: course.yaml's beside quizzes/, else ar)")
    parser.add_argument("--dpi", type=int, default=200, help="the resolution PDF pages are read at (default: 200)")
    parser.add_argument("--jobs", type=int, default=None, help="processes reading pages side by side (default: one per core)")


@command("scan", "read scanned bubble sheets into the answers CSV (and the gradebook)", order=3)
@arguments(_configure)
def run(args) -> int:
    return run_scan(args.quiz, args.scans, out=args.out, review=args.review, overrides=args.overrides, grade=args.grade,
                    language=args.language, dpi=args.dpi, jobs=args.jobs)  # fmt: skip


def run_scan(
    quiz_path: Path,
    scans: list[Path],
    out: Path = Path("answers.csv"),
    review: Path | None = None,
    overrides: Path | None = None,
    grade: bool = False,
    language: str | None = None,
    dpi: int = 200,
    jobs: int | None = 1,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """0 when every page was used and every item read with certainty (or decided); 2 when something is left to check; 1 unusable input."""
    from ..grading.rules import decimal_comma
    from ..load.quizzes import load_quiz_file
    from ..scan.answers import apply_decisions, write_answers, write_decisions
    from ..scan.session import Scanner
    from .grade import course_language

    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    quiz, problems = load_quiz_file(Path(quiz_path), str(quiz_path))
    for problem in problems:
        print(problem, file=stderr)
    if quiz is None:
        return 1
    missing = [f"{path}: no such file" for path in scans if not Path(path).is_file()]
    for target in (out, review):
        if target is not None and not Path(target).resolve().parent.is_dir():
            missing.append(f"{target}: cannot write: no folder {Path(target).parent}")
    if overrides is not None and not Path(overrides).is_file():
        missing.append(f"{overrides}: no such file")
    if missing:
        print("\n".join(missing), file=stderr)
        return 1
    language = language or course_language(Path(quiz_path))
    if jobs is None:
        import os

        jobs = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    session = Scanner(quiz, decimal_comma(language), dpi, max(1, jobs)).scan([Path(p) for p in scans])
    if overrides is not None:
        decision_problems = apply_decisions(session, Path(overrides))
        for problem in decision_problems:
            print(problem, file=stderr)
    for report in session.reports:
        print(report, file=stderr)
    write_answers(session, out)
    flagged = session.flagged()
    print(f"{out}: {len(session.sheets)} answer sheet(s) from {session.pages_read} page(s)", file=stdout)
    if review is not None:
        from ..render.scan_review import write_review

        decisions = review.with_name(f"{review.stem}-decisions.csv")
        write_decisions(session, decisions)
        write_review(session, language, review, decisions)
        print(f"{review}: {len(flagged)} item(s) to check, {len(session.reports)} page note(s); decisions go in {decisions}", file=stdout)
    elif flagged:
        for _, page, item in flagged:
            print(f"{page.file}:{page.page}: {item.item}: {'; '.join(item.flags)}", file=stderr)
    if grade:
        _grade(quiz, session, out, language, stdout, stderr)
    else:
        _warn_half_marks(session, out, stderr)
    return 2 if flagged or session.reports else 0


def _warn_half_marks(session, out: Path, stderr: TextIO) -> None:
    """Half marks ticked on short answers cannot be said in a cell of the answers CSV (course-format.md section 5
    grades a short answer all or nothing): say so, rather than let `grade` on the CSV alone count them as 0."""
    from ..scan.answers import scores

    halves = [(sheet.learner, qid) for sheet, ticked in zip(session.sheets, scores(session), strict=True)
              for qid, fraction in ticked.items() if 0 < fraction < 1]  # fmt: skip
    if halves:
        named = ", ".join(f"{learner} {qid}" for learner, qid in halves[:5]) + (" ..." if len(halves) > 5 else "")
        print(f"{out}: {len(halves)} short answer(s) ticked half marks ({named}): a cell of the answers file cannot say "
              "half, so `grade` on it alone counts them as 0; run `scan` again with --grade to apply them", file=stderr)  # fmt: skip


def _grade(quiz, session, out: Path, language: str, stdout: TextIO, stderr: TextIO) -> None:
    """The gradebook and the results report, with the short answers' ticked fractions applied."""
    from ..grading.answer_sheet import read_answer_sheet, sheet_graders
    from ..grading.gradebook import grade_sheet, write_gradebook
    from ..grading.rules import Earned, Reading, summarize
    from ..grading.spreadsheet import opened
    from ..problems import Problems
    from ..scan.answers import scores
    from .grade import _results_report

    sheet, problems = read_answer_sheet(out, str(out), quiz)
    if sheet is None:
        for problem in problems:
            print(problem, file=stderr)
        return
    reading = Reading.of(language)
    grading_problems = Problems(str(out))
    graders = sheet_graders(quiz, reading)  # shared with the report: each distinct cell is graded once
    rows = grade_sheet(quiz, sheet, grading_problems, reading, graders)
    for problem in [*problems, *grading_problems]:
        print(problem, file=stderr)
    points = {q.id: q.points for q in quiz.questions}
    ticked = scores(session)  # in the order of the CSV's rows, one line each from line 2
    for row in rows:
        index = row.line - 2
        if not 0 <= index < len(ticked):
            continue
        earned = dict(row.result.earned)
        for qid, fraction in ticked[index].items():
            earned[qid] = Earned(points[qid] * fraction)
        row.result = summarize(quiz, earned)
    gradebook = out.with_name(f"{out.stem}-gradebook.csv")
    report = out.with_name(f"{out.stem}-report.html")
    with opened(gradebook) as stream:
        write_gradebook(quiz, rows, stream)
    _results_report(quiz, sheet, rows, report, reading, language, graders)
    print(f"{gradebook}: the gradebook; {report}: the results report", file=stdout)
