"""CSV for spreadsheets (course-format.md section 5): every CSV the project writes goes through here.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is a formula to a spreadsheet program (CSV injection): it is written
with a leading ``'``, which the program shows as text and does not run.
Files are UTF-8 with a byte-order mark, so that spreadsheet programs show
Arabic names rather than mojibake; a stream given by the caller (standard
output, a web response) gets no mark.
"""

from __future__ import annotations

import contextlib
import csv
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_STARTS = frozenset(FORMULA_STARTS)

Destination = Path | str | TextIO


def inert(cell: Any) -> Any:
    """A text cell a spreadsheet would run as a formula, made inert with a leading '."""
    return f"'{cell}" if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) else cell


class SafeWriter:
    """``csv.writer`` whose every text cell is made inert."""

    def __init__(self, stream: TextIO, delimiter: str = ","):
        self._writer = csv.writer(stream, delimiter=delimiter, lineterminator="\n")

    def writerow(self, row: Iterable[Any]) -> None:
        # ``inert`` inlined: a gradebook row has a cell per question, and a class thousands of rows.
        self._writer.writerow([f"'{cell}" if type(cell) is str and cell[:1] in _STARTS else cell for cell in row])


@contextlib.contextmanager
def opened(out: Destination) -> Iterator[TextIO]:
    """A text stream for a path (created, UTF-8 with a byte-order mark) or the stream itself."""
    if isinstance(out, (str, Path)):
        with open(out, "w", encoding="utf-8-sig", newline="") as stream:
            yield stream
    else:
        yield out
