"""The command line: ``python build.py`` and the ``course`` console script.

Only argument parsing and reporting live here; the work is in the pipeline.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .pipeline import BuildOptions, build_course, check_course
from .problems import CourseError
from .progress import progress_for


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="course", description="Build a course: site, PDFs and LMS packages from Markdown and YAML.")
    sub = parser.add_subparsers(dest="command")
    build = sub.add_parser("build", help="build everything into DIR/dist (the default command)")
    _common(build)
    build.add_argument("--out", type=Path, help="output folder (default: DIR/dist)")
    build.add_argument("--paper", choices=["A4", "Letter"], help="paper size of the PDFs (default: course.yaml paper_size, else A4)")
    build.add_argument("--no-pdf", action="store_true", help="build the site only, without PDFs")
    build.add_argument("--quiet", action="store_true", help="no progress output")
    check = sub.add_parser("check", help="validate the whole course without writing anything")
    _common(check)
    return parser


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--course", type=Path, default=Path("."), help="the course folder (default: the current folder)")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help"):
        argv.insert(0, "build")
    args = _parser().parse_args(argv)
    handler = {"build": _build, "check": _check}[args.command]
    try:
        return handler(args)
    except CourseError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; the output folder was left as it was", file=sys.stderr)
        return 130


def _check(args) -> int:
    course, problems = check_course(args.course, args.strict)
    for problem in problems:
        print(problem, file=sys.stderr)
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    print(f"{args.course}: {errors} error(s), {warnings} warning(s)", file=sys.stderr)
    return 0 if course is not None else 1


def _build(args) -> int:
    options = BuildOptions(out=args.out, paper_size=args.paper, strict=args.strict, pdf=not args.no_pdf)
    with progress_for(sys.stderr, quiet=args.quiet) as progress:
        report = build_course(args.course, options, progress)
    for problem in report.problems:
        print(problem, file=sys.stderr)
    summary = ", ".join(f"{count} {kind}" for kind, count in sorted(report.counts.items()))
    print(f"built {report.out}: {summary}; {report.pages} PDF pages", file=sys.stderr)
    return 0
