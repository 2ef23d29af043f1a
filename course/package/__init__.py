"""Stage four of the pipeline: package a loaded course for learning platforms.

Every exporter is registered by name in ``EXPORTERS`` with the ``@exporter``
decorator (the same registry a later SCORM exporter or an author's extension
uses). An exporter takes the course and the output folder and returns what it
wrote, one ``Written`` per file, for ``manifest.json``.

Quiz exports go to ``OUT/lms/``, one file per quiz and format:
``<quiz-id>-qti.zip``, ``<quiz-id>.moodle.xml`` and ``<quiz-id>.gift``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..model import Course


@dataclass(frozen=True)
class Written:
    path: Path
    kind: str
    quiz: str | None = None


Exporter = Callable[[Course, Path], list[Written]]

EXPORTERS: dict[str, Exporter] = {}


def exporter(name: str) -> Callable[[Exporter], Exporter]:
    """Register a function as the exporter called ``name``."""

    def register(function: Exporter) -> Exporter:
        EXPORTERS[name] = function
        return function

    return register


def lms_dir(out_dir: Path) -> Path:
    folder = Path(out_dir) / "lms"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def export_all(course: Course, out_dir: Path, names: list[str] | None = None) -> list[Written]:
    """Run the named exporters (default: all registered) in registry order."""
    written: list[Written] = []
    for name in names or list(EXPORTERS):
        written += EXPORTERS[name](course, out_dir)
    return written


# The built-in exporters register themselves on import, in this order (the registry's):
# the quiz exports and SCORM first, then the Common Cartridge and cmi5 packages.
# isort: off
from . import gift, moodle, qti, qti12, scorm  # noqa: E402,F401
from . import common_cartridge, cmi5  # noqa: E402,F401
# isort: on
