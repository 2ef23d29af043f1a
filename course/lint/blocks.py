"""Split Markdown source into the units a reader sees as separate paragraphs.

Each paragraph, list item, heading, table cell, block-quote paragraph and
admonition title is one unit, with the source line it starts on. Fenced code,
link and abbreviation definitions are left out; the words are ``plain``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from .text import plain

FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
DEFINITION = re.compile(r"^\s*\*?\[[^\]]+\]:")  # [ref]: url, *[ABBR]: text
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
LIST_ITEM = re.compile(r"^(?:[-*+]|\d+[.)])\s+(.*)$")
ADMONITION = re.compile(r'^(?:!!!|\?\?\?\+?)\s*\S+(?:\s+"(.*)")?\s*$')
QUOTE = re.compile(r"^(?:>\s?)+(.*)$")
TABLE_RULE = re.compile(r"^\|?[\s:|-]+\|?$")


@dataclass
class Unit:
    line: int
    parts: list[str] = field(default_factory=list)
    quoted: bool = False
    one_line: bool = False  # headings, admonition titles, table cells take no continuation

    @property
    def text(self) -> str:
        return plain(" ".join(self.parts)).strip()


def units(markdown: str, first_line: int = 1) -> Iterator[Unit]:
    """Every unit of ``markdown`` whose first line is ``first_line`` of its file."""
    current, fence = None, None
    for number, raw in enumerate(markdown.splitlines(), start=first_line):
        opened = FENCE.match(raw)
        if fence:
            fence = None if opened and opened.group(1)[0] == fence else fence
            continue
        if opened or not raw.strip() or DEFINITION.match(raw) or _table_rule(raw):
            fence = opened.group(1)[0] if opened else None
            yield from _flush(current)
            current = None
            continue
        started = list(_starts(raw.strip(), number))
        if current is not None and _continues(current, started):
            current.parts.append(started[0].parts[0] if started else raw.strip())
            continue
        yield from _flush(current)
        current = started.pop() if started else Unit(number, [raw.strip()])
        yield from (u for u in started if u.text)
    yield from _flush(current)


def _continues(current: Unit, started: list[Unit]) -> bool:
    """A plain line goes on the paragraph above; so does a quoted line on a quoted one."""
    if current.one_line:
        return False
    if not started:
        return True
    return current.quoted and len(started) == 1 and started[0].quoted


def _table_rule(raw: str) -> bool:
    return "|" in raw and TABLE_RULE.match(raw.strip()) is not None


def _flush(unit: Unit | None) -> Iterator[Unit]:
    if unit is not None and unit.text:
        yield unit


def _starts(line: str, number: int) -> Iterator[Unit]:
    """The units a line opens, if it opens any (a table row opens one per cell)."""
    quoted = QUOTE.match(line)
    line = quoted.group(1).strip() if quoted else line
    for pattern in (HEADING, LIST_ITEM, ADMONITION):
        match = pattern.match(line)
        if match:
            yield Unit(number, [match.group(1) or ""], one_line=pattern is not LIST_ITEM)
            return
    if line.startswith("|"):
        yield from (Unit(number, [cell], one_line=True) for cell in line.strip("|").split("|"))
    elif quoted:
        yield Unit(number, [line], quoted=True)
