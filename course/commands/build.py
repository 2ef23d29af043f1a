"""``build``: everything into DIR/dist (the default command)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..build.pipeline import BuildOptions, build_course
from ..build.progress import progress_for
from . import add_course_argument, arguments, command


def _configure(parser) -> None:
    add_course_argument(parser)
    parser.add_argument("--out", type=Path, help="output folder (default: DIR/dist)")
    parser.add_argument("--paper", choices=["A4", "Letter"], help="paper size of the PDFs (default: course.yaml paper_size, else A4)")
    parser.add_argument("--no-pdf", action="store_true", help="build the site only, without PDFs")
    parser.add_argument("--no-lms", action="store_true", help="skip the LMS packages and quiz exports")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    parser.add_argument("--clean", action="store_true", help="render everything again, ignoring what earlier builds made")
    parser.add_argument(
        "--jobs",
        type=_jobs,
        metavar="N",
        help="processes that render PDFs and share the site pages (default: every core; 1: all in this process)",
    )
    parser.add_argument(
        "--keep",
        action="append",
        default=[],
        metavar="PATTERN",
        help="a path in OUT that is not the build's (glob, e.g. .git or CNAME): carried into each new output (repeatable)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress output")
    staying = parser.add_mutually_exclusive_group()
    staying.add_argument(
        "--watch", action="store_true", help="after building, build again after every save until Ctrl+C (PDF workers stay loaded)"
    )
    staying.add_argument(
        "--server",
        action="store_true",
        help="after building, stay running and do the build of every python build.py for this course and output, until Ctrl+C",
    )


def _jobs(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("--jobs needs 1 or more")
    return number


@command("build", "build the site, PDFs and LMS packages into DIR/dist (default)", order=0)
@arguments(_configure)
def run(args) -> int:
    options = BuildOptions(
        out=args.out,
        paper_size=args.paper,
        strict=args.strict,
        pdf=not args.no_pdf,
        lms=not args.no_lms,
        clean=args.clean,
        jobs=args.jobs,
        keep=tuple(args.keep),
    )
    if args.watch:
        from ..build.watch import watch

        return watch(args.course, options, _log)
    if args.server:
        from ..build.server.server import serve

        return serve(args.course, options, _log)
    from ..build.server.client import hand_off

    handed = hand_off(args.course, options, args.quiet)
    if handed is not None:
        return handed
    with progress_for(sys.stderr, quiet=args.quiet) as progress:
        report = build_course(args.course, options, progress)
    for problem in report.problems:
        print(problem, file=sys.stderr)
    print(report.summary(), file=sys.stderr)
    return 0


def _log(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
