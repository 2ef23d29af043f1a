"""French, Persian and Urdu courses built, opened in Chromium and their PDFs read back (issue 20, course-format.md 1 and 4).

No English interface text on the pages (before and after grading, attributes
included) or in the PDFs of the French and Persian courses; in the Urdu
course, whose interface is partly English (no catalogue, a few strings given
in course.yaml `interface`), every English string is isolated left to right,
so its punctuation does not flip. Screenshots are written beside the builds
for a person to look at.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from course.build.pipeline import BuildOptions, build_course
from course.load.interface import LOCALE_FOLDERS, registry
from tests.pdftext import flat, pdftotext

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures"
COURSES = {"fr": ("french-course", "brulures"), "fa": ("persian-course", "sukhtegi"), "ur": ("urdu-course", "jalna")}
ATTRIBUTES = """() => [...document.querySelectorAll('[aria-label],[title],[alt],[placeholder]')]
  .flatMap((e) => ['aria-label', 'title', 'alt', 'placeholder'].map((a) => e.getAttribute(a)).filter(Boolean)).join('\\n')"""


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    out = {}
    for language, (folder, _) in COURSES.items():
        target = tmp_path_factory.mktemp(language) / "dist"
        build_course(FIXTURES / folder, BuildOptions(out=target))
        out[language] = target
    return out


def english_fragments(language: str) -> list[str]:
    """Pieces of the English interface strings (between placeholders) that the language's catalogue does not also use."""
    translated = "\n".join(
        str(m.string)
        for folder in LOCALE_FOLDERS
        for po in folder.glob(f"{language}/LC_MESSAGES/*.po")
        for m in read_po(io.BytesIO(po.read_bytes()))
        if m.id
    )
    pieces = set()
    for msgid in registry().values():
        for piece in re.split(r"%\(\w+\)[sd]|%%", msgid):
            piece = piece.strip(" .,:;()-")
            if len(re.findall("[A-Za-z]", piece)) >= 4 and piece not in translated:
                pieces.add(piece)
    return sorted(pieces, key=len, reverse=True)


def english_in(text: str, language: str) -> list[str]:
    return [piece for piece in english_fragments(language) if re.search(rf"(?<![A-Za-z]){re.escape(piece)}(?![A-Za-z])", text)]


def _page_texts(page, url: str) -> str:
    page.goto(url)
    return page.inner_text("body") + "\n" + page.title() + "\n" + page.evaluate(ATTRIBUTES)


@pytest.mark.parametrize("language", ["fr", "fa"])
def test_no_english_interface_text_on_the_pages(built, browser, language):
    folder, module = COURSES[language]
    page = browser.new_page(viewport={"width": 1000, "height": 1200})
    root = built[language]
    texts = {}
    for name in ("index.html", "glossary.html", f"modules/{module}.html", f"quizzes/{module}-quiz.html"):
        texts[name] = _page_texts(page, (root / name).as_uri())
        page.screenshot(path=str(root.parent / f"{language}-{name.replace('/', '-')}.png"), full_page=True)
    page.click("[data-action=submit]")  # graded with nothing answered: every message of the script shows
    texts["quiz graded"] = page.inner_text("body")
    page.screenshot(path=str(root.parent / f"{language}-quiz-graded.png"), full_page=True)
    page.close()
    found = {name: english_in(text, language) for name, text in texts.items()}
    assert not any(found.values()), f"English interface text in the {language} course: {found}"


def test_a_french_decimal_comma_is_right_on_the_quiz_page(built, browser):
    page = browser.new_page()
    page.goto((built["fr"] / "quizzes" / "brulures-quiz.html").as_uri())
    page.fill("#q5-answer", "5,5")
    page.click("[data-action=submit]")
    assert page.get_attribute("#q5", "data-status") == "right"
    shown = page.inner_text("#q5").replace("\u00a0", " ")
    assert "Points : 1 sur 1" in shown and "5,5 ± 0,5" in shown  # the right answer in French numbers
    page.click("[data-action=retry]")
    page.fill("#q5-answer", "5.5")  # a point is a thousands separator in French: unreadable, never 55 or 5.5
    page.click("[data-action=submit]")
    assert page.get_attribute("#q5", "data-status") == "wrong"
    page.close()


@pytest.mark.parametrize("language", ["fa", "ur"])
def test_right_to_left_options_are_labelled_alef_be_jim(built, browser, language):
    _, module = COURSES[language]
    page = browser.new_page()
    page.goto((built[language] / "quizzes" / f"{module}-quiz.html").as_uri())
    assert page.locator("#q1 .options .option-letter").all_inner_texts() == ["الف", "ب", "ج"]
    page.close()


def test_accepted_answers_stay_in_the_right_to_left_list_whatever_their_script(built, browser):
    """A Latin or digit-only accepted answer is isolated (<bdi>), not its list item: its bullet stays on the right."""
    page = browser.new_page()
    page.goto((built["fa"] / "quizzes" / "sukhtegi-quiz.html").as_uri())
    page.click("[data-action=submit]")
    items = page.evaluate(
        "() => [...document.querySelectorAll('#q4 li')].map((li) => [getComputedStyle(li).direction, li.querySelector('bdi') !== null])"
    )
    assert items and all(item == ["rtl", True] for item in items), items
    page.close()


def test_english_left_in_an_urdu_page_keeps_its_punctuation_in_place(built, browser):
    """The Urdu interface is partly English: "Your answer (a number)" must end with ")" on its right, as in English."""
    page = browser.new_page(viewport={"width": 1000, "height": 1000})
    page.goto((built["ur"] / "quizzes" / "jalna-quiz.html").as_uri())
    page.screenshot(path=str(built["ur"].parent / "ur-quiz.png"), full_page=True)
    edges = page.evaluate(
        """() => {
          const label = document.querySelector('label[for=q2-answer]');
          const node = [...label.childNodes].find((n) => n.nodeType === 3 && n.textContent.includes('Your answer'));
          const text = node.textContent;
          const box = (i) => {
            const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1); return r.getBoundingClientRect();
          };
          return {text, first: box(text.indexOf('Y')).left, last: box(text.lastIndexOf(')')).left,
                  direction: getComputedStyle(label).direction};
        }"""
    )
    assert edges["direction"] == "rtl"
    assert edges["text"].startswith("\u2066") and edges["text"].endswith("\u2069")
    assert edges["last"] > edges["first"], "the closing bracket of an English string flipped to its left"
    assert page.locator("[data-action=submit]").inner_text() == "میرے جوابات جانچیں"  # course.yaml `interface`
    page.close()


@pytest.mark.parametrize("language", ["fr", "fa"])
def test_no_english_interface_text_in_the_pdfs(built, language):
    _, module = COURSES[language]
    pdfs = sorted((built[language] / "pdf").rglob("*.pdf"))
    assert len(pdfs) >= 4
    found = {pdf.name: english_in(flat(pdftotext(pdf)), language) for pdf in pdfs}
    assert not any(found.values()), f"English interface text in the {language} PDFs: {found}"
    sheet = flat(pdftotext(next(p for p in pdfs if p.name.endswith("sheet.pdf") or "-sheet" in p.name)))
    if language == "fa":
        sheet = sheet.replace("\u200c", "")  # pdftotext drops zero-width non-joiners
        assert "الف" in sheet and "پاسخنامه" in sheet and "نام" in sheet and "Name" not in sheet
    else:
        assert "Feuille de réponses" in sheet and "Cochez une case" in sheet
