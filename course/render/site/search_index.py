"""The site's search index: the course's text by section, as a script the pages load.

The index ships as ``assets/search-index.js`` (``course.build.site_stage``),
a plain script setting ``window.CourseSearchIndex``, so search works from
``file://`` (no ``fetch``) and inside the LMS packages (the pages'
``<script src>`` takes it in). ``templates/assets/js/search.js`` builds a
MiniSearch index from it when the learner first uses the search box.

It holds:

- ``docs``: one row per section of a module (split at its ``h2``/``h3``
  headings; the text before the first heading goes with the module's title,
  summary and objectives), and one per glossary entry (term, abbreviation,
  translation, definition): ``[page, anchor, module title, heading, text]``;
- ``normalize``: the grading core's table (``course.grading.rules``:
  diacritics, tatweel and invisible marks removed, alef, ya, ta marbuta, kaf
  and digit variants folded) as ``{"remove": [code points], "map": {char:
  replacement}}``, so the box reads Arabic exactly as a short answer is
  compared (the shared vectors in ``tests/vectors/normalize.json`` hold both
  sides to it).
"""

from __future__ import annotations

import json

import lxml.html

from ...grading.rules import TEXT_TABLE
from ...model import Course
from ..i18n import translate

HEADINGS = {"h2", "h3"}
SKIPPED = {"script", "style", "template"}


# The box's strings (``%(name)s`` filled by search.js).
SCRIPT_MESSAGES = {
    "results": "Results for “%(query)s”: %(count)s",
    "none": "No results for “%(query)s”",
}


def search_messages(language: str, interface: tuple[tuple[str, str], ...] = ()) -> dict:
    return {name: translate(language, message, interface=interface) for name, message in SCRIPT_MESSAGES.items()}


def normalize_table() -> dict:
    remove = sorted(code for code, value in TEXT_TABLE.items() if value is None)
    mapping = {chr(code): value for code, value in sorted(TEXT_TABLE.items()) if value is not None}
    return {"remove": remove, "map": mapping}


def _text(element) -> str:
    return " ".join("".join(element.itertext()).split())


def module_sections(html: str) -> list[tuple[str, str, str]]:
    """(anchor, heading, text) for each section of a module's HTML; the first has no heading."""
    if not html.strip():
        return []
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    sections: list[tuple[str, str, list[str]]] = [("", "", [])]
    for child in root:
        if not isinstance(child.tag, str) or child.tag in SKIPPED:
            continue
        if child.tag in HEADINGS:
            sections.append((child.get("id") or "", _text(child), []))
        else:
            sections[-1][2].append(_text(child))
    return [(anchor, heading, " ".join(filter(None, parts))) for anchor, heading, parts in sections if heading or parts]


def search_documents(course: Course) -> list[list[str]]:
    docs: list[list[str]] = []
    for number, module in enumerate(course.modules, start=1):
        title = translate(course.language, "Module %(n)s", interface=course.interface, n=number) + ": " + module.title
        page = f"modules/{module.id}.html"
        intro = " ".join(filter(None, [module.summary or "", *(module.objectives or [])]))
        sections = module_sections(module.html)
        if sections and not sections[0][1]:
            intro = " ".join(filter(None, [intro, sections.pop(0)[2]]))
        docs.append([page, "", title, module.title, intro])
        for anchor, heading, text in sections:
            docs.append([page, anchor, title, heading, text])
    glossary = translate(course.language, "Glossary", interface=course.interface)
    for entry in course.glossary or []:
        heading = entry.term + (f" ({entry.abbreviation})" if entry.abbreviation else "")
        text = " ".join(filter(None, [entry.abbreviation or "", entry.translation or "", entry.definition]))
        docs.append(["glossary.html", entry.anchor, glossary, heading, text])
    return docs


def search_index_script(course: Course) -> str:
    data = {"version": 1, "language": course.language, "normalize": normalize_table(), "docs": search_documents(course)}
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # Inside a script, "</" could end it in an inline copy and U+2028/9 were line ends before ES2019: escape them.
    text = text.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"window.CourseSearchIndex = {text};\n"
