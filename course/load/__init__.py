"""Load a course folder into the typed model, collecting every problem.

Stage one of the pipeline (load -> model -> render -> package): nothing after
this reads YAML or Markdown files.
"""

from __future__ import annotations

from .course import load_course

__all__ = ["load_course"]
