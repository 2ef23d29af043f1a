"""`grade --template FILE [--delimiter ...]`: the empty answers file in the spreadsheet's separator, and how to fill it in."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

from course.cli import main
from course.commands.grade import run_grade

REPO = Path(__file__).resolve().parents[2]

QUIZ = """\
id: paper
module: m
title: ورقة
questions:
  - {id: q1, type: single, prompt: One, options: [{text: A, correct: true}, {text: B}]}
  - {id: q2, type: numeric, prompt: Two, answer: 3.5}
  - {id: q3, type: ordering, prompt: Three, items: [I1, I2, I3], answer: [c, a, b]}
"""


def write_quiz(folder: Path, text: str = QUIZ) -> Path:
    (folder / "quizzes").mkdir(exist_ok=True)
    quiz = folder / "quizzes" / "paper.yaml"
    quiz.write_text(text, encoding="utf-8")
    return quiz


def test_semicolon_template_for_a_comma_decimal_spreadsheet_grades_back(tmp_path):
    quiz = write_quiz(tmp_path)
    assert main(["grade", str(quiz), "--template", str(tmp_path / "answers.csv"), "--delimiter", "semicolon"]) == 0
    header = (tmp_path / "answers.csv").read_text(encoding="utf-8-sig")
    assert header == "learner;q1;q2;q3\n"
    with open(tmp_path / "answers.csv", "a", encoding="utf-8") as sheet:
        sheet.write('ليلى;ب;3.5;"ج;أ;ب"\n')  # a spreadsheet quotes a cell holding the separator
    out = io.StringIO()
    assert run_grade(quiz, tmp_path / "answers.csv", out=out, stderr=io.StringIO()) == 0
    assert out.getvalue().splitlines()[1] == "ليلى,2,3,66.67,false,0,1,1"


def test_tab_template(tmp_path):
    quiz = write_quiz(tmp_path)
    assert run_grade(quiz, None, template=tmp_path / "answers.csv", delimiter="\t", stdout=io.StringIO()) == 0
    assert (tmp_path / "answers.csv").read_text(encoding="utf-8-sig") == "learner\tq1\tq2\tq3\n"


def test_instructions_beside_the_template_in_arabic_for_the_types_present(tmp_path):
    quiz = write_quiz(tmp_path)
    stdout = io.StringIO()
    assert run_grade(quiz, None, template=tmp_path / "answers.csv", delimiter=";", stdout=stdout) == 0
    instructions = tmp_path / "answers-instructions.txt"
    assert "answers-instructions.txt" in stdout.getvalue()
    text = instructions.read_text(encoding="utf-8-sig")
    assert text.startswith("كيف تملأ الملف answers.csv: ورقة")
    assert "اختيار واحد (q1):" in text and "عدد (q2):" in text and "ترتيب (q3):" in text
    assert "مطابقة" not in text and "إجابة قصيرة" not in text  # no such question in the quiz
    assert "فاصلة منقوطة" in text and "CSV UTF-8" in text
    assert "version" not in text  # one printed version: no version column


def test_a_quiz_in_versions_gets_a_version_column_and_its_instructions(tmp_path):
    quiz = write_quiz(tmp_path, QUIZ.replace("questions:", "versions: 3\nquestions:"))
    assert run_grade(quiz, None, template=tmp_path / "answers.csv", stdout=io.StringIO()) == 0
    assert (tmp_path / "answers.csv").read_text(encoding="utf-8-sig") == "learner,version,q1,q2,q3\n"
    text = (tmp_path / "answers-instructions.txt").read_text(encoding="utf-8-sig")
    assert "العمود `version`" in text and "A (أ), B (ب), C (ج)" in text


def test_an_english_course_gets_english_instructions(tmp_path):
    course = tmp_path / "course"
    shutil.copytree(REPO / "tests" / "fixtures" / "english-course", course)
    quiz = course / "quizzes" / "customs-basics-quiz.yaml"
    assert run_grade(quiz, None, template=tmp_path / "sheet.csv", stdout=io.StringIO()) == 0
    text = (tmp_path / "sheet-instructions.txt").read_text(encoding="utf-8-sig")
    assert text.startswith("How to fill in sheet.csv:")
    assert "commas (,)" in text and "File > Save As" in text


def test_template_to_a_stream_writes_no_instructions(tmp_path):
    quiz = write_quiz(tmp_path)
    stream = io.StringIO()
    assert run_grade(quiz, None, template=stream, stdout=io.StringIO()) == 0
    assert stream.getvalue() == "learner,q1,q2,q3\n"
    assert not list(tmp_path.glob("*instructions*"))
