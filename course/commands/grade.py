"""``grade``: paper answers (ANSWERS.csv) into a gradebook, per course-format.md section 5."""

from __future__ import annotations

from pathlib import Path

from . import arguments, command


def _configure(parser) -> None:
    parser.add_argument("quiz", type=Path, help="the quiz file (quizzes/<id>.yaml); no course folder needed")
    parser.add_argument("answers", type=Path, nargs="?", help="ANSWERS.csv: a header `learner,<question id>...`, one row per learner")
    parser.add_argument("--out", type=Path, help="write the gradebook CSV here (default: standard output)")
    parser.add_argument("--template", type=Path, help="write an empty ANSWERS.csv with the right header to this file")
    parser.add_argument("--report", type=Path, help="write the item analysis (facility, discrimination, option counts) to this CSV")


@command("grade", "grade paper answers from a CSV with the quiz's rules", order=2)
@arguments(_configure)
def run(args) -> int:
    if args.answers is None and args.template is None:
        print("grade: give ANSWERS.csv to grade, or --template FILE to write an empty one")
        return 1
    from ..grading.gradebook import run_grade

    return run_grade(args.quiz, args.answers, out=args.out, template=args.template, report=args.report)
