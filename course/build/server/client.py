"""The command's side of ``build --server``: hand the build over if a server runs for this output folder."""

from __future__ import annotations

import os
import select
import signal
import socket
import sys
import threading
from pathlib import Path

from ...fingerprint import ENGINE
from ..cache import BuildCache
from ..pipeline import BuildOptions
from . import PROTOCOL, address, peer, receive, send, socket_path, usable

# Seconds to wait for the server's answer before saying that it is busy (with another command's build).
BUSY_AFTER = 0.5
# Seconds without an answer while no build holds the output's lock: the server is stopped or stuck, so build here.
SILENT_FOR = 5


class Gone(Exception):
    """The server stopped answering, or said something this command cannot read: build here."""


def hand_off(root: Path, options: BuildOptions, quiet: bool = False) -> int | None:
    """Have the build server build, if one runs for this course's output folder; its exit status (None: build here)."""
    out = Path(options.out).resolve() if options.out else Path(root).resolve() / "dist"
    path = socket_path(out)
    if not usable() or not path.exists():
        return None
    say = (lambda text: None) if quiet else _say
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        with address(path) as where:
            connection.connect(where)
    except OSError:  # left by a server that was killed (the next one replaces it), or not ours to use
        connection.close()
        return None
    with connection, connection.makefile("rwb") as stream, _Interrupts(connection) as interrupts:
        try:
            who = peer(connection)
            if who is not None and who[1] != os.getuid():
                _say(f"{path} is another user's socket: not handing this build to it; building here")
                return None
            send(stream, _request(root, out, options))
            _await_answer(connection, out, say)
            answer = receive(stream)
            if answer is None:
                raise Gone("it closed the connection")
            if not answer["accepted"]:
                say(f"the build server for {out} did not take this build: {answer['reason']}; building here")
                return None
            interrupts.server = who[0] if who is not None and who[0] > 0 else answer["pid"]
            say(f"building in the build server (pid {interrupts.server})")
            return _follow(stream, interrupts, quiet)
        except (Gone, OSError, ValueError, KeyError, TypeError) as error:
            say(f"the build server for {out} stopped before the build was done ({error or type(error).__name__}); building here")
            return None


def _request(root: Path, out: Path, options: BuildOptions) -> dict:
    shown = Path(options.out) if options.out else Path(root) / "dist"  # the folder as a build here would name it
    request = {"protocol": PROTOCOL, "course": str(Path(root).resolve()), "out": str(out), "shown": str(shown), "engine": str(ENGINE)}
    request.update(prefix=sys.prefix, version=sys.version, pid=os.getpid())
    request["options"] = {"paper_size": options.paper_size, "strict": options.strict, "pdf": options.pdf, "lms": options.lms}
    request["options"].update(clean=options.clean, jobs=options.jobs, keep=list(options.keep))
    return request


def _await_answer(connection: socket.socket, out: Path, say) -> None:
    """Wait for the server's answer; say so if it is busy; ``Gone`` if it is silent while no build holds the output's lock."""
    if select.select([connection], [], [], BUSY_AFTER)[0]:
        return
    say(f"waiting for the build server for {out}, which is busy with another build")
    silent = 0
    while not select.select([connection], [], [], 1.0)[0]:
        silent = silent + 1 if not BuildCache(out).building() else 0
        if silent >= SILENT_FOR:
            raise Gone(f"no answer in {SILENT_FOR} s, and no build under way")


def _follow(stream, interrupts: _Interrupts, quiet: bool) -> int | None:
    """Show the server's progress as the build goes; print what it ends with; its exit status (None: build here)."""
    from ..progress import progress_for

    with progress_for(sys.stderr, quiet) as progress:
        while True:
            message = receive(stream)
            if message is None:
                raise Gone("it closed the connection")
            if "start" in message:
                progress.start(message["start"])
            elif "advance" in message:
                progress.advance(message["advance"])
            elif "note" in message:
                progress.note(message["note"])
            elif "fallback" in message:
                if not quiet:
                    _say(f"{message['fallback']}; building here")
                return None
            else:
                break
    lines, status = message["lines"], message["exit"]
    for line in lines:
        print(line, file=sys.stderr)
    if interrupts.interrupted and status == 130:
        raise KeyboardInterrupt
    return status


class _Interrupts:
    """Ctrl+C while the server builds asks it to stop that build, and the command says how it ended; a second one stops waiting.

    The request goes both ways: a line on the connection (so that the
    server stops this build and no other), then SIGUSR1, which wakes it.
    """

    def __init__(self, connection: socket.socket):
        self.connection = connection
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
        try:
            self.connection.sendall(b'{"cancel": true}\n')
            os.kill(self.server, signal.SIGUSR1)
        except OSError:  # the server is gone: so is its build
            raise KeyboardInterrupt from None


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)
