"""Progress for long builds: a rich progress bar on a terminal, plain lines otherwise."""

from __future__ import annotations

import sys
from contextlib import contextmanager


class PlainProgress:
    def __init__(self, stream):
        self.stream = stream

    def start(self, total: int) -> None:
        self.total, self.done = total, 0

    def advance(self, description: str) -> None:
        self.done += 1
        print(f"[{self.done}/{self.total}] {description}", file=self.stream, flush=True)

    def note(self, text: str) -> None:
        print(text, file=self.stream, flush=True)


class BarProgress:
    def __init__(self, stream):
        from rich.console import Console  # only a terminal needs it
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        # Redrawn at each step, not by a thread of its own: the build forks its site workers, which a
        # process may do only while it runs no other thread (``course.build.workers.site_pool``).
        self.bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(file=stream),
            auto_refresh=False,
        )

    def start(self, total: int) -> None:
        self.task = self.bar.add_task("building", total=total)
        self.bar.refresh()

    def advance(self, description: str) -> None:
        self.bar.update(self.task, advance=1, description=description, refresh=True)

    def note(self, text: str) -> None:
        self.bar.console.print(text)


class SilentProgress:
    """No progress; notes (a build waiting for another) go to ``note`` if given."""

    def __init__(self, note=None):
        self._note = note

    def start(self, total: int) -> None:
        pass

    def advance(self, description: str) -> None:
        pass

    def note(self, text: str) -> None:
        if self._note is not None:
            self._note(text)


@contextmanager
def progress_for(stream=None, quiet: bool = False):
    stream = stream or sys.stderr
    if quiet:
        yield SilentProgress()
    elif stream.isatty():
        reporter = BarProgress(stream)
        with reporter.bar:
            yield reporter
    else:
        yield PlainProgress(stream)
