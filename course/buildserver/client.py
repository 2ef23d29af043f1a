"""The command's side of ``build --server``: hand the build over if a server runs for this output folder."""

from __future__ import annotations

import os
import select
import signal
import socket
import sys
import threading
from pathlib import Path

from ..pipeline import BuildOptions
from . import PROTOCOL, receive, send, socket_path

# Seconds to wait for the server's answer before saying that it is busy (with another command's build).
BUSY_AFTER = 0.5


def hand_off(root: Path, options: BuildOptions, quiet: bool = False) -> int | None:
    """Have the build server build, if one runs for this course's output folder; its exit status (None: build here)."""
    root = Path(root).resolve()
    out = Path(options.out).resolve() if options.out else root / "dist"
    path = socket_path(out)
    if not path.exists():
        return None
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        connection.connect(str(path))
    except OSError:  # left by a server that was killed (the next one replaces it), or not ours to use
        connection.close()
        return None
    request_options = {"paper_size": options.paper_size, "strict": options.strict, "pdf": options.pdf, "lms": options.lms}
    request_options.update(clean=options.clean, jobs=options.jobs)
    request = {"protocol": PROTOCOL, "course": str(root), "out": str(out), "prefix": sys.prefix, "version": sys.version}
    with connection, connection.makefile("rwb") as stream, _Interrupts() as interrupts:
        send(stream, {**request, "pid": os.getpid(), "options": request_options})
        if not select.select([connection], [], [], BUSY_AFTER)[0]:
            _say(f"waiting for the build server for {out}, which is busy with another build")
        answer = receive(stream)
        if answer is None:
            return None
        if not answer.get("accepted"):
            _say(f"the build server for {out} did not take this build: {answer.get('reason')}; building here")
            return None
        interrupts.server = answer["pid"]
        if not quiet:
            _say(f"building in the build server (pid {answer['pid']})")
        return _follow(stream, interrupts, quiet)


def _follow(stream, interrupts: _Interrupts, quiet: bool) -> int | None:
    """Show the server's progress as the build goes; print what it ends with; its exit status (None: build here)."""
    from ..progress import progress_for

    with progress_for(sys.stderr, quiet) as progress:
        while True:
            message = receive(stream)
            if message is None:
                _say("the build server stopped before the build was done; building here")
                return None
            if "start" in message:
                progress.start(message["start"])
            elif "advance" in message:
                progress.advance(message["advance"])
            elif "note" in message:
                progress.note(message["note"])
            elif "fallback" in message:
                _say(f"{message['fallback']}; building here")
                return None
            else:
                break
    for line in message["lines"]:
        print(line, file=sys.stderr)
    if interrupts.interrupted and message["exit"] == 130:
        raise KeyboardInterrupt
    return message["exit"]


class _Interrupts:
    """Ctrl+C while the server builds stops that build (SIGUSR1), and the command says how it ended; a second one stops waiting."""

    def __init__(self):
        self.server: int | None = None  # the server's pid, once it took the build
        self.interrupted = False
        self.previous = None
        # Not where Ctrl+C is ignored (a command started in the background) or cannot be handled (another thread).
        self.installed = threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGINT) is not signal.SIG_IGN

    def __enter__(self) -> _Interrupts:
        if self.installed:
            self.previous = signal.signal(signal.SIGINT, self._forward)
        return self

    def __exit__(self, *exc) -> None:
        if self.installed:
            signal.signal(signal.SIGINT, self.previous if self.previous is not None else signal.SIG_DFL)

    def _forward(self, signum, frame) -> None:
        if self.server is None or self.interrupted:
            raise KeyboardInterrupt
        self.interrupted = True
        os.kill(self.server, signal.SIGUSR1)


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)
