"""The linter's rules, registered by id like the question types and exporters.

A rule is a function ``check(course, settings) -> problems``; ``@rule`` adds it
to ``RULES`` with its id, a one-line description (the docs table) and its
severity (a warning unless it says otherwise). Each problem it returns carries
the rule's severity and ends with ``[rule-id]``, so authors can look it up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..model import Course
from ..problems import WARNING, Problem


@dataclass(frozen=True)
class LintSettings:
    """What a rule may need beyond the course: folders to find source documents in."""

    source_dirs: tuple[Path, ...] = field(default_factory=tuple)


Check = Callable[[Course, LintSettings], Iterable[Problem]]


@dataclass(frozen=True)
class Rule:
    id: str
    description: str
    check: Check
    severity: str = WARNING

    def run(self, course: Course, settings: LintSettings) -> list[Problem]:
        return [replace(p, severity=self.severity, message=f"{p.message} [{self.id}]") for p in self.check(course, settings)]


RULES: dict[str, Rule] = {}


def rule(rule_id: str, description: str, severity: str = WARNING):
    """Register ``check`` under ``rule_id``."""

    def register(check: Check) -> Check:
        RULES[rule_id] = Rule(rule_id, description, check, severity)
        return check

    return register
