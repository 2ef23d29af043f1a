"""Problems found in a course: errors and warnings, each with a location.

Loaders collect every problem and the command line reports them all at once as
``PATH:LINE: message`` (PATH relative to the course root), like Sphinx's
``location=(doc, line)``. ``CourseError`` is the one exception root for
problems a user caused; users see its messages, never a traceback.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    path: str
    line: int | None
    message: str
    severity: str = ERROR

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        label = "" if self.severity == ERROR else "warning: "
        return f"{where}: {label}{self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


class CourseError(Exception):
    """Raised with every problem that stops a command (never only the first)."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class Problems(list):
    """A list of problems for one file, with helpers that attach its path."""

    def __init__(self, path: str):
        super().__init__()
        self.path = path

    def error(self, line: int | None, message: str) -> None:
        self.append(Problem(self.path, line, message, ERROR))

    def warning(self, line: int | None, message: str) -> None:
        self.append(Problem(self.path, line, message, WARNING))

    def unknown_key(self, line: int | None, key: str, known: list[str] | tuple[str, ...]) -> None:
        close = difflib.get_close_matches(str(key), list(known), n=1)
        hint = f": did you mean `{close[0]}`?" if close else f" (known keys: {', '.join(known)})"
        self.warning(line, f"unknown key `{key}`{hint}")


def has_errors(problems: list[Problem], strict: bool = False) -> bool:
    return any(p.is_error or strict for p in problems)
