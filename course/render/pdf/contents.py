"""The course book's table of contents, from where each module's headings landed."""

from __future__ import annotations

from dataclasses import dataclass

from ...model import Course
from ..i18n import translate


@dataclass
class TocEntry:
    kind: str
    text: str
    page: str


def book_contents(course: Course, anchors: dict[str, dict[str, int]]) -> list[TocEntry]:
    """Each module and its sections, labelled like the pages they start on ("Module 3 · 4")."""

    def label(message, **values):
        return translate(course.language, message, interface=course.interface, **values)

    toc = []
    for number, module in enumerate(course.modules, start=1):
        module_label = label("Module %(n)s", n=number)
        toc.append(TocEntry("module", f"{module_label}{label(':')} {module.title}", f"{module_label} · 1"))
        for heading in module.headings:
            if heading.level == 2:
                toc.append(TocEntry("section", heading.text, f"{module_label} · {anchors[module.id].get(heading.anchor, 1)}"))
    if course.glossary:
        toc.append(TocEntry("module", label("Glossary"), f"{label('Glossary')} · 1"))
    return toc
