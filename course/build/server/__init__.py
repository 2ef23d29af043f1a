"""``build --server``: a build process that stays running, and builds for every ``python build.py``.

A one-off build pays, every time, for starting Python, loading the engine
and WeasyPrint, and a first layout: about a second, most of the time a
paragraph edit takes on a small course. The server pays for it once. It
builds, warms up as ``build --watch`` does, then listens on a socket in the
output's cache folder (``.<OUT>-cache/server.sock``, for its owner only).
``python build.py`` for the same course and output connects and hands its
build over; the server runs the ordinary incremental build, under the same
lock, and sends back the progress, the problems, the summary and the exit
status, which the command prints as if it had built itself.

The server builds only what the command would have built: it refuses (and
the command builds in its own process, saying why) a build for another
course, from another engine or Python environment, with another
``--jobs``, or once the engine's code, libraries or templates changed since
it started (then it stops). Each side checks the other is its own user.

The conversation, one JSON object per line:

- the command sends ``{"protocol", "course", "out", "shown", "engine", "prefix", "version", "pid", "options"}``;
- the server answers ``{"accepted": true, "pid"}`` or ``{"accepted": false, "reason"}``;
- then ``{"start": total}``, ``{"advance": description}`` and ``{"note": text}``
  as the build goes, and last ``{"lines": [...], "exit": status}``, or
  ``{"fallback": reason}`` when the server could not build (the command
  builds itself).

Ctrl+C in the command sends ``{"cancel": true}`` and then SIGUSR1, on
which the server stops the build whose command asked (its connection has
something to read), as Ctrl+C stops a one-off build: the output folder is
left as it was, unless the build was already putting it in place, in
which case it finishes and says so.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import struct
import sys
from pathlib import Path

from ..cache import BuildCache

PROTOCOL = 3
SOCKET = "server.sock"
# The longest socket path the system takes (sun_path is 108 bytes on Linux, 104 elsewhere), with its final NUL.
LONGEST = 103


def usable() -> bool:
    """Whether this system has what the server needs: Unix sockets and SIGUSR1."""
    return hasattr(socket, "AF_UNIX") and hasattr(signal, "SIGUSR1")


def socket_path(out: Path) -> Path:
    """Where the server for the output folder ``out`` listens."""
    return BuildCache(out).folder / SOCKET


@contextlib.contextmanager
def address(path: Path):
    """``path`` as a socket address; through ``/proc/self/fd`` on Linux when it is longer than a socket address may be."""
    if len(os.fsencode(path)) <= LONGEST or not sys.platform.startswith("linux"):
        yield str(path)
        return
    folder = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        yield f"/proc/self/fd/{folder}/{path.name}"
    finally:
        os.close(folder)


def peer(connection: socket.socket) -> tuple[int, int] | None:
    """The process id and user id at the other end of ``connection`` (None where the system does not say)."""
    if not hasattr(socket, "SO_PEERCRED"):
        return None
    layout = struct.Struct("iII")  # struct ucred: pid_t pid, uid_t uid, gid_t gid
    pid, uid, _ = layout.unpack(connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, layout.size))
    return pid, uid


def send(stream, message: dict) -> None:
    stream.write(json.dumps(message, ensure_ascii=False).encode("utf-8") + b"\n")
    stream.flush()


def receive(stream) -> dict | None:
    """The next message (None: the other side closed the connection)."""
    line = stream.readline()
    return json.loads(line) if line else None
