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
course, from another Python environment, with another ``--jobs``, or once
the engine's code or libraries changed since it started (then it stops).

The conversation, one JSON object per line:

- the command sends ``{"protocol", "course", "out", "prefix", "version", "options"}``;
- the server answers ``{"accepted": true, "pid"}`` or ``{"accepted": false, "reason"}``;
- then ``{"start": total}``, ``{"advance": description}`` and ``{"note": text}``
  as the build goes, and last ``{"lines": [...], "exit": status}``, or
  ``{"fallback": reason}`` when the server could not build (the command
  builds itself).

Ctrl+C in the command sends the server SIGUSR1, which stops that build
as Ctrl+C stops a one-off one: the output folder is left as it was.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..cache import BuildCache

PROTOCOL = 1
SOCKET = "server.sock"


def socket_path(out: Path) -> Path:
    """Where the server for the output folder ``out`` listens."""
    return BuildCache(out).folder / SOCKET


def send(stream, message: dict) -> None:
    stream.write(json.dumps(message, ensure_ascii=False).encode("utf-8") + b"\n")
    stream.flush()


def receive(stream) -> dict | None:
    """The next message (None: the other side closed the connection)."""
    line = stream.readline()
    return json.loads(line) if line else None
