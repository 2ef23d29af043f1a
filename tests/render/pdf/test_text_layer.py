"""The PDFs' text layer read back by three extractors, and their PDF/UA identification.

One build of the shipped course and one of the English fixture course (the
session fixtures of ``tests/conftest.py``) serve every test here. The
measure is ``bench/pdftext.py``'s: the share of extracted words (two letters
or more) that are not words of the course's own text.
"""

from __future__ import annotations

import collections
import hashlib
import re
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

from tests.pdftext import flat, need_poppler, pdftotext, words

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "bench"))
import pdftext as measure  # noqa: E402 - bench/pdftext.py, the measure the docs quote

ENGLISH = REPO / "tests" / "fixtures" / "english-course"
# A paragraph of modules/api.md with Latin abbreviations and numbers inside Arabic lines.
MIXED = (
    "سجلات أسماء الركاب (PNR)، وهذا اسمها في النص العربي لقرار مجلس الأمن 2396، شيء مختلف: إنها بيانات الحجز التي يحتفظ بها "
    "الناقل في نظامه، مثل خط سير الرحلة ووسيلة الدفع وبيانات الاتصال."
)


def _pdfs(folder: Path) -> list[Path]:
    return sorted((folder / "pdf").rglob("*.pdf"))


@pytest.fixture(scope="module")
def vocabulary() -> dict[str, set[str]]:
    return {"ar": measure.source_vocabulary(REPO), "en": measure.source_vocabulary(ENGLISH)}


def _share(pdfs: list[Path], extractor: str, vocabulary: set[str]) -> tuple[float, collections.Counter]:
    total, broken = 0, collections.Counter()
    for pdf in pdfs:
        count, found = measure.broken_words(measure.extract(pdf, extractor), vocabulary)
        total += count
        broken.update(found)
    return sum(broken.values()) / total, broken


# -- the glyphs' text -------------------------------------------------------------------------------------------


def test_a_letter_drawn_with_two_glyphs_is_given_to_one_of_them():
    """Amiri draws some lams with two glyphs: the letter must not be counted twice («الإللكتروني»)."""
    from course.render.pdf.textlayer import glyph_texts

    text = "كل".encode()  # two letters, two bytes each; right to left, the glyphs come in visual order
    assert glyph_texts([2, 2, 0], len(text), text, rtl=True) == ["", "ل", "ك"]
    assert glyph_texts([0, 2], len(text), text, rtl=False) == ["ك", "ل"]
    marks = "َّ".encode()  # fatha and shadda in one cluster, two glyphs: one mark each, in logical order
    assert glyph_texts([0, 0], len(marks), marks, rtl=True) == ["ّ", "َ"]


SAMPLE = (  # harakat, tanween before a comma and a colon, a lam-alef, Latin and digits inside Arabic lines
    "تُرسل البيانات مسافراً مسافراً، وفُسّر تفسيراً ضيقاً: الإلكتروني لا يُحذف.",
    "سجلات أسماء الركاب (PNR)، وهذا اسمها في قرار مجلس الأمن 2396، ومنها API أيضاً.",
    "ب يُقبل الطلب",  # a choice: its letter and its text, two boxes with a gap and no space between them
)
PHRASE = "وفي وثيقة الإيكاو ICAO Doc 9303 مواصفات الجواز."  # a left-to-right run of three words
PDFIUM_PHRASES = (
    "PDFium's bidi reverses the order of a right-to-left line's direction runs, the words of a left-to-right phrase"
    " among them («9303 Doc ICAO»), whatever the PDF (docs/performance.md)"
)


def _sample(tmp_path: Path, lines: tuple[str, ...]) -> Path:
    from course.render.fonts import font_faces
    from course.render.pdf.weasy import HTML

    rule = "@font-face {{ font-family: Amiri; src: url({url}); font-weight: {weight}; font-style: {style} }}"
    faces = "".join(rule.format(**face) for face in font_faces())
    body = "".join(f"<p>{line}</p>" for line in lines[:-1])
    letter, text = lines[-1].split(" ", 1)
    body += f'<div style="display: flex"><b style="margin-inline-end: 2mm">{letter}</b><span>{text}</span></div>'
    pdf = tmp_path / "sample.pdf"
    HTML(string=f'<html lang="ar" dir="rtl"><style>{faces} body {{ font: 12pt Amiri }}</style><body>{body}</body></html>').write_pdf(pdf)
    return pdf


def _in_order(found: list[str], line: str) -> bool:
    expected = measure.tokens(line)
    return any(found[i : i + len(expected)] == expected for i in range(len(found)))


@pytest.mark.parametrize("extractor", ["pdftotext", "pdfium", "pdfminer"])
def test_a_sample_reads_back_in_the_order_written(tmp_path: Path, extractor: str):
    """Each line's words as written: marks on their letters, Latin runs in place, a choice's letter apart."""
    need_poppler()
    found = measure.tokens(measure.extract(_sample(tmp_path, SAMPLE), extractor))
    for line in SAMPLE:
        assert _in_order(found, line), f"{extractor}: {measure.tokens(line)} not in {found}"


def test_each_font_maps_every_code_it_draws_to_a_glyph(tmp_path: Path):
    """A /CIDToGIDMap has no default: one shorter than the codes drawn made PDFium draw nothing for the rest."""
    with pikepdf.open(_sample(tmp_path, SAMPLE)) as pdf:
        page = pdf.pages[0]
        drawn = collections.defaultdict(set)  # font name -> codes
        for name, strings in re.findall(rb"/(\w+) [\d.]+ Tf(.*?)(?=/\w+ [\d.]+ Tf|$)", page.Contents.read_bytes(), re.S):
            drawn[name.decode()] |= {int(h[i : i + 4], 16) for h in re.findall(rb"<([0-9a-f]+)>", strings) for i in range(0, len(h), 4)}
        assert drawn
        for name, codes in drawn.items():
            mapped = page.Resources.Font["/" + name].DescendantFonts[0].CIDToGIDMap.read_bytes()
            assert len(mapped) // 2 > max(codes), name


@pytest.mark.parametrize(
    "extractor",
    [
        "pdftotext",
        pytest.param("pdfium", marks=pytest.mark.xfail(strict=True, reason=PDFIUM_PHRASES)),
        "pdfminer",
    ],
)
def test_a_left_to_right_phrase_keeps_its_word_order(tmp_path: Path, extractor: str):
    need_poppler()
    found = measure.tokens(measure.extract(_sample(tmp_path, (PHRASE, "ب يُقبل الطلب")), extractor))
    assert _in_order(found, PHRASE), f"{extractor}: {found}"


@pytest.mark.slow
def test_the_book_has_no_doubled_letters(shipped_build: Path):
    """Before: «الإللكتروني» 18 times and «أأنشئت» in the course book."""
    need_poppler()
    book = shipped_build / "pdf" / "course-book.pdf"
    for extractor in ("pdftotext", "pdfium"):
        text = measure.extract(book, extractor)
        doubled = re.findall(r"\w*(?:إلل|أأ)\w*", text)
        assert not doubled, f"{extractor}: {collections.Counter(doubled).most_common(5)}"
        assert "الإلكتروني" in text


@pytest.mark.slow
def test_each_font_subset_in_the_book_has_a_name_of_its_own(shipped_build: Path):
    """Six parts' subsets of Amiri were all called ECFSSB+Amiri: a reader caching fonts by name mixed their maps up."""
    names = collections.defaultdict(set)
    with pikepdf.open(shipped_build / "pdf" / "course-book.pdf") as pdf:
        for page in pdf.pages:
            for font in page.Resources.get("/Font", {}).values():
                cmap = hashlib.sha256(font.ToUnicode.read_bytes()).hexdigest()
                names[str(font.BaseFont)].add(cmap)
    assert len(names) > 1
    shared = {name: len(maps) for name, maps in names.items() if len(maps) > 1}
    assert not shared, f"one name, several subsets: {shared}"


@pytest.mark.slow
@pytest.mark.parametrize("extractor", ["pdftotext", "pdfium", "pdfminer"])
def test_shipped_pdfs_break_fewer_than_one_word_in_a_thousand(shipped_build: Path, vocabulary, extractor: str):
    """Handouts, book, sheets, keys and bubble sheets: with WeasyPrint's own text layer 4.7 % (pdftotext),
    3.7 % (PDFium) and 95.8 % (pdfminer.six, every Arabic line backwards) of the words were broken."""
    need_poppler()
    share, broken = _share(_pdfs(shipped_build), extractor, vocabulary["ar"])
    print(f"{extractor}: {share:.2%} broken; commonest: {broken.most_common(8)}")
    assert share < 0.001, f"{extractor}: {share:.2%} of the words are broken: {broken.most_common(12)}"


@pytest.mark.slow
def test_pypdf_reads_the_arabic_in_order_too(shipped_build: Path, vocabulary):
    """pypdf is not one of the three measured, but must not be worse off: it reverses what it reads between font changes,
    so each right-to-left glyph comes after its font again. Broken words: 5.7 % before logical order, 1.1 % now (a
    tanween before punctuation comes out after it, «ضيقا:ً»)."""
    from pypdf import PdfReader

    total, broken = 0, collections.Counter()
    for pdf in _pdfs(shipped_build):
        count, found = measure.broken_words("\f".join(page.extract_text() for page in PdfReader(pdf).pages), vocabulary["ar"])
        total += count
        broken.update(found)
    assert sum(broken.values()) / total < 0.02, broken.most_common(12)


@pytest.mark.slow
@pytest.mark.parametrize("extractor", ["pdftotext", "pdfium", "pdfminer"])
def test_english_pdfs_extract_to_the_course_words(english_build: Path, vocabulary, extractor: str):
    need_poppler()
    share, broken = _share(_pdfs(english_build), extractor, vocabulary["en"])
    assert share < 0.001, f"{extractor}: {share:.2%} broken: {broken.most_common(12)}"


@pytest.mark.slow
@pytest.mark.parametrize("extractor", ["pdftotext", "pdfium", "pdfminer"])
def test_a_mixed_paragraph_reads_in_logical_order(shipped_build: Path, extractor: str):
    """API, PNR and 2396 inside Arabic lines: the paragraph's words come back in the order written.

    pdfminer.six reads the content stream's order: right-to-left runs are written from the right, and a blank
    bridges each jump to a left-to-right run, which would otherwise start a line of its own.
    """
    need_poppler()
    text = measure.extract(shipped_build / "pdf" / "api.pdf", extractor)
    expected = measure.tokens(MIXED)  # words without the punctuation and digits pdftotext moves about in RTL lines
    found = measure.tokens(text)
    starts = [i for i in range(len(found)) if found[i : i + 6] == expected[:6]]
    assert starts, f"{extractor}: the paragraph's first words are not there"
    assert found[starts[0] : starts[0] + len(expected)] == expected
    assert "2396" in words(text) and "PNR" in words(text)


# -- what the page looks like ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_pages_look_exactly_as_weasyprint_draws_them(tmp_path: Path):
    """The corrected text layer changes no pixel: a handout drawn both ways, rasterized by pdftoppm, compared."""
    need_poppler()
    numpy = pytest.importorskip("numpy")
    from PIL import Image

    from course.load import load_course
    from course.render.markdown import render_modules
    from course.render.pdf import textlayer
    from course.render.pdf.handout import PDF_OPTIONS, PdfRenderer

    course, _ = load_course(REPO)
    render_modules(course)
    renderer = PdfRenderer(course)
    module = next(m for m in course.modules if m.id == "api")
    ours = renderer.render_module(module, 4, course.key_terms(module)).write_pdf(**PDF_OPTIONS)
    draw_text, pdf = sys.modules["weasyprint.draw.text"], sys.modules["weasyprint.pdf"]
    draw_text.draw_first_line, pdf.build_fonts_dictionary = textlayer._original_draw_first_line, textlayer._original_build_fonts
    try:
        theirs = renderer.render_module(module, 4, course.key_terms(module)).write_pdf(**PDF_OPTIONS)
    finally:
        textlayer.install()
    assert ours != theirs
    for name, data in (("ours", ours), ("theirs", theirs)):
        (tmp_path / f"{name}.pdf").write_bytes(data)
        subprocess.run(["pdftoppm", "-r", "110", "-gray", "-f", "1", "-l", "3", tmp_path / f"{name}.pdf", tmp_path / name], check=True)
    pages = sorted(tmp_path.glob("ours-*.pgm"))
    assert len(pages) == 3
    for page in pages:
        a = numpy.asarray(Image.open(page), dtype=numpy.int16)
        b = numpy.asarray(Image.open(tmp_path / page.name.replace("ours", "theirs")), dtype=numpy.int16)
        assert a.shape == b.shape and int(numpy.abs(a - b).max()) <= 8, page.name


# -- PDF/UA identification -------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("which, language", [("shipped_build", "ar"), ("english_build", "en")])
def test_every_pdf_identifies_as_pdf_ua(which: str, language: str, request):
    folder = request.getfixturevalue(which)
    pdfs = _pdfs(folder)
    assert any(p.name == "course-book.pdf" for p in pdfs)
    for path in pdfs:
        with pikepdf.open(path) as pdf:
            root = pdf.Root
            assert str(root.Lang) == language, path.name
            with pdf.open_metadata() as xmp:
                assert xmp.get("pdfuaid:part") == "1", path.name
                assert xmp.get("dc:title"), path.name
                assert set(xmp.get("dc:language")) == {language}, path.name
            preferences = root.ViewerPreferences
            assert preferences.DisplayDocTitle, path.name
            assert preferences.get("/Direction") == ("/R2L" if language == "ar" else None), path.name
            assert root.MarkInfo.Marked and "/StructTreeRoot" in root, path.name


@pytest.mark.slow
def test_the_handouts_structure_tags_headings_lists_tables_and_links(shipped_build: Path):
    """The checks of PDF/UA's structure this engine covers (docs/performance.md lists those it does not)."""
    kinds = collections.Counter()
    figures_without_alt, headers_without_scope = [], []
    with pikepdf.open(shipped_build / "pdf" / "course-book.pdf") as pdf:
        pending = [pdf.Root.StructTreeRoot]
        seen = set()
        while pending:
            node = pending.pop()
            if isinstance(node, pikepdf.Dictionary):
                key = node.objgen
                if key != (0, 0) and key in seen:
                    continue
                seen.add(key)
                kind = str(node.get("/S", ""))
                kinds[kind] += 1
                if kind == "/Figure" and "/Alt" not in node:
                    figures_without_alt.append(node.objgen)
                if kind == "/TH" and str(node.get("/A", {}).get("/Scope")) not in ("/Column", "/Row"):
                    headers_without_scope.append(node.objgen)
                kids = node.get("/K")
                if isinstance(kids, pikepdf.Array):
                    pending += list(kids)
                elif isinstance(kids, pikepdf.Dictionary):
                    pending.append(kids)
    for kind in ("/Document", "/Part", "/H1", "/H2", "/P", "/L", "/LI", "/Table", "/TH", "/TD", "/Link"):
        assert kinds[kind], f"no {kind} in the book's structure tree: {dict(kinds)}"
    assert not figures_without_alt
    assert not headers_without_scope, "PDF/UA 7.5: a table header cell says whether it heads a column or a row"


@pytest.mark.slow
def test_a_paragraph_copied_from_the_book_is_the_source_paragraph(shipped_build: Path):
    """What a trainer copying a paragraph gets (pdftotext's reading order, white space folded)."""
    need_poppler()
    text = flat(pdftotext(shipped_build / "pdf" / "course-book.pdf"))
    for word in ("التعريف", "الحيوية", "تطوير", "الإلكتروني"):
        assert word in text, word
