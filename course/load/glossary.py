"""Load ``glossary.yaml``: a list of {term, abbreviation?, translation?, definition}."""

from __future__ import annotations

from pathlib import Path

from markdown.extensions.toc import slugify_unicode

from ..model import GlossaryEntry
from ..problems import Problems
from . import specs
from .fields import check_mapping, describe
from .yamlfile import item_line, parse_yaml, read_text


def load_glossary(path: Path, problems: Problems) -> list[GlossaryEntry]:
    text = read_text(path, problems)
    data = parse_yaml(text, problems) if text is not None else None
    if data is None:
        return []
    if not isinstance(data, list):
        problems.error(1, f"the glossary must be a list of entries, found {describe(data)}")
        return []
    entries, seen, anchors = [], {}, set()
    for index, item in enumerate(data):
        line = item_line(data, index)
        before = len(problems)
        if not check_mapping(item, specs.GLOSSARY_ENTRY, problems, "a glossary entry", line):
            continue
        if any(p.is_error for p in problems[before:]):
            continue
        term = item["term"].strip()
        if term in seen:
            problems.error(line, f"the term `{term}` is defined twice (first at line {seen[term]})")
            continue
        seen[term] = line
        fields = {k: v for k, v in item.items() if k in specs.GLOSSARY_ENTRY}
        entries.append(GlossaryEntry(**fields, anchor=_unique(f"term-{slugify_unicode(term, '-')}", anchors)))
    return entries


def _unique(anchor: str, taken: set[str]) -> str:
    """``anchor``, or ``anchor-2``, ``-3``... when two terms slug alike ("Risk analysis", "risk-analysis")."""
    candidate, number = anchor, 1
    while candidate in taken:
        number += 1
        candidate = f"{anchor}-{number}"
    taken.add(candidate)
    return candidate
