"""The results report of `grade --report FILE.html|FILE.pdf`: a testing office's report for the trainer.

``course.grading.statistics`` computes every figure; this module shapes them
for ``templates/report/results.html`` (charts are inline SVG drawn by the
template, so the same page works in a browser and in WeasyPrint) and writes
HTML or PDF. Interface strings come from the gettext catalogs
(``course/locale/<lang>/LC_MESSAGES/report.po``); the page is laid out in the
course's direction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from lxml import html as lxml_html

from ..grading.statistics import QuizStatistics
from ..model import text_direction
from .environment import TEMPLATES, display_letter, environment
from .fonts import FONT_DIR, font_faces
from .markdown import render_markdown

SHORT_PROMPT = 90  # characters of a prompt shown beside its question id
SHORT_OPTION = 60  # of an option, choice or item


def plain_text(markdown_text: str) -> str:
    """A prompt as plain text: Markdown rendered, markup dropped, white space folded."""
    rendered = render_markdown(markdown_text or "")
    if not rendered.strip():
        return ""
    return " ".join(lxml_html.fragment_fromstring(rendered, create_parent="div").text_content().split())


def shorten(text: str, limit: int = SHORT_PROMPT) -> str:
    """At most ``limit`` characters, cut at a word boundary, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rstrip()
    if text[limit].isspace() or text[limit - 1].isspace():  # the cut falls between words
        return cut.rstrip(" ,،;؛:.") + "…"
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,،;؛:.") + "…"


@dataclass
class ReportPage:
    """What the template needs besides the statistics."""

    language: str
    direction: str
    title: str
    pass_mark: float


def render_report_html(stats: QuizStatistics, language: str, *, for_pdf: bool = False) -> str:
    env = environment(language)
    direction = text_direction(language)
    css = (TEMPLATES / "report" / "results.css").read_text(encoding="utf-8")
    fonts = env.get_template("pdf/fonts.css").render(faces=font_faces(), paper_size="A4") if for_pdf else ""
    return env.get_template("report/results.html").render(
        stats=stats,
        page=ReportPage(language, direction, stats.quiz.title, stats.quiz.pass_mark),
        css=css,
        fonts_css=fonts,
        prompt_of=lambda q: shorten(plain_text(q.prompt)),
        shorten_option=lambda text: shorten(plain_text(text), SHORT_OPTION),
        label=lambda i: display_letter(i, language),
        letter_label=lambda value: _letter_label(value, language),
        letter_list=lambda values: ("، " if direction == "rtl" else ", ").join(_letter_label(v, language) for v in values),
        rtl=direction == "rtl",
    )


def _letter_label(value: str, language: str) -> str:
    """A file-order letter as the course shows it (أ ب ج in Arabic)."""
    if re.fullmatch("[a-z]", value or ""):
        return display_letter(ord(value) - ord("a"), language)
    return value


def write_report(stats: QuizStatistics, language: str, target: Path) -> None:
    """HTML or PDF by the target's suffix (``.pdf``: PDF, else HTML)."""
    if target.suffix.lower() == ".pdf":
        target.write_bytes(render_report_pdf(stats, language))
    else:
        target.write_text(render_report_html(stats, language), encoding="utf-8")


def render_report_pdf(stats: QuizStatistics, language: str) -> bytes:
    from .pdf.fetcher import FencedFetcher
    from .pdf.weasy import HTML, FontConfiguration

    fetcher = FencedFetcher([TEMPLATES, FONT_DIR])
    document = HTML(string=render_report_html(stats, language, for_pdf=True), base_url=TEMPLATES.as_uri() + "/", url_fetcher=fetcher)
    return document.write_pdf(font_config=FontConfiguration(), pdf_tags=True)
