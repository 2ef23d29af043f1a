"""What each output is made of: the key an output is reused by.

Every key holds the engine's fingerprint and the templates the output is
rendered with (each with what it extends or includes), plus the model
values its template reads, and no others:

| output | made of |
| --- | --- |
| module page | the module; its number; its neighbours' and quizzes' ids and titles; its key terms; whether it has a handout |
| site index | every module's front matter (not its body) and quiz links; whether there is a book |
| glossary page | the glossary |
| quiz page | the quiz (with its pass mark); its module's id, title and number; whether it has a sheet |
| handout and book part | the module, its number, its key terms; paper size, fonts, style sheets, code colours; the course folder |
| quiz sheet and key | the quiz; its module's id, title, number and trainer notes; paper size, fonts, style sheets |
| book front | the contents: titles, numbers, headings and the page each landed on |
| course book | the fingerprints of its parts, in order |
| quiz export (QTI, Moodle, GIFT) | the quiz |
| course package (SCORM, ...) | the whole model, every template, and every file written before it |

Every site page also has the course settings (title, language, ...) and
whether there is a glossary (the header links to it). ``pass_mark`` and the
module order reach pages only through quizzes and module numbers, so
changing them rebuilds only what shows them. Pages see other modules and
quizzes as a ``Link``, so a template cannot read more of them than its key holds.
"""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

from .. import fingerprint
from ..model import Course, Module, Quiz
from ..render.environment import TEMPLATES, environment
from ..render.fonts import font_files
from ..render.highlight import stylesheet
from ..render.site.pages import Link, link

# Exporters whose every file is one quiz's, made from that quiz and the course settings.
QUIZ_EXPORTERS = frozenset({"qti", "qti12", "moodle-xml", "gift"})
SETTINGS = ("title", "subtitle", "organisation", "description", "version", "language", "interface")
PDF_STYLE = ("pdf/fonts.css", "pdf/print.css", "pdf/content.css")  # print.css imports content.css


def _module_view(module: Module) -> dict:
    """``learner_view`` with the body as its SHA-256: the HTML and headings are made from the body alone
    (by the Markdown library, whose version is in the engine's fingerprint), so they add nothing to a key."""
    view = learner_view(module)
    for derived in ("html", "headings", "body_markdown"):
        view.pop(derived)
    return {**view, "body": hashlib.sha256(module.body_markdown.encode("utf-8")).hexdigest()}


def learner_view(module: Module) -> dict:
    """A module as learners see it: everything but the trainer's notes."""
    hidden = fingerprint.LOCATION_FIELDS | {"trainer_notes_markdown"}
    return {f.name: getattr(module, f.name) for f in dataclasses.fields(module) if f.name not in hidden}


class Keys:
    def __init__(self, course: Course, paper_size: str):
        self.course = course
        self._digests: dict[tuple[str, str], str] = {}
        self.templates = fingerprint.Templates(environment(course.language, course.interface), TEMPLATES)
        self.common = {"engine": fingerprint.engine(), "settings": {name: getattr(course, name) for name in SETTINGS}}
        self.site = {**self.common, "glossary": bool(course.glossary)}
        fonts = {path.name: fingerprint.file_digest(path) for path in font_files()}
        self.pdf = {
            **self.common,
            "paper": paper_size,
            "root": str(Path(course.root).resolve()),
            "fonts": fonts,
            "style": self.templates(*PDF_STYLE),
            "code_style": fingerprint.digest(stylesheet(dark=False)),  # the code colours, from Pygments
        }

    def of(self, item: Module | Quiz) -> str:
        """The fingerprint of a module (as learners see it) or a quiz, taken once per build: several keys hold it."""
        name = (type(item).__name__, item.id)
        if name not in self._digests:
            self._digests[name] = fingerprint.digest(_module_view(item) if isinstance(item, Module) else item)
        return self._digests[name]

    def _key(self, output: str, templates: tuple[str, ...], common: dict, **values) -> str:
        return fingerprint.digest({"output": output, "templates": self.templates(*templates), **common, **values})

    # the site

    def module_page(self, module: Module, number: int, previous: Link | None, next: Link | None, pdf: str | None) -> str:
        quizzes = [link(q) for q in self.course.quizzes_for(module.id)]
        return self._key(
            "module-html",
            ("site/module.html",),
            self.site,
            module=self.of(module),
            number=number,
            previous=previous,
            next=next,
            pdf=pdf,
            quizzes=quizzes,
            key_terms=self.course.key_terms(module),
            glossary=self.course.glossary,  # its terms are linked, their definitions shown (glossary_links)
        )

    def site_index(self, book: str | None) -> str:
        outline = [
            {
                **{k: v for k, v in learner_view(m).items() if k not in ("body_markdown", "html", "headings")},
                "quizzes": [link(q) for q in self.course.quizzes_for(m.id)],
            }
            for m in self.course.modules
        ]
        return self._key("site-index", ("site/index.html",), self.site, modules=outline, book=book)

    def glossary_page(self) -> str:
        return self._key("glossary-html", ("site/glossary.html",), self.site, glossary=self.course.glossary)

    def learners_page(self) -> str:
        return self._key("learners-html", ("site/learners.html",), self.site)

    def quiz_page(self, quiz: Quiz, module: Link | None, number: int | None, sheet: str | None) -> str:
        return self._key("quiz-html", ("site/quiz.html",), self.site, quiz=self.of(quiz), module=module, number=number, sheet=sheet)

    # the PDFs

    def module_pdf(self, module: Module, number: int) -> str:
        return self._key(
            "module-pdf",
            ("pdf/module.html", "pdf/cover.html"),
            self.pdf,
            module=self.of(module),
            number=number,
            key_terms=self.course.key_terms(module),
        )

    def quiz_papers(self, quiz: Quiz, module: Module | None, number: int | None) -> str:
        shown = {"id": module.id, "title": module.title, "notes": module.trainer_notes_markdown} if module else None
        templates = ("pdf/quiz-sheet.html", "pdf/quiz-key.html", "pdf/quiz.css", "pdf/quiz-bubbles.html", "pdf/bubbles.css")
        return self._key("quiz-papers", templates, self.pdf, quiz=self.of(quiz), module=shown, number=number)

    def glossary_part(self) -> str:
        return self._key("glossary-part", ("pdf/glossary.html",), self.pdf, glossary=self.course.glossary)

    def front_part(self, toc: list) -> str:
        return self._key("front-part", ("pdf/book-front.html",), self.pdf, toc=toc)

    def book(self, parts: list[str]) -> str:
        return fingerprint.digest({"output": "course-pdf", **self.common, "parts": parts})

    # the LMS packages

    def quiz_export(self, exporter: str, quiz: Quiz) -> str:
        return fingerprint.digest({"output": exporter, **self.common, "quiz": self.of(quiz)})

    def course_export(self, exporter: str, written: list) -> str:
        everything = {"course": self.course, "templates": fingerprint.folder_digests(TEMPLATES), "written": written}
        return fingerprint.digest({"output": exporter, **self.common, **everything})
