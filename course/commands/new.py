"""``new module ID --title "..."``: a module and its quiz skeleton, listed in course.yaml."""

from __future__ import annotations

import sys

from . import add_course_argument, arguments, command


def _configure(parser) -> None:
    parser.add_argument("kind", choices=["module"], help="what to create (module: modules/ID.md and quizzes/ID-quiz.yaml)")
    parser.add_argument("id", help="the module id: lower-case letters, digits and -, e.g. customs-basics")
    parser.add_argument("--title", required=True, help="the module title")
    add_course_argument(parser)


@command("new", "start a new module: modules/ID.md, a quiz skeleton, and ID in course.yaml", order=20)
@arguments(_configure)
def run(args) -> int:
    from ..authoring.scaffold import new_module

    result = new_module(args.course, args.id, args.title)
    for rel in result.written:
        print(f"wrote {rel}", file=sys.stderr)
    if result.listed:
        print(f"added `{args.id}` to `modules` in course.yaml", file=sys.stderr)
    print("next: replace every TODO (`python build.py check` lists them) and preview with `python build.py serve`", file=sys.stderr)
    return 0
