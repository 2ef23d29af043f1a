"""Glossary terms that no module uses."""

from __future__ import annotations

import re

from ..model import Course, GlossaryEntry
from ..problems import Problems
from .locate import glossary_entries, line_of
from .registry import rule
from .text import folded, plain


@rule("unused-term", "a glossary term (or its abbreviation) appears in no module body")
def unused_terms(course: Course, settings) -> Problems:
    found = Problems("glossary.yaml")
    raw = "\n".join(plain(m.body_markdown) for m in course.modules)
    bodies = folded(raw)
    entries = glossary_entries(course) if course.glossary else {}
    for entry in course.glossary:
        if not _used(entry, bodies, raw):
            line = line_of(entries.get(entry.term), "term", None)
            found.warning(line, f"the term `{entry.term}` is used in no module: use it, or drop it from the glossary")
    return found


def _used(entry: GlossaryEntry, bodies: str, raw: str) -> bool:
    if folded(entry.term) in bodies:
        return True
    # a Latin abbreviation stands as a word ("RA" is not in "Rather"), but Arabic
    # prefixes join it: "وAPI"
    pattern = rf"(?<![0-9A-Za-z]){re.escape(entry.abbreviation or '')}(?![0-9A-Za-z])"
    return bool(entry.abbreviation) and re.search(pattern, raw) is not None
