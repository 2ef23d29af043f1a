"""``check``: validate the whole course, then lint it as an editor would; write nothing."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..problems import Problem, has_errors
from . import add_course_argument, arguments, command


def _configure(parser) -> None:
    add_course_argument(parser)
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors (exit 1)")
    parser.add_argument(
        "--format",
        choices=["text", "json"],
        default="text",
        help="text: PATH:LINE: message on stderr (default); json: an array of {path, line, severity, message} on stdout",
    )
    parser.add_argument(
        "--sources", type=Path, action="append", default=[], metavar="DIR", help="also look for quoted source documents in DIR (repeatable)"
    )


@command("check", "validate the whole course and lint it as an editor would; writes nothing", order=1)
@arguments(_configure)
def run(args) -> int:
    from ..build.pipeline import check_course
    from ..lint import LintSettings, lint_course

    course, problems = check_course(args.course)
    if course is not None:
        lint = lint_course(course, LintSettings(source_dirs=tuple(args.sources)))
        problems = sorted(problems + lint, key=lambda p: (p.path, p.line or 0))
    REPORTERS[args.format](args.course, problems)
    return 1 if has_errors(problems, args.strict) else 0


def _text(course: Path, problems: list[Problem]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)
    errors = sum(p.is_error for p in problems)
    print(f"{course}: {errors} error(s), {len(problems) - errors} warning(s)", file=sys.stderr)


def _json(course: Path, problems: list[Problem]) -> None:
    rows = [{"path": p.path, "line": p.line, "severity": p.severity, "message": p.message} for p in problems]
    json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
    print()


REPORTERS = {"text": _text, "json": _json}
