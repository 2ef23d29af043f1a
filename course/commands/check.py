"""``check``: validate the whole course, write nothing."""

from __future__ import annotations

import sys

from ..pipeline import check_course
from . import add_course_argument, arguments, command


def _configure(parser) -> None:
    add_course_argument(parser)
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors (exit 1)")


@command("check", "validate the whole course without writing anything", order=1)
@arguments(_configure)
def run(args) -> int:
    course, problems = check_course(args.course, args.strict)
    for problem in problems:
        print(problem, file=sys.stderr)
    errors = sum(p.is_error for p in problems)
    print(f"{args.course}: {errors} error(s), {len(problems) - errors} warning(s)", file=sys.stderr)
    return 0 if course is not None else 1
