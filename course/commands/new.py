"""``new course DIR`` and ``new module ID``: a course, or a module and its quiz skeleton, never an overwrite."""

from __future__ import annotations

import sys

from . import add_course_argument, arguments, command


def _configure(parser) -> None:
    parser.add_argument(
        "kind",
        choices=["course", "module"],
        help="what to create (course: a small course in the folder NAME; module: modules/NAME.md and quizzes/NAME-quiz.yaml)",
    )
    parser.add_argument("name", metavar="NAME", help="new course: its folder (new or empty); new module: its id, e.g. customs-basics")
    parser.add_argument("--title", required=True, help="the course's or the module's title")
    parser.add_argument(
        "--language", default="ar", help="new course: the course's language, a BCP 47 tag: en, fr, fa... (default: ar, as in course.yaml)"
    )
    add_course_argument(parser)


@command("new", "start a course (new course DIR) or a module (new module ID): files that pass check, listed in course.yaml", order=20)
@arguments(_configure)
def run(args) -> int:
    if args.kind == "course":
        return _course(args)
    from ..authoring.scaffold import new_module

    result = new_module(args.course, args.name, args.title)
    for rel in result.written:
        print(f"wrote {rel}", file=sys.stderr)
    if result.listed:
        print(f"added `{args.name}` to `modules` in course.yaml", file=sys.stderr)
    print("next: replace every TODO (`course check` lists them) and preview with `course serve`", file=sys.stderr)
    return 0


def _course(args) -> int:
    from ..authoring.new_course import new_course

    for rel in new_course(args.name, args.title, args.language):
        print(f"wrote {args.name}/{rel}", file=sys.stderr)
    print(f"next: `course serve --course {args.name}` previews it;", file=sys.stderr)
    print(f'`course new module ID --title "..." --course {args.name}` adds a module', file=sys.stderr)
    return 0
