"""The results report of `grade --report FILE.html|.pdf` (course.render.report), read back as a trainer would."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import html

from course.commands.grade import run_grade
from course.render.report import plain_text, shorten
from tests.pdftext import flat, pdffonts, pdftotext

REPO = Path(__file__).resolve().parents[2]

ARABIC_QUIZ = """\
id: worked
module: m
title: اختبار تجريبي
pass_mark: 50
questions:
  - id: q1
    type: single
    prompt: >-
      أي **وثيقة** تسرد [البضائع](https://example.org) المشحونة على متن الطائرة عند وصولها إلى المطار؟
      اختر وثيقة واحدة من الوثائق التالية
    options: [{text: بيان الشحنة, correct: true}, {text: الفاتورة}, {text: الإيصال}]
  - {id: q2, type: true_false, prompt: سؤال الصواب والخطأ, answer: true}
  - {id: q3, type: short, prompt: ما اسم الوثيقة؟, answers: [بيان الشحنة]}
  - {id: q4, type: numeric, prompt: كم العدد؟, answer: 100, tolerance: 1}
"""
ANSWERS = """\
learner,q1,q2,q3,q4
L1,a,true,بيان الشحنة,١٠٠
L2,a,t,بيان الشحنه,"3,5"
L3,a,صح,فاتورة,102
L4,a,false,  بيان الشحنة. ,102
L5,b,true,فاتورة,50
L6,b,,invoice,
"""


def report(tmp_path: Path, name: str, quiz: str | Path = ARABIC_QUIZ, answers: str = ANSWERS, **options) -> Path:
    quiz_path = quiz if isinstance(quiz, Path) else tmp_path / "quiz.yaml"
    if not isinstance(quiz, Path):
        quiz_path.write_text(quiz, encoding="utf-8")
    (tmp_path / "answers.csv").write_text(answers, encoding="utf-8")
    stderr = io.StringIO()
    answers_path, out = tmp_path / "answers.csv", tmp_path / "gradebook.csv"
    status = run_grade(quiz_path, answers_path, out=out, report=tmp_path / name, stderr=stderr, **options)
    assert status == 0, stderr.getvalue()
    return tmp_path / name


def text(page, xpath: str) -> str:
    return " ".join(page.xpath(xpath)[0].text_content().split())


def test_html_report_gives_the_class_figures_in_arabic_right_to_left(tmp_path):
    page = html.parse(str(report(tmp_path, "report.html"))).getroot()
    assert (page.get("lang"), page.get("dir")) == ("ar", "rtl")
    assert "تقرير النتائج" in text(page, "//header")
    assert text(page, "//*[@id='learners']") == "6"
    assert text(page, "//*[@id='mean']") == "2 من 4 (50%)"
    assert text(page, "//*[@id='median']") == "2"
    assert text(page, "//*[@id='sd']") == "1.41"
    assert text(page, "//*[@id='pass-rate']") == "67%"
    assert text(page, "//*[@id='reliability']") == "0.67"
    assert text(page, "//*[@id='sem']") == "± 0.82"
    assert "الثبات (KR-20)" in text(page, "//dl[@class='figures']")
    assert not page.xpath("//script")


def test_html_report_names_questions_by_their_prompt_in_plain_text(tmp_path):
    page = html.parse(str(report(tmp_path, "report.html"))).getroot()
    first = text(page, "//section[@class='overview']//tbody/tr/th")
    assert first.startswith("q1 أي وثيقة تسرد البضائع المشحونة")  # Markdown and the link dropped
    assert first.endswith("…") and "**" not in first and "example.org" not in first
    assert len(first) < 100


def test_html_report_figures_per_question_and_flags_in_plain_arabic(tmp_path):
    page = html.parse(str(report(tmp_path, "report.html"))).getroot()
    rows = page.xpath("//section[@class='overview']//tbody/tr")
    cells = [[" ".join(td.text_content().split()) for td in row.xpath("td")] for row in rows]
    expected = [["0.67", "0.62", "1.00"], ["0.67", "0.21", "0.50"], ["0.50", "0.52", "1.00"], ["0.17", "0.49", "0.50"]]
    assert [c[:3] for c in cells] == expected  # facility, discrimination, upper-lower: tests/grading/test_statistics.py
    assert cells[0][3] == "خيار خاطئ لم يختره أحد"
    assert cells[3][3] == "صعب جدًا"
    q1, q3, q4 = (page.get_element_by_id(q) for q in ("q1", "q3", "q4"))
    assert "لم يختر أحد ج" in q1.text_content()
    short = [" ".join(tr.text_content().split()) for tr in q3.xpath(".//tbody/tr")]
    assert short == ["بيان الشحنه ✓ مقبولة 3", "فاتوره 2", "invoice 1"]
    numeric = [" ".join(tr.text_content().split()) for tr in q4.xpath(".//tbody/tr")]
    assert numeric == ["القيمة الصحيحة تمامًا ✓ صحيح 1", "ضمن الهامش المسموح به ✓ صحيح 0", "102 2", "50 1"]
    assert "غير مقروءة 1" in " ".join(q4.xpath(".//p[@class='facts']")[0].text_content().split())


def test_histogram_is_inline_svg_running_right_to_left_in_arabic(tmp_path):
    page = html.parse(str(report(tmp_path, "report.html"))).getroot()
    bars = page.xpath("//figure[@class='histogram']//rect")
    assert len(bars) == 10
    heights = [float(bar.get("height")) for bar in bars]  # in bin order 0-10 ... 90-100: 1 0 1 0 0 2 0 1 0 1
    assert [h > 0 for h in heights] == [True, False, True, False, False, True, False, True, False, True]
    assert heights[5] == 2 * heights[0]
    xs = [float(bar.get("x")) for bar in bars]
    assert xs == sorted(xs, reverse=True)  # the lowest scores on the right


def test_english_quiz_gives_an_english_left_to_right_report(tmp_path):
    quiz = REPO / "tests" / "fixtures" / "english-course" / "quizzes" / "customs-basics-quiz.yaml"
    from course.load.quizzes import load_quiz_file
    from tests.grading.synthetic_class import write_class

    loaded, _ = load_quiz_file(quiz, quiz.name)
    answers = write_class(loaded, tmp_path / "class.csv", 40).read_text(encoding="utf-8")
    page = html.parse(str(report(tmp_path, "report.html", quiz=quiz, answers=answers))).getroot()
    assert (page.get("lang"), page.get("dir")) == ("en", "ltr")
    assert text(page, "//*[@id='learners']") == "40"
    assert "Results report" in text(page, "//header") and "Question by question" in page.text_content()
    xs = [float(bar.get("x")) for bar in page.xpath("//figure[@class='histogram']//rect")]
    assert xs == sorted(xs)


def test_pdf_report_reads_back_in_arabic_with_the_course_font(tmp_path):
    pdf = report(tmp_path, "report.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    content = flat(pdftotext(pdf))
    for words in ("تقرير النتائج", "اختبار تجريبي", "معامل السهولة", "الخطأ المعياري للقياس", "ما اسم الوثيقة", "صعب جدًا"):
        assert words in content, words
    assert any("Amiri" in font["name"] and font["emb"] == "yes" for font in pdffonts(pdf))


def test_pdf_report_page_renders_to_an_image(tmp_path):
    if not shutil.which("pdftoppm"):
        pytest.skip("poppler-utils is not installed")
    pdf = report(tmp_path, "report.pdf")
    subprocess.run(["pdftoppm", "-png", "-r", "30", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True)
    assert list(tmp_path.glob("page*.png"))


def test_a_csv_report_is_still_the_item_analysis(tmp_path):
    items = report(tmp_path, "items.csv")
    assert items.read_text(encoding="utf-8-sig").startswith("question,type,points,key,facility,discrimination")


def test_shorten_cuts_at_a_word_with_an_ellipsis():
    assert shorten("short") == "short"
    assert shorten("word " * 30, 20) == "word word word word…"
    assert plain_text("**Bold** and `code` and [a link](x.md)") == "Bold and code and a link"


def test_a_report_in_a_missing_folder_is_refused_before_anything_is_written(tmp_path):
    (tmp_path / "quiz.yaml").write_text(ARABIC_QUIZ, encoding="utf-8")
    (tmp_path / "answers.csv").write_text(ANSWERS, encoding="utf-8")
    stderr = io.StringIO()
    missing = tmp_path / "no-such-folder" / "report.pdf"
    status = run_grade(tmp_path / "quiz.yaml", tmp_path / "answers.csv", out=tmp_path / "gradebook.csv", report=missing, stderr=stderr)
    assert status == 1
    assert stderr.getvalue() == f"{missing}: cannot write: no folder {missing.parent}\n"
    assert not (tmp_path / "gradebook.csv").exists()


def test_learners_answers_are_text_in_the_html_report_never_markup(tmp_path):
    answers = ANSWERS.replace("L6,b,,invoice,", 'L6,b,,"<script>alert(1)</script><img src=x onerror=alert(2)>",')
    path = report(tmp_path, "report.html", answers=answers)
    page = html.parse(str(path)).getroot()
    assert not page.xpath("//script") and not page.xpath("//img")
    assert "<script>alert(1)</script>" in page.get_element_by_id("q3").text_content()
