"""PDFs with WeasyPrint: module handouts and the parts of the course book.

Each module's content is laid out once (``render_module``) and written
once, as the handout (a cover plus those pages); the module's part of the
course book is that PDF less its cover (``course.render.pdf.parts``), so the
book's pages are the handout's, byte for byte. Pages carry module-relative numbers ("Module 3 ·
4"), so a page reads the same in the handout and the book, and the book's
table of contents uses those labels, taken from where each heading actually
landed (``write_module`` returns them). The book's front and its glossary
are parts too; ``course.render.pdf.book`` puts the parts together. One
FontConfiguration serves every render of the process.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ...fingerprint import file_digest
from ...model import Course, Module
from ..environment import TEMPLATES, environment
from ..fonts import FONT_DIR, font_faces
from ..highlight import stylesheet
from .fetcher import FencedFetcher
from .parts import save_part
from .printable import printable
from .weasy import CSS, HTML, FontConfiguration

PDF_OPTIONS = {"pdf_tags": True}


class RecordingFetcher(FencedFetcher):
    """The fenced fetcher, remembering which course files a render read (images, mostly)."""

    def __init__(self, allowed_roots: list[Path], course_root: Path):
        super().__init__(allowed_roots)
        self.course_root = Path(course_root).resolve()
        self.read: set[Path] = set()

    def fetch(self, url, headers=None):
        result = super().fetch(url, headers)
        parts = urlsplit(url)
        if parts.scheme == "file":
            path = Path(unquote(parts.path)).resolve()
            if path.is_relative_to(self.course_root):
                self.read.add(path)
        return result

    def reads(self) -> dict[str, str]:
        """The course files read since the last call, with their fingerprints."""
        found = {p.relative_to(self.course_root).as_posix(): file_digest(p) for p in sorted(self.read)}
        self.read = set()
        return found


class PdfRenderer:
    """Holds the font configuration, stylesheets and fetcher for one process."""

    def __init__(self, course: Course, paper_size: str | None = None):
        self.course, self.paper_size = course, paper_size
        self.env = environment(course.language, course.interface)
        self.font_config = FontConfiguration()
        self.fetcher = RecordingFetcher([course.root, TEMPLATES, FONT_DIR], course.root)
        fonts_css = self.env.get_template("pdf/fonts.css").render(faces=font_faces(), paper_size=paper_size or course.paper_size)
        self.stylesheets = [
            CSS(string=fonts_css, font_config=self.font_config, url_fetcher=self.fetcher),
            CSS(filename=str(TEMPLATES / "pdf" / "print.css"), font_config=self.font_config, url_fetcher=self.fetcher),
            CSS(string=stylesheet(dark=False), font_config=self.font_config, url_fetcher=self.fetcher),  # code colours
        ]

    def fits(self, course: Course, paper_size: str | None = None) -> bool:
        """Whether this renderer serves ``course`` as well as a new one would (same language, folder and paper)."""
        same_paper = (paper_size or course.paper_size) == (self.paper_size or self.course.paper_size)
        return course.language == self.course.language and course.root == self.course.root and same_paper

    def render(self, template: str, base: Path | None = None, stylesheets: list | None = None, **context):
        html = self.env.get_template(template).render(course=self.course, **context)
        base_url = (base or self.course.root).resolve().as_uri() + "/"
        document = HTML(string=html, base_url=base_url, url_fetcher=self.fetcher)
        return document.render(stylesheets=stylesheets or self.stylesheets, font_config=self.font_config)

    def render_module(self, module: Module, number: int, key_terms: list):
        printed = dataclasses.replace(module, html=printable(module.html, self.course.language))  # formulas as SVG, media as notes
        return self.render("pdf/module.html", self.course.root / "modules", module=printed, number=number, key_terms=key_terms)

    def write_handout(self, module: Module, number: int, content, target: Path) -> tuple[int, bytes]:
        """The cover and the content pages, tagged; return the page count and the PDF."""
        cover = self.render("pdf/cover.html", module=module, number=number)
        document = cover.copy(cover.pages + content.pages)
        pdf = document.write_pdf(**PDF_OPTIONS)
        target.write_bytes(pdf)
        return len(document.pages), pdf

    def write_module(self, module: Module, number: int, key_terms: list, handout: Path, part: Path) -> dict:
        """Lay the module out once and write it once, as its handout; the book part is the handout less its cover."""
        self.fetcher.reads()
        content = self.render_module(module, number, key_terms)
        pages, pdf = self.write_handout(module, number, content, handout)
        try:
            part_sha256 = save_part(pdf, part, skip_pages=pages - len(content.pages))
        except ValueError:  # the cover is linked to: write the content alone
            part_sha256 = save_part(content.write_pdf(**PDF_OPTIONS), part)
        anchors = {}
        for index, page in enumerate(content.pages, start=1):
            for anchor in page.anchors:
                anchors.setdefault(anchor, index)
        landed = {h.anchor: anchors.get(h.anchor, 1) for h in module.headings}
        return {"pages": pages, "anchors": landed, "reads": self.fetcher.reads(), "part_sha256": part_sha256}

    def write_part(self, template: str, part: Path, **context) -> dict:
        """A page or pages of the book other than a module's (front, glossary), as a part; its SHA-256 and pages."""
        document = self.render(template, **context)
        return {"part_sha256": save_part(document.write_pdf(**PDF_OPTIONS), part), "pages": len(document.pages)}
