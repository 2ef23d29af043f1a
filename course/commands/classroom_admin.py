"""``classroom-admin``: trainer accounts and checks of the classroom database."""

from __future__ import annotations

import getpass
import os
import sys

from . import add_course_argument, arguments, command, needs_extra


def _configure(parser) -> None:
    add_course_argument(parser)
    parser.add_argument("--db", help="the classroom database URL (default: DIR/.classroom/classroom.db)")
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    password = sub.add_parser("set-password", help="create a trainer or change their password (asked twice, or $CLASSROOM_PASSWORD)")
    password.add_argument("name", help="the trainer's sign-in name")
    admin = sub.add_parser("make-admin", help="make a trainer an administrator, who sees every class (--revoke: no longer)")
    admin.add_argument("name", help="the trainer's sign-in name")
    admin.add_argument("--revoke", action="store_true", help="take the administrator's rights away")
    sub.add_parser("migrate", help="bring the database schema up to date and print its version")


@command("classroom-admin", "trainer accounts and schema of the classroom database", order=21)
@arguments(_configure)
def run(args) -> int:
    try:
        from ..classroom.config import default_db_url
        from ..classroom.db import Database
        from ..classroom.errors import Refused
        from ..classroom.migrations import current_version, migrate
        from ..classroom.trainers import set_admin, set_password
    except ImportError as missing:
        return needs_extra(missing)

    database = Database(args.db or default_db_url(args.course))
    try:
        migrate(database)
        if args.action == "migrate":
            print(f"schema version {current_version(database)}", file=sys.stderr)
            return 0
        if args.action == "make-admin":
            database.write_now(lambda c: set_admin(c, args.name, not args.revoke))
            print(f"trainer `{args.name}` {'is no longer' if args.revoke else 'is now'} an administrator", file=sys.stderr)
            return 0
        password = _password()
        if password is None:
            return 1
        created = database.write_now(lambda c: set_password(c, args.name, password))
        print(f"trainer `{args.name}` {'created' if created else 'password changed'}", file=sys.stderr)
        return 0
    except Refused as refused:
        print(f"error: {refused.message}", file=sys.stderr)
        return 1
    finally:
        database.close()


def _password() -> str | None:
    password = os.environ.get("CLASSROOM_PASSWORD")
    if password:
        return password
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("new password: ")
    if first != getpass.getpass("again: "):
        print("error: the two passwords differ", file=sys.stderr)
        return None
    return first
