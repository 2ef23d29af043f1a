"""The command line: ``python build.py`` and the ``course`` console script.

Only argument parsing and reporting live here; each subcommand is a module of
``course.commands`` and the work is in the pipeline.
"""

from __future__ import annotations

import argparse
import sys

from .commands import discover
from .problems import CourseError
from .resources import version


def _parser(commands) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="course", description="Build a course: site, PDFs and LMS packages from Markdown and YAML.")
    parser.add_argument("--version", action="version", version=f"course-engine {version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, spec in commands.items():
        spec.configure(sub.add_parser(name, help=spec.help, description=spec.help))
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    commands = discover()
    if not argv or (argv[0] not in commands and argv[0] not in ("-h", "--help", "--version")):
        argv.insert(0, "build")
    args = _parser(commands).parse_args(argv)
    try:
        return commands[args.command].run(args)
    except CourseError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; the output folder was left as it was", file=sys.stderr)
        return 130
