"""The server side of ``build --server``: listen, check each request, build, report back."""

from __future__ import annotations

import dataclasses
import os
import select
import signal
import socket
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from ...fingerprint import ENGINE
from ...problems import CourseError
from ..pipeline import BuildOptions, build_course
from ..resident import ENGINE_CHANGED, engine_now, kept_workers, logged_build, not_built, restore_terminate, terminate_as_interrupt, warm_up
from . import PROTOCOL, address, peer, receive, send, socket_path, usable

# Seconds between checks, while no command comes, that the socket is still there (deleting the cache folder is safe).
CHECK_EVERY = 2.0
# Seconds a command has to send its request once connected: one that says nothing does not hold the server up.
READ_WITHIN = 10.0
# Options a request may set; the rest (the course, the output, --jobs) are the server's.
REQUEST_OPTIONS = ("paper_size", "strict", "pdf", "lms", "clean", "keep")
ANOTHER_VERSION = "it is another version of the engine"


class ServerError(Exception):
    """The server cannot start: another one serves the output folder, or the socket cannot be made."""


class Cancelled(BaseException):
    """The command whose build this is was interrupted (Ctrl+C): stop the build as Ctrl+C stops a one-off one."""


def serve(root: Path, options: BuildOptions, log: Callable[[str], None]) -> int:
    """Build, then build for every command that hands its build over, until Ctrl+C or SIGTERM; the exit status.

    0 when stopped; 1 when it cannot start, or stops on its own (the engine
    changed, another server took its place).
    """
    if not usable():
        log("build --server needs Unix sockets and signals, which this system does not have")
        return 1
    root = Path(root).resolve()
    out = Path(options.out).resolve() if options.out else root / "dist"
    options = dataclasses.replace(options, out=out)
    try:
        listener = Listener(socket_path(out), out)
    except ServerError as error:
        log(str(error))
        return 1
    kept = None
    terminated = terminate_as_interrupt()
    ignored = signal.signal(signal.SIGUSR1, signal.SIG_IGN)  # a cancel that comes after its build ended stops nothing
    try:
        kept = kept_workers(options)
        server = Server(root, options, kept, log)
        logged_build(root, options, kept, log, "built")
        warm_up(root, kept, options.paper_size)
        log(f"serving the builds of {root} into {out}: run python build.py as usual (Ctrl+C to stop)")
        while not server.stale:
            connection = listener.accept(CHECK_EVERY)
            if connection is not None:
                with connection:
                    server.handle(connection)
            elif not listener.kept(log):
                break
        return 1
    except KeyboardInterrupt:
        log("stopped serving")
        return 0
    finally:
        listener.close()
        if kept is not None:
            kept.close()
        restore_terminate(terminated)
        signal.signal(signal.SIGUSR1, ignored)


class Listener:
    """The server's socket, for its owner only; removed when the server stops. A socket left by a server that was killed is replaced."""

    def __init__(self, path: Path, out: Path):
        self.path = path
        if _answers(path):
            raise ServerError(f"a build server for {out} is already running (its socket: {path})")
        self._bind()

    def _bind(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.unlink(missing_ok=True)  # left by a server that was killed
        self.socket = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        mask = os.umask(0o177)
        try:
            with address(self.path) as where:
                self.socket.bind(where)
        except OSError as error:
            self.socket.close()
            raise ServerError(f"{self.path}: cannot listen there: {error.strerror or error}") from None
        finally:
            os.umask(mask)
        self.socket.listen(16)
        self.inode = self.path.stat().st_ino

    def accept(self, wait: float) -> socket.socket | None:
        """The next command's connection (None if none came within ``wait`` seconds, or it could not be taken)."""
        if not select.select([self.socket], [], [], wait)[0]:
            return None
        try:
            return self.socket.accept()[0]
        except OSError:  # gone before it was taken, or out of file descriptors for now
            return None

    def kept(self, log: Callable[[str], None]) -> bool:
        """Listen again if the socket was removed (the cache folder deleted); False if it cannot, or another server took its place."""
        try:
            if self.path.stat().st_ino == self.inode:
                return True
        except FileNotFoundError:
            pass
        if _answers(self.path):
            log(f"another build server listens at {self.path} now: stopping")
            return False
        self.socket.close()
        try:
            self._bind()
        except ServerError as error:
            log(f"{error}: stopping")
            return False
        log(f"{self.path} was removed: listening there again")
        return True

    def close(self) -> None:
        self.socket.close()
        try:
            if self.path.stat().st_ino == self.inode:  # not a socket a newer server made
                self.path.unlink()
        except FileNotFoundError:
            pass


def _answers(path: Path) -> bool:
    """Whether a server listens at ``path``."""
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        with address(path) as where:
            probe.connect(where)
    except OSError:
        return False
    finally:
        probe.close()
    return True


class Server:
    def __init__(self, root: Path, options: BuildOptions, kept, log: Callable[[str], None]):
        self.root, self.options, self.kept, self.log = root, options, kept, log
        self.jobs = options.jobs or os.cpu_count() or 1
        self.engine = engine_now()
        self.stale = False  # the engine changed: stop serving
        self.current: socket.socket | None = None  # the connection of the command whose build runs

    def handle(self, connection: socket.socket) -> None:
        """One command's build, start to end. Nothing a command sends or fails to do stops the server."""
        who = peer(connection)
        if who is not None and who[1] != os.getuid():
            return  # another user's: no answer
        connection.settimeout(READ_WITHIN)
        stream = connection.makefile("rwb")
        try:
            try:
                request = receive(stream)
            except ValueError:  # not a line of JSON: not a command of this engine
                request = {}
            if request is None:
                return
            connection.settimeout(None)
            reason = self.refusal(request)
            if reason is not None:
                self.log(f"refused a build (pid {who[0] if who else '?'}): {reason}")
                send(stream, {"accepted": False, "reason": reason})
                return
            send(stream, self.build(stream, connection, request))
        except OSError as error:  # the command went away (or never spoke): its build stopped at its next step
            self.log(f"the command went away ({type(error).__name__})")
        except Exception as error:  # noqa: BLE001 - a fault of the server's must not end it: shown, and the next command served
            self.log("".join(traceback.format_exception(error)).rstrip())
        finally:
            try:
                stream.close()
            except OSError:
                pass

    def refusal(self, request) -> str | None:
        """Why this server must not do the build ``request`` asks for (None: it may)."""
        if not isinstance(request, dict) or request.get("protocol") != PROTOCOL:
            return ANOTHER_VERSION
        options = request.get("options")
        texts = ("course", "out", "shown", "engine", "prefix", "version")
        if not all(isinstance(request.get(name), str) for name in texts) or not isinstance(options, dict):
            return ANOTHER_VERSION
        if not all(name in options for name in REQUEST_OPTIONS) or not isinstance(options.get("jobs"), int | None):
            return ANOTHER_VERSION
        if not isinstance(options["keep"], list) or not all(isinstance(pattern, str) for pattern in options["keep"]):
            return ANOTHER_VERSION
        if request["engine"] != str(ENGINE):
            return f"it runs the engine in {ENGINE}"
        if request["prefix"] != sys.prefix or request["version"] != sys.version:
            return f"it runs in another Python environment ({sys.prefix})"
        if Path(request["course"]) != self.root:
            return f"it builds {self.root}"
        if Path(request["out"]) != self.options.out:
            return f"it builds into {self.options.out}"
        if options["jobs"] is not None and options["jobs"] != self.jobs:
            return f"it renders with --jobs {self.jobs}"
        if engine_now() != self.engine:
            self.stale = True
            self.log(ENGINE_CHANGED)
            return "the engine changed since it started (it stops now: start it again)"
        return None

    def build(self, stream, connection: socket.socket, request: dict) -> dict:
        """Accept the request and build, the progress sent as it goes; the last message."""
        chosen = {name: request["options"][name] for name in REQUEST_OPTIONS}
        options = dataclasses.replace(self.options, **{**chosen, "keep": tuple(chosen["keep"])})
        who = f"for pid {request.get('pid')}"
        started = time.perf_counter()
        self.current = connection
        previous = signal.signal(signal.SIGUSR1, self._cancel)  # from the answer on, the command's Ctrl+C stops this build
        try:
            send(stream, {"accepted": True, "pid": os.getpid()})
            report = build_course(self.root, options, RemoteProgress(stream), kept=self.kept)
        except CourseError as error:
            self.log(f"{who}: {not_built(error, options.strict)}")
            return {"lines": [str(problem) for problem in error.problems], "exit": 1}
        except Cancelled:
            self.log(f"{who}: interrupted; the output folder is as it was")
            return {"lines": [], "exit": 130}
        except (BrokenPipeError, ConnectionResetError):
            raise  # the command went away: so did its build
        except Exception as error:  # noqa: BLE001 - a fault of the server's: the command builds itself, and shows it
            self.log("".join(traceback.format_exception(error)).rstrip())
            if self.kept is not None:
                self.kept.renew()  # a worker that died (out of memory, a crash) breaks the pool for every build after
            return {"fallback": f"the build server failed ({type(error).__name__}: {error})"}
        finally:
            signal.signal(signal.SIGUSR1, previous)
            self.current = None
        seconds = time.perf_counter() - started
        self.log(f"{who}: built {report.out} in {seconds:.2f} s: {len(report.rendered)} written, {len(report.reused)} unchanged")
        report.out = Path(request["shown"])  # the summary names the folder as the command would have
        return {"lines": [str(problem) for problem in report.problems] + [report.summary()], "exit": 0}

    def _cancel(self, signum, frame) -> None:
        """SIGUSR1: stop the build if its command asked (a line, or its end, to read); a signal meant for an earlier build is let go."""
        if self.current is not None and select.select([self.current], [], [], 0)[0]:
            raise Cancelled


class RemoteProgress:
    """A build's progress, sent to the command that asked for it."""

    def __init__(self, stream):
        self.stream = stream

    def start(self, total: int) -> None:
        send(self.stream, {"start": total})

    def advance(self, description: str) -> None:
        send(self.stream, {"advance": description})

    def note(self, text: str) -> None:
        send(self.stream, {"note": text})
