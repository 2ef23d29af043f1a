"""``classroom``: serve the course to a training room, grading and storing every attempt."""

from __future__ import annotations

from pathlib import Path

from . import add_course_argument, arguments, command, needs_extra


def _configure(parser) -> None:
    add_course_argument(parser)
    parser.add_argument("--db", help="sqlite:///FILE.db (default: DIR/.classroom/classroom.db) or postgresql://USER@HOST:PORT/NAME")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1; 0.0.0.0 for the room's network)")
    parser.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    parser.add_argument("--site", type=Path, help="serve this existing build instead of building the site (HTML only) at start")
    parser.add_argument("--workers", type=int, default=1, help="server processes (default: 1; more suit PostgreSQL)")
    parser.add_argument("--https", action="store_true", help="behind an https proxy: cookies get the Secure flag")
    parser.add_argument(
        "--public-url", help="the address learners use, printed in certificate QR codes (default: the address the server listens on)"
    )
    parser.add_argument(
        "--allowed-host",
        action="append",
        metavar="NAME",
        help="a host name or address learners use to reach the server (repeatable; always allowed: localhost, "
        "127.0.0.1, the --host address and --public-url's host); a request naming any other Host gets 400",
    )
    parser.add_argument("--access-log", action="store_true", help="log every request")


@command("classroom", "serve the course with graded, stored quizzes and a trainer dashboard", order=20)
@arguments(_configure)
def run(args) -> int:
    try:
        from ..classroom.server import serve
    except ImportError as missing:
        return needs_extra(missing)
    return serve(args)
