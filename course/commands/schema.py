"""``schema``: write the JSON Schemas of the course files (for editors and CI)."""

from __future__ import annotations

import sys
from pathlib import Path

from . import arguments, command


def _configure(parser) -> None:
    parser.add_argument("--out", type=Path, default=Path("schema"), help="folder to write the schemas to (default: ./schema)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a schema in --out is missing or out of date")


@command("schema", "write JSON Schemas for course.yaml, module front matter, quizzes and the glossary", order=60)
@arguments(_configure)
def run(args) -> int:
    from ..authoring.schema import stale_schemas, write_schemas

    if args.check:
        stale = stale_schemas(args.out)
        for name in stale:
            print(f"{args.out / name}: out of date: run `python build.py schema --out {args.out}`", file=sys.stderr)
        return 1 if stale else 0
    for path in write_schemas(args.out):
        print(f"wrote {path}", file=sys.stderr)
    return 0
