"""Paper quizzes read back with pdftotext: the sheet gives nothing away, the key has it all.

pdftotext of Arabic reorders runs around numbers and Latin words, mirrors
brackets, splits or doubles letters of some ligatures and drops or moves
marks. So texts are compared as letters only (NFKC, no marks, tatweel or bidi
controls, no repeated letters), in windows of three words: a leak shows as any
window of a secret in the sheet; presence in the key as most of its windows.
"""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
from pathlib import Path

import pytest
from lxml import html as lxml_html

from course.build.pipeline import BuildOptions, build_course, check_course
from course.model import Course
from course.render.markdown import render_markdown
from tests.pdftext import pdffonts, pdftotext

REPO = Path(__file__).resolve().parents[3]
ENGLISH = REPO / "tests" / "fixtures" / "english-course"
IGNORED = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
ENGLISH_NOTES = """## Session plan

Open with the harbour photograph and ask who signs each paper.

| Minutes | Activity |
| --- | --- |
| 10 | Walk the learners through a sample manifest line by line |
"""


def letters(text: str) -> str:
    text = IGNORED.sub("", unicodedata.normalize("NFKC", text)).casefold()
    return re.sub(r"(.)\1+", r"\1", "".join(char for char in text if char.isalpha()))


def windows(text: str, size: int = 3, least: int = 10, labels: bool = True) -> list[str]:
    """Runs of `size` words as letters; without `labels`, none holding a lone Arabic letter.

    A lone letter may be an option label (أ ب ج), which on a page stands next
    to unrelated text; leak checks leave such runs out so labels cannot fake a leak.
    """
    words = [letters(w) for w in re.split(r"[\W\d_]+", IGNORED.sub("", unicodedata.normalize("NFKC", text)))]
    words = [w for w in words if w]
    runs = [words[i : i + size] for i in range(max(1, len(words) - size + 1))]
    if not labels:
        runs = [run for run in runs if not any(len(w) == 1 and "\u0600" <= w <= "\u06ff" for w in run)]
    return [joined for joined in (letters("".join(run)) for run in runs) if len(joined) >= least]


def blocks(markdown: str) -> list[str]:
    """The text of each paragraph, list item, heading and table cell."""
    root = lxml_html.fragment_fromstring(render_markdown(markdown), create_parent="div")
    leaves = (e for e in root.iter("p", "li", "td", "th", "h1", "h2", "h3", "h4") if not e.xpath(".//p|.//li"))
    return [" ".join(e.text_content().split()) for e in leaves]


def plain(markdown: str) -> str:
    return " ".join(blocks(markdown))


def pdf_letters(path: Path) -> str:
    return letters(pdftotext(path))


def secrets(quiz) -> list[tuple[str, str]]:
    """What only the key may show: accepted answers, explanations, feedback and source quotes."""
    found = []
    for question in quiz.questions:
        found += [(f"{question.id} accepted answer", text) for text in question.answers]
        if question.explanation:
            found.append((f"{question.id} explanation", plain(question.explanation)))
        found += [(f"{question.id} feedback", o.feedback) for o in question.options if o.feedback]
        if question.source and question.source.quote:
            found.append((f"{question.id} source quote", question.source.quote))
    return found


def learner_text(course: Course, quiz) -> str:
    """Everything the sheet may legitimately show, as letters."""
    parts = [course.title, quiz.title]
    for question in quiz.questions:
        parts += [plain(question.prompt), *(o.text for o in question.options), *question.choices, *question.items, *question.prompts]
    return " ".join(letters(part) for part in parts)


@pytest.fixture(scope="session")
def papers(tmp_path_factory):
    """Both courses built with PDFs; the English one gets trainer notes so LTR notes are checked too."""
    english = tmp_path_factory.mktemp("paper-english") / "course"
    shutil.copytree(ENGLISH, english)
    (english / "trainer").mkdir()
    (english / "trainer" / "customs-basics.md").write_text(ENGLISH_NOTES, encoding="utf-8")
    built = {}
    for name, root in (("english", english), ("shipped", REPO)):
        out = tmp_path_factory.mktemp(f"paper-{name}") / "dist"
        build_course(root, BuildOptions(out=out))
        course, problems = check_course(root)
        assert course is not None, problems
        built[name] = (course, out)
    return built


def each_quiz(papers):
    for name, (course, out) in papers.items():
        for quiz in course.quizzes:
            modules = {m.id: m for m in course.modules}
            yield name, course, quiz, modules[quiz.module], out


def test_every_quiz_has_a_sheet_and_a_key_in_the_manifest(papers):
    for _, _, quiz, module, out in each_quiz(papers):
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["outputs"]
        for suffix, kind in (("sheet", "quiz-sheet-pdf"), ("key", "quiz-key-pdf")):
            entry = next(e for e in manifest if e["path"] == f"pdf/quizzes/{quiz.id}-{suffix}.pdf")
            assert (entry["kind"], entry["module"], entry["quiz"]) == (kind, module.id, quiz.id)


def test_the_sheet_leaks_nothing_the_key_shows_everything(papers):
    problems = []
    for name, course, quiz, _, out in each_quiz(papers):
        sheet = pdf_letters(out / "pdf" / "quizzes" / f"{quiz.id}-sheet.pdf")
        key = pdf_letters(out / "pdf" / "quizzes" / f"{quiz.id}-key.pdf")
        visible = learner_text(course, quiz)
        found = total = 0
        for what, text in secrets(quiz):
            parts = windows(text)
            if not parts:
                continue
            leaked = [part for part in windows(text, labels=False) if part in sheet and part not in visible]
            if leaked:
                problems.append(f"{name}/{quiz.id}: the sheet shows the {what}: {leaked[:2]}")
            in_key = sum(part in key for part in parts)
            if in_key < len(parts) / 2:
                problems.append(f"{name}/{quiz.id}: the key lacks the {what} ({in_key}/{len(parts)} found): {text[:60]}")
            found, total = found + in_key, total + len(parts)
        assert total, f"{quiz.id}: nothing to check"
        if found < 0.95 * total:
            problems.append(f"{name}/{quiz.id}: only {found}/{total} fragments of explanations, feedback and quotes are in the key")
    assert not problems, "\n".join(problems)


def test_trainer_notes_are_in_the_key_and_in_no_learner_output(papers):
    checked = 0
    for name, course, quiz, module, out in each_quiz(papers):
        if not module.trainer_notes_markdown:
            continue
        checked += 1
        notes = " ".join(blocks(module.trainer_notes_markdown))
        parts = windows(notes)
        visible = learner_text(course, quiz)
        key = pdf_letters(out / "pdf" / "quizzes" / f"{quiz.id}-key.pdf")
        in_key = sum(part in key for part in parts)
        # Table cells wrap in narrow columns, which pdftotext interleaves: most, not all.
        assert in_key >= 0.75 * len(parts), f"{name}/{quiz.id}: only {in_key}/{len(parts)} trainer-note fragments in the key"
        page = lxml_html.fromstring((out / "quizzes" / f"{quiz.id}.html").read_bytes()).text_content()
        explained = visible + " ".join(letters(text) for _, text in secrets(quiz))  # the page shows these once graded
        learner_outputs = {
            "sheet": (pdf_letters(out / "pdf" / "quizzes" / f"{quiz.id}-sheet.pdf"), visible),
            "quiz page": (letters(page), explained),
        }
        for output, (text, allowed) in learner_outputs.items():
            leaked = [part for part in windows(notes, labels=False) if part in text and part not in allowed]
            assert not leaked, f"{name}/{quiz.id}: trainer notes in the {output}: {leaked[:3]}"
    assert checked >= 2, "both courses have modules with trainer notes"


def test_the_sheet_keeps_file_order_even_for_a_shuffled_quiz(papers):
    course, out = papers["english"]
    quiz = next(q for q in course.quizzes if q.shuffle)
    sheet = pdf_letters(out / "pdf" / "quizzes" / f"{quiz.id}-sheet.pdf")
    for question in quiz.questions:
        positions = [sheet.index(letters(option.text)) for option in question.options]
        assert positions == sorted(positions), f"{question.id}: options out of file order on the sheet"


def test_the_key_grid_lists_every_question_with_its_answer_letters(papers):
    course, out = papers["english"]
    quiz = next(q for q in course.quizzes if q.id == "customs-basics-quiz")
    first_page = " ".join(pdftotext(out / "pdf" / "quizzes" / f"{quiz.id}-key.pdf", first=1, last=1).split())
    for row in (
        "1 Single choice a 1",
        "2 Multiple choice a, b 2",
        "3 True or false True 1",
        "6 Matching 1: a, 2: b 1",
        "7 Ordering b, a, c 1",
    ):
        assert row in first_page, f"grid row {row!r} missing from the key's first page"
    assert "Trainer notes" not in first_page


def test_every_font_is_embedded(papers):
    for name, _, quiz, _, out in each_quiz(papers):
        for suffix in ("sheet", "key"):
            fonts = pdffonts(out / "pdf" / "quizzes" / f"{quiz.id}-{suffix}.pdf")
            assert fonts, f"{name}/{quiz.id}-{suffix}: no fonts"
            assert all(font["emb"] == "yes" for font in fonts), f"{name}/{quiz.id}-{suffix}: {fonts}"
            assert all(font["name"].split("+")[-1].startswith("Amiri") for font in fonts), f"{name}/{quiz.id}-{suffix}: {fonts}"
