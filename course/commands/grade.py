"""``grade``: paper answers (ANSWERS.csv) into a gradebook, per course-format.md section 5."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from . import arguments, command

DELIMITERS = {"comma": ",", "semicolon": ";", "tab": "\t"}


def _configure(parser) -> None:
    parser.add_argument("quiz", type=Path, help="the quiz file (quizzes/<id>.yaml); no course folder needed")
    parser.add_argument("answers", type=Path, nargs="?", help="ANSWERS.csv: a header `learner,<question id>...`, one row per learner")
    parser.add_argument("--out", type=Path, help="write the gradebook CSV here (default: standard output)")
    parser.add_argument(
        "--template",
        type=Path,
        help="write an empty ANSWERS.csv with the right header to this file, and FILE-instructions.txt beside it",
    )
    parser.add_argument(
        "--report",
        type=Path,
        help="FILE.html or FILE.pdf: the results report (statistics, charts, flags) in the course's language; FILE.csv: the item analysis",
    )
    parser.add_argument(
        "--delimiter",
        choices=sorted(DELIMITERS),
        default="comma",
        help="with --template: the separator your spreadsheet expects (semicolon where the decimal mark is a comma)",
    )
    parser.add_argument(
        "--language",
        metavar="TAG",
        help="the course's language, for numbers (fr, de...: 3,5 is three and a half), the report and the instructions; "
        "default: course.yaml's beside quizzes/, else ar",
    )


@command("grade", "grade paper answers from a CSV with the quiz's rules", order=2)
@arguments(_configure)
def run(args) -> int:
    if args.answers is None and args.template is None:
        print("grade: give ANSWERS.csv to grade, or --template FILE to write an empty one")
        return 1
    return run_grade(
        args.quiz,
        args.answers,
        out=args.out,
        template=args.template,
        report=args.report,
        language=args.language,
        delimiter=DELIMITERS[args.delimiter],
    )


def run_grade(
    quiz_path: Path | str,
    answers_path: Path | str | None,
    out: Path | str | TextIO | None = None,
    template: Path | str | TextIO | None = None,
    report: Path | str | TextIO | None = None,
    *,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    language: str | None = None,
    delimiter: str = ",",
) -> int:
    """The `grade` command: 0 graded (warnings on stderr), 1 unusable input.

    With ``template`` it also writes an empty ANSWERS.csv separated by
    ``delimiter`` and, when it is a file, the instructions for filling it in
    beside it (``answers_path`` may then be None). With ``report`` it writes
    the results report when the name ends in ``.html`` or ``.pdf``
    (``course.render.report``), else the item analysis CSV, printed as a table
    too (on stdout when the gradebook goes to a file, else stderr).
    ``language`` decides how numbers are read (``Reading.of``); without it, the
    language of the course the quiz file sits in, if it is in one. A file
    that cannot be written is reported (``PATH: cannot write: ...``), exit 1;
    a missing folder before anything is written.
    """
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    folders = [f"{path}: cannot write: no folder {Path(path).parent}" for path in (out, template, report) if _missing_folder(path)]
    if folders:
        _print(folders, stderr)
        return 1
    from ..grading.gradebook import paused_gc

    try:
        with paused_gc():  # a class is thousands of rows kept to the end: see paused_gc
            return _grade(quiz_path, answers_path, out, template, report, stdout, stderr, language, delimiter)
    except OSError as error:  # a file that cannot be written (permissions, a full disk)
        print(f"{error.filename or ''}: cannot write: {error.strerror or error}", file=stderr)
        return 1


def _missing_folder(path) -> bool:
    return isinstance(path, (str, Path)) and not Path(path).resolve().parent.is_dir()


def _grade(quiz_path, answers_path, out, template, report, stdout: TextIO, stderr: TextIO, language, delimiter) -> int:
    from ..grading.answer_sheet import read_answer_sheet, sheet_graders
    from ..grading.gradebook import grade_sheet, write_gradebook, write_template
    from ..grading.rules import Reading
    from ..grading.spreadsheet import opened
    from ..load.quizzes import load_quiz_file
    from ..problems import Problems

    quiz, problems = load_quiz_file(Path(quiz_path), str(quiz_path))
    _print(problems, stderr)
    if quiz is None:
        return 1
    language = language if language is not None else course_language(Path(quiz_path))
    if template is not None:
        write_template(quiz, template, delimiter)
        if isinstance(template, (str, Path)):
            from ..render.instructions import write_instructions

            instructions = write_instructions(quiz, Path(template), language, delimiter)
            print(f"{template}: the empty answers file; how to fill it in: {instructions}", file=stdout)
    if answers_path is None:
        return 0
    sheet, problems = read_answer_sheet(Path(answers_path), str(answers_path), quiz)
    if sheet is None:
        _print(problems, stderr)
        return 1
    reading = Reading.of(language)
    grading_problems = Problems(str(answers_path))
    graders = sheet_graders(quiz, reading)  # shared with the report: each distinct cell is graded once
    rows = grade_sheet(quiz, sheet, grading_problems, reading, graders)
    _print(sorted([*problems, *grading_problems], key=lambda p: p.line or 0), stderr)
    if not rows:
        said = "no row could be graded" if sheet.bad_rows else "no learner rows below the header: nothing to grade"
        print(f"{answers_path}: {said}", file=stderr)
        return 1
    with opened(out if out is not None else stdout) as stream:
        write_gradebook(quiz, rows, stream)
    if report is not None and isinstance(report, (str, Path)) and Path(report).suffix.lower() in (".html", ".htm", ".pdf"):
        _results_report(quiz, sheet, rows, Path(report), reading, language, graders)
    elif report is not None:
        _report(quiz, sheet, rows, report, stdout if out is not None else stderr, reading, graders)
    return 0


def _results_report(quiz, sheet, rows, report: Path, reading, language: str, graders) -> None:
    from ..grading.statistics import quiz_statistics
    from ..render.report import write_report

    write_report(quiz_statistics(quiz, sheet, [row.result for row in rows], reading, graders), language, report)


def _report(quiz, sheet, rows, report, console: TextIO, reading, graders) -> None:
    from ..grading.item_analysis import analyse_items, print_item_table, write_item_analysis
    from ..grading.spreadsheet import opened

    items = analyse_items(quiz, sheet, [row.result for row in rows], reading, graders)
    with opened(report) as stream:
        write_item_analysis(items, stream)
    print_item_table(items, console)


def _print(problems: list, stream: TextIO) -> None:
    for problem in problems:
        print(problem, file=stream)


def course_language(quiz_path: Path) -> str:
    """The language of the course a quiz file sits in (``quizzes/`` beside course.yaml), else the spec's default, ar."""
    settings = quiz_path.resolve().parent.parent / "course.yaml"
    if quiz_path.resolve().parent.name != "quizzes" or not settings.is_file() or settings.stat().st_size > 1 << 20:
        return "ar"
    import yaml

    try:
        data = yaml.safe_load(settings.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return "ar"
    language = data.get("language") if isinstance(data, dict) else None
    return language if isinstance(language, str) else "ar"
