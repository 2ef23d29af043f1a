"""``check`` beyond structure: what an item writer or editor would point out.

One small module per family of rules (glossary, coverage, questions, sources,
placeholders, bidi); each registers its rules in ``registry.RULES``. The
structural checks (keys, types, links, images) stay in the loaders and the
Markdown renderer; these rules run on a course that loaded without errors.
"""

from __future__ import annotations

from ..model import Course
from ..problems import Problem
from . import bidi, coverage, glossary, items, placeholders, questions, sources, terminology  # noqa: F401 - registers the rules
from .registry import RULES, LintSettings, Rule, rule

__all__ = ["RULES", "LintSettings", "Rule", "lint_course", "rule"]


def lint_course(course: Course, settings: LintSettings | None = None) -> list[Problem]:
    """Every rule's problems, sorted by file and line."""
    settings = settings or LintSettings()
    found = [problem for item in RULES.values() for problem in item.run(course, settings)]
    return sorted(found, key=lambda p: (p.path, p.line or 0))
