"""Printed versions on paper (course-format.md sections 3 and 5), read back with pdftotext and graded back with ``grade``.

A quiz with ``versions: 3`` prints a sheet and a key per version; each sheet
names its version on every page and shows its questions in the version's
order; the key's right answers, typed into an answers file with the version
column, score full marks: the paper and ``grade`` agree on every letter.
"""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from course.build.pipeline import BuildOptions, build_course
from course.commands.grade import run_grade
from course.grading.versions import Version
from course.load import load_course
from course.render.pdf.paper import PrintedVersion, marking_grid
from tests.pdftext import pdftotext

REPO = Path(__file__).resolve().parents[3]
ENGLISH = REPO / "tests" / "fixtures" / "english-course"
QUIZ = "customs-basics-quiz"


@pytest.fixture(scope="module")
def versioned(tmp_path_factory):
    root = tmp_path_factory.mktemp("versions") / "course"
    shutil.copytree(ENGLISH, root)
    path = root / "quizzes" / f"{QUIZ}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("pass_mark: 60\n", "pass_mark: 60\nversions: 3\n", 1), encoding="utf-8")
    out = root.parent / "out"
    build_course(root, BuildOptions(out=out, lms=False, jobs=1))
    course, problems = load_course(root)
    assert course is not None, problems
    return course, out


def test_each_version_has_its_sheet_and_key_in_the_manifest(versioned):
    course, out = versioned
    import json

    entries = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["outputs"]
    papers = {e["path"]: e["kind"] for e in entries if e["quiz"] == QUIZ and e["path"].startswith("pdf/")}
    expected = {f"pdf/quizzes/{QUIZ}-{paper}-{v}.pdf": f"quiz-{paper}-pdf" for v in "ABC" for paper in ("sheet", "key")}
    expected |= {f"pdf/quizzes/{QUIZ}-bubbles-{v}.pdf": "bubbles" for v in "ABC"}  # and its bubble answer sheet
    assert papers == expected
    assert (out / "quizzes" / f"{QUIZ}.html").read_text(encoding="utf-8").count(f"{QUIZ}-sheet-A.pdf") >= 1, "the page links version A"


@pytest.mark.parametrize("letter", "ABC")
def test_every_page_of_a_sheet_names_its_version(versioned, letter):
    _, out = versioned
    sheet = out / "pdf" / "quizzes" / f"{QUIZ}-sheet-{letter}.pdf"
    pages = len(PdfReader(sheet).pages)
    assert pages >= 2
    for page in range(1, pages + 1):
        assert f"Version {letter}" in pdftotext(sheet, page, page), f"page {page} does not name the version"


@pytest.mark.parametrize("letter", "ABC")
def test_a_sheet_shows_the_questions_in_its_versions_order_and_no_answer(versioned, letter):
    course, out = versioned
    quiz = next(q for q in course.quizzes if q.id == QUIZ)
    text = " ".join(pdftotext(out / "pdf" / "quizzes" / f"{QUIZ}-sheet-{letter}.pdf").split())
    positions = [text.index(" ".join(q.prompt.split())) for q in Version(quiz, letter).questions]
    assert positions == sorted(positions), "questions out of the version's order"
    for question in quiz.questions:
        assert not question.explanation or " ".join(question.explanation.split()) not in text
    assert "(right answer)" not in text and "Feedback" not in text


def test_the_versions_differ(versioned):
    _, out = versioned
    texts = {letter: " ".join(pdftotext(out / "pdf" / "quizzes" / f"{QUIZ}-sheet-{letter}.pdf").split()) for letter in "ABC"}
    bodies = {re.sub(r"Version [ABC]", "", text) for text in texts.values()}
    assert len(bodies) == 3


def test_each_keys_answers_graded_with_its_version_score_full_marks(versioned, tmp_path):
    course, out = versioned
    quiz = next(q for q in course.quizzes if q.id == QUIZ)
    header = ["learner", "version", *(q.id for q in quiz.questions)]
    rows = []
    for letter in "ABC":
        key_text = " ".join(pdftotext(out / "pdf" / "quizzes" / f"{QUIZ}-key-{letter}.pdf").split())
        grid = {row["id"]: row for row in marking_grid(course, quiz, PrintedVersion(quiz, letter, course.language))}
        cells = []
        for question in quiz.questions:
            answer = grid[question.id]["answer"]
            assert answer in key_text, f"version {letter}, {question.id}: the key does not print {answer!r}"
            cells.append(_cell(question.type, answer))
        rows.append([f"Learner {letter}", letter, *cells])
    lines = [",".join(header)] + [",".join(f'"{cell}"' for cell in row) for row in rows]
    (tmp_path / "ANSWERS.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    stdout, stderr = io.StringIO(), io.StringIO()
    assert run_grade(quiz.path, tmp_path / "ANSWERS.csv", stdout=stdout, stderr=stderr) == 0, stderr.getvalue()
    assert [line.split(",")[3] for line in stdout.getvalue().splitlines()[1:]] == ["100", "100", "100"], stdout.getvalue()


def _cell(question_type: str, answer: str) -> str:
    """The key grid's right answer as a trainer types it into the answers file."""
    if question_type == "true_false":
        return answer.lower()
    if question_type == "short":
        return answer.split(" / ")[0]
    if question_type == "numeric":
        return answer.split(" ± ")[0]
    if question_type == "matching":
        return ";".join(part.split(": ")[1] for part in answer.split(", "))
    return ";".join(answer.split(", "))
