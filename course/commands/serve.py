"""``serve``: a live preview for authors on 127.0.0.1 (HTML only, rebuilt on every save)."""

from __future__ import annotations

import signal
import sys
import threading

from . import add_course_argument, arguments, command


def _configure(parser) -> None:
    add_course_argument(parser)
    parser.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default 8000; 0: any free port, printed)")


@command("serve", "preview the course in a browser; rebuilds and reloads on every save", order=30)
@arguments(_configure)
def run(args) -> int:
    from ..authoring.session import PreviewSession

    stopped = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stopped.set())  # stop as cleanly as on Ctrl+C
    try:
        with PreviewSession(args.course, args.port, _log) as session:
            print(f"serving {args.course} at {session.url} (Ctrl+C to stop)", flush=True)
            _wait(stopped)
    except OSError as error:
        print(f"cannot serve on 127.0.0.1:{args.port}: {error.strerror or error}; try --port 0 for any free port", file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGTERM, previous)
    return 0


def _wait(stopped: threading.Event) -> None:
    try:
        while not stopped.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass


def _log(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
