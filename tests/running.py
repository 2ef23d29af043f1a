"""A command that stays running (``build --watch``, ``build --server``), run as a trainer runs it, its lines read as they come."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WAIT = 120  # seconds for any one line: the first build lays out every PDF
# Runs the command with Ctrl+C's default action: a process started in the background inherits SIGINT ignored.
DEFAULT_SIGINT = (
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.executable, [sys.executable, *sys.argv[1:]])"
)


def command(*arguments: str) -> list[str]:
    """``python build.py ARGUMENTS``, with Ctrl+C's default action."""
    return [sys.executable, "-c", DEFAULT_SIGINT, str(ROOT / "build.py"), *arguments]


class Running:
    """``python build.py --course COURSE --out OUT FLAGS`` in its own process."""

    def __init__(self, course: Path, out: Path, *flags: str):
        arguments = command("--course", str(course), "--out", str(out), *flags)
        self.process = subprocess.Popen(arguments, cwd=ROOT, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.process.stderr:
            self.lines.put(line.rstrip("\n"))

    def until(self, start: str) -> list[str]:
        """The lines up to the first that starts with ``start`` (which is last)."""
        got = []
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                break
            got.append(line)
            self.seen.append(line)
            if line.startswith(start):
                return got
        raise AssertionError(f"no line starting {start!r}; the command printed:\n" + "\n".join(self.seen))

    def stop(self, signum: int = signal.SIGINT) -> int:
        """Ctrl+C (or ``signum``); the exit status, with every line printed read into ``seen``."""
        if self.process.poll() is None:
            self.process.send_signal(signum)
        try:
            return self.process.wait(timeout=30)
        finally:
            if self.process.poll() is None:
                self.process.kill()
            self.reader.join(timeout=10)
            while not self.lines.empty():
                self.seen.append(self.lines.get())


def files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def descendants(root: int) -> list[int]:
    """Every process below ``root`` (its fork server and PDF workers), from /proc."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(") ", 1)[1].split()
        except (OSError, IndexError):
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = [], [root]
    while frontier:
        children = [pid for pid, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        return not Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].startswith("Z")
    except OSError:
        return False


def all_gone(pids: list[int], seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return not any(alive(pid) for pid in pids)
