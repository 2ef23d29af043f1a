"""Glossary terms on a module page: the first use of each term links to its entry.

An HTML post-processing step on the module's rendered HTML (lxml's HTML
parser, never regular expressions over markup). In the text of the module,
outside links, code, headings and form controls, the first occurrence of
each glossary term (or of its abbreviation) becomes

    <span class="glossary-term"><a class="glossary-link" href="../glossary.html#<anchor>"
      aria-describedby="glossary-tip-N">term</a><span class="glossary-tip" role="tooltip"
      id="glossary-tip-N">definition</span></span>

The definition shows on hover and on keyboard focus (site.css), in
right-to-left and left-to-right pages alike (logical properties); Escape
hides it (tips.js). An Arabic term may carry the attached prefixes و ف ب ك ل
(«وجواز السفر»): the prefix stays outside the link. Longer terms are tried
first, so «سجلات أسماء الركاب الحكومية» is not taken for «سجلات أسماء الركاب».
A module with no term keeps its HTML byte for byte.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.html

from ...model import GlossaryEntry
from .fragments import parse, serialize

SKIPPED = {
    "a",
    "code",
    "pre",
    "kbd",
    "samp",
    "script",
    "style",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "button",
    "label",
    "select",
    "textarea",
    "svg",
    "math",
}
PREFIXES = "[وفبكل]{0,2}"


@dataclass(frozen=True)
class _Term:
    entry: GlossaryEntry
    pattern: re.Pattern


def _patterns(glossary: list[GlossaryEntry]) -> list[_Term]:
    found = []
    for entry in glossary:
        names = [entry.term] + ([entry.abbreviation] if entry.abbreviation else [])
        for name in names:
            words = [re.escape(word) for word in name.split()]
            if not words:
                continue
            body = r"\s+".join(words)
            arabic = re.search("[\u0600-\u06ff]", name) is not None
            before = rf"(?<![\w\u0600-\u06ff]){PREFIXES if arabic else ''}"
            flags = 0 if name.isupper() else re.IGNORECASE
            found.append((len(name), _Term(entry, re.compile(rf"{before}(?P<term>{body})(?![\w\u0600-\u06ff])", flags))))
    found.sort(key=lambda pair: -pair[0])
    return [term for _, term in found]


def _slots(element):
    """Every text slot outside skipped elements, in document order: (element, "text" | "tail")."""
    if element.text:
        yield element, "text"
    for child in element:
        if isinstance(child.tag, str) and child.tag not in SKIPPED:
            yield from _slots(child)
        if child.tail:
            yield child, "tail"


def link_glossary_terms(html: str, glossary: list[GlossaryEntry], glossary_href: str) -> str:
    """``html`` with each glossary term's first use linked, its definition as a tooltip."""
    if not glossary or not html.strip():
        return html
    terms = _patterns(glossary)
    root = parse(html)
    done: set[str] = set()
    counter = 0
    changed = False
    # Walk the slots again after each change: a new link splits a text slot in two.
    progress = True
    while progress:
        progress = False
        for element, where in _slots(root):
            text = element.text if where == "text" else element.tail
            best = None
            for term in terms:
                if term.entry.anchor in done:
                    continue
                match = term.pattern.search(text)
                if match and (best is None or match.start("term") < best[1].start("term")):
                    best = (term, match)
            if best is None:
                continue
            term, match = best
            counter += 1
            _insert(element, where, text, match, term.entry, glossary_href, counter)
            done.add(term.entry.anchor)
            changed = progress = True
            break
    if not changed:
        return html
    return serialize(root)


def _insert(element, where, text, match, entry: GlossaryEntry, href: str, number: int) -> None:
    start, end = match.start("term"), match.end("term")
    wrapper = lxml.html.Element("span", {"class": "glossary-term"})
    link = lxml.html.Element(
        "a", {"class": "glossary-link", "href": f"{href}#{entry.anchor}", "aria-describedby": f"glossary-tip-{number}"}
    )
    link.text = text[start:end]
    tip = lxml.html.Element("span", {"class": "glossary-tip", "role": "tooltip", "id": f"glossary-tip-{number}"})
    tip.text = entry.definition
    wrapper.append(link)
    wrapper.append(tip)
    wrapper.tail = text[end:]
    if where == "text":
        element.text = text[:start]
        element.insert(0, wrapper)
    else:
        element.tail = text[:start]
        parent = element.getparent()
        parent.insert(parent.index(element) + 1, wrapper)
