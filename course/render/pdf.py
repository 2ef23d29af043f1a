"""PDFs with WeasyPrint: module handouts and the course book.

Each module's content is laid out once (``render_module``); its handout is a
cover plus those pages, and the course book reuses the same pages after its
own cover and contents. Pages carry module-relative numbers ("Module 3 · 4"),
so a page reads the same in the handout and the book, and the book's table of
contents uses those labels, taken from where each heading actually landed.
One FontConfiguration serves every render of the process.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from ..model import Course, Module
from .environment import TEMPLATES, environment
from .fetcher import FencedFetcher
from .fonts import FONT_DIR, font_faces
from .i18n import translate

PDF_OPTIONS = {"pdf_tags": True}


@dataclass
class TocEntry:
    kind: str
    text: str
    page: str


class PdfRenderer:
    """Holds the font configuration, stylesheets and fetcher for one process."""

    def __init__(self, course: Course, paper_size: str | None = None):
        self.course = course
        self.env = environment(course.language)
        self.font_config = FontConfiguration()
        self.fetcher = FencedFetcher([course.root, TEMPLATES, FONT_DIR])
        fonts_css = self.env.get_template("pdf/fonts.css").render(faces=font_faces(), paper_size=paper_size or course.paper_size)
        self.stylesheets = [
            CSS(string=fonts_css, font_config=self.font_config, url_fetcher=self.fetcher),
            CSS(filename=str(TEMPLATES / "pdf" / "print.css"), font_config=self.font_config, url_fetcher=self.fetcher),
        ]

    def render(self, template: str, base: Path | None = None, **context):
        html = self.env.get_template(template).render(course=self.course, **context)
        base_url = (base or self.course.root).resolve().as_uri() + "/"
        document = HTML(string=html, base_url=base_url, url_fetcher=self.fetcher)
        return document.render(stylesheets=self.stylesheets, font_config=self.font_config)

    def render_module(self, module: Module, number: int, key_terms: list):
        return self.render("pdf/module.html", self.course.root / "modules", module=module, number=number, key_terms=key_terms)

    def write_handout(self, module: Module, number: int, content, target: Path) -> int:
        cover = self.render("pdf/cover.html", module=module, number=number)
        document = cover.copy(cover.pages + content.pages)
        document.write_pdf(target, **PDF_OPTIONS)
        return len(document.pages)

    def write_book(self, modules: list[tuple[Module, int, object]], target: Path) -> int:
        def label(message, **values):
            return translate(self.course.language, message, **values)

        toc = []
        for module, number, content in modules:
            module_label = label("Module %(n)s", n=number)
            toc.append(TocEntry("module", f"{module_label}: {module.title}", f"{module_label} · 1"))
            for heading in module.headings:
                if heading.level == 2:
                    toc.append(TocEntry("section", heading.text, f"{module_label} · {_page_of(content, heading.anchor)}"))
        pages = []
        if self.course.glossary:
            glossary = self.render("pdf/glossary.html")
            toc.append(TocEntry("module", label("Glossary"), f"{label('Glossary')} · 1"))
            pages = glossary.pages
        front = self.render("pdf/book-front.html", toc=toc)
        body = [page for _, _, content in modules for page in content.pages]
        document = front.copy(front.pages + body + pages)
        document.write_pdf(target, **PDF_OPTIONS)
        return len(document.pages)


def _page_of(document, anchor: str) -> int:
    for index, page in enumerate(document.pages, start=1):
        if anchor in page.anchors:
            return index
    return 1
