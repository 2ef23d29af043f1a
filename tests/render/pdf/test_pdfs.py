"""PDFs read back: fonts embedded, text in logical order, bookmarks, contents, tags."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from course.build.pipeline import BuildOptions, build_course
from tests.pdftext import flat, page_texts, pdffonts, pdftotext, words

MIXED = "قارن الضابط بيانات API مع سجل PNR وفق المرفق 9 (ICAO Annex 9) والقرار 2396 (2017) قبل وصول الرحلة."


@pytest.fixture(scope="module")
def arabic_build(tmp_path_factory) -> Path:
    """A tiny right-to-left course holding a mixed Arabic/Latin sentence."""
    root = tmp_path_factory.mktemp("arabic")
    (root / "modules").mkdir()
    (root / "course.yaml").write_text("title: دورة تجريبية\nlanguage: ar\n", encoding="utf-8")
    body = f"## فحص البيانات\n\n{MIXED}\n\n## المرحلة الثانية\n\nيراجع المحلل قائمة الركاب ويقارنها بقوائم المراقبة.\n"
    (root / "modules" / "data-check.md").write_text(f"---\ntitle: فحص بيانات الرحلة\n---\n{body}", encoding="utf-8")
    out = root / "dist"
    build_course(root, BuildOptions(out=out))
    return out


def _pdfs(folder: Path) -> list[Path]:
    return sorted((folder / "pdf").rglob("*.pdf"))


@pytest.mark.parametrize("which", ["english_build", "arabic_build"])
def test_every_font_is_embedded_and_is_the_course_font(which, request):
    folder = request.getfixturevalue(which)
    for pdf in _pdfs(folder):
        fonts = pdffonts(pdf)
        assert fonts, f"{pdf.name}: no fonts"
        for font in fonts:
            assert font["emb"] == "yes", f"{pdf.name}: {font['name']} not embedded"
            assert "Amiri" in font["name"], f"{pdf.name}: fallback font {font['name']} used"


def test_english_paragraphs_read_in_order(english_build: Path):
    text = flat(pdftotext(english_build / "pdf" / "customs-basics.pdf"))
    for paragraph in (
        "Customs officers protect revenue and safety. Every vessel arrives with a manifest, a list of the cargo it carries,",
        "The officer compared the API data with the PNR record and quoted ICAO Annex 9 and resolution 2396 (2017) in her report.",
    ):
        assert paragraph in text


def test_mixed_arabic_latin_sentence_reads_in_logical_order(arabic_build: Path):
    """Words come back in the order they were written.

    pdftotext mirrors brackets and flips a digit group sitting inside an LTR run
    when it rebuilds logical order from an RTL line, so brackets are dropped
    and the comparison is per word; the visual order is checked by looking at
    rendered pages (README, "Look at what you make").
    """
    text = pdftotext(arabic_build / "pdf" / "data-check.pdf")
    expected = [w for w in words(MIXED) if not w.isdigit()]
    found = [w for w in words(text) if not w.isdigit()]
    start = found.index(expected[0])
    assert found[start : start + len(expected)] == expected
    for number in ("2396", "2017", "9"):
        assert number in words(text)


def test_each_module_has_a_bookmark(english_build: Path, arabic_build: Path):
    book = PdfReader(english_build / "pdf" / "course-book.pdf")
    titles = [item["/Title"] for item in book.outline if not isinstance(item, list)]
    assert "Customs basics" in titles and "Risk profiling" in titles
    handout = PdfReader(arabic_build / "pdf" / "data-check.pdf")
    flat_titles = [i["/Title"] for i in _walk(handout.outline)]
    assert "فحص بيانات الرحلة" in flat_titles and "فحص البيانات" in flat_titles


def _walk(outline):
    for item in outline:
        if isinstance(item, list):
            yield from _walk(item)
        else:
            yield item


def test_book_bookmarks_point_at_the_pages_where_modules_start(english_build: Path):
    book = PdfReader(english_build / "pdf" / "course-book.pdf")
    texts = page_texts(english_build / "pdf" / "course-book.pdf")
    for item in _walk(book.outline):
        page = book.get_destination_page_number(item)
        assert item["/Title"] in flat(texts[page]), f"bookmark {item['/Title']} points at page {page + 1}"


def test_book_contents_labels_match_the_pages(english_build: Path):
    """Every entry of the table of contents names the label printed on the page where it starts."""
    texts = [flat(t) for t in page_texts(english_build / "pdf" / "course-book.pdf")]
    label_of = {}
    for index, text in enumerate(texts):
        footer = re.findall(r"((?:Module \d+|Glossary|Contents) · \d+)", text)
        if footer:
            label_of[footer[-1]] = index
    contents = next(t for t in texts if t.startswith("Port Health") and "Contents" in t and "Module 1 · 1" in t)
    entries = re.findall(r"(Module \d+: [A-Za-z ]+?|[A-Z][a-z][A-Za-z ]+?) \.*\s*((?:Module \d+|Glossary) · \d+)", contents)
    assert len(entries) >= 5, contents
    for heading, label in entries:
        heading = heading.split(": ", 1)[-1].strip()
        assert label in label_of, f"no page is labelled {label}"
        assert heading in texts[label_of[label]], f"{heading!r} is not on the page labelled {label}"


def test_pdfs_are_tagged_with_the_course_language(english_build: Path, arabic_build: Path):
    for folder, language in ((english_build, "en"), (arabic_build, "ar")):
        for pdf in _pdfs(folder):
            root = PdfReader(pdf).trailer["/Root"]
            assert root.get("/Lang") == language, pdf
            assert "/StructTreeRoot" in root, f"{pdf.name} is not tagged"
            assert root["/MarkInfo"]["/Marked"], pdf


def test_handout_starts_with_a_cover(english_build: Path):
    texts = [flat(t) for t in page_texts(english_build / "pdf" / "customs-basics.pdf")]
    assert "Port Health and Customs Basics" in texts[0] and "Module 1" in texts[0] and "Customs basics" in texts[0]
    assert "Module 1 · 1" in texts[1] and "Objectives" in texts[1]
    assert any("Key terms" in t and "Manifest" in t for t in texts)


def test_pdf_renderer_reads_nothing_outside_the_course(english_copy: Path, tmp_path: Path):
    secret = tmp_path / "secret.png"
    secret.write_bytes((english_copy / "modules" / "customs-basics" / "terminal.png").read_bytes())
    outside = os.path.relpath(secret, english_copy / "modules")  # a relative URL: the sanitizer keeps it, the fetcher must not read it
    module = english_copy / "modules" / "risk-profiling.md"
    module.write_text(
        module.read_text(encoding="utf-8") + f'\n<img alt="x" src="{outside}">\n<img alt="y" src="http://127.0.0.1:9/x.png">\n',
        encoding="utf-8",
    )
    from course.load import load_course
    from course.render.markdown import render_modules
    from course.render.pdf.handout import PdfRenderer

    course, _ = load_course(english_copy)
    warnings = [str(p) for p in render_modules(course)]
    assert any(f"`{outside}` is not a file inside the course" in w for w in warnings), warnings
    assert any('removed src="http://127.0.0.1:9/x.png" from <img>' in w for w in warnings), warnings
    renderer = PdfRenderer(course)
    renderer.render_module(course.modules[1], 2, [])
    assert secret.as_uri() in renderer.fetcher.blocked
    assert "127.0.0.1" not in course.modules[1].html  # taken out before the PDF is laid out
    assert renderer.fetcher.allows((english_copy / "modules" / "customs-basics" / "terminal.png").as_uri())
