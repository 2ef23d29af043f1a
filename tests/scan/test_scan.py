"""`course scan`: the bubble sheet and its code, the answers CSV, every page reported, the review and its decisions, --grade."""

from __future__ import annotations

import copy
import csv
import io
import random
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from course.commands.scan import run_scan
from course.render.pdf.paper import paper_paths
from course.scan.layout import code_text, parse_code, quiz_fingerprint
from course.scan.locate import find_code

from . import synthetic as syn


@pytest.fixture(scope="module")
def english(tmp_path_factory):
    """The English course's first quiz in two versions, its sheets rasterised at 200 dpi."""
    folder = tmp_path_factory.mktemp("sheets")
    quiz = syn.quiz_with_versions(syn.ENGLISH, 0, 2)
    pages = {v: syn.rasterise(syn.sheet_pdf(syn.ENGLISH, quiz, v, folder), 200) for v in "AB"}
    return quiz, pages


@pytest.fixture(scope="module")
def long_quiz(tmp_path_factory):
    """A quiz long enough for a two-page bubble sheet."""
    quiz = copy.copy(syn.course_of(syn.ENGLISH).quizzes[0])
    questions = []
    for round_ in range(4):
        for question in quiz.questions:
            twin = copy.copy(question)
            twin.id = f"{question.id}-{round_}"
            questions.append(twin)
    quiz.questions, quiz.versions = questions, 1
    folder = tmp_path_factory.mktemp("long")
    return quiz, syn.rasterise(syn.sheet_pdf(syn.ENGLISH, quiz, "A", folder), 200)


def _quiz_file(quiz, folder: Path, source: Path) -> Path:
    """The quiz's YAML with the versions the test prints (the loaded quiz must match the sheets' fingerprint)."""
    import yaml

    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    if quiz.versions > 1:
        data["versions"] = quiz.versions
    target = folder / "quizzes" / source.name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return target


def _english_quiz_file(quiz, folder: Path) -> Path:
    return _quiz_file(quiz, folder, quiz.path)


def _filled(quiz, pages, version, number, seed, ambiguity=0.0, distort=True):
    sheet = syn.layout_for(quiz, version, syn.ENGLISH)
    rng = random.Random(seed)
    marks, planted = syn.plan_answers(quiz, sheet, number, rng, ambiguity)
    image = syn.fill(pages[number - 1], sheet, number, marks, 200, rng)
    return (syn.distort(image, rng) if distort else image), planted


def _pdf(images, target: Path) -> Path:
    first, *rest = [Image.fromarray(image) for image in images]
    first.save(target, save_all=True, append_images=rest, resolution=200)
    return target


def _run(quiz_file, scans, folder, **options):
    out, err = io.StringIO(), io.StringIO()
    status = run_scan(quiz_file, scans, out=folder / "answers.csv", stdout=out, stderr=err, language="en", **options)
    return status, err.getvalue(), list(csv.reader((folder / "answers.csv").read_text(encoding="utf-8-sig").splitlines()))


def test_every_version_has_a_bubble_sheet_with_its_own_manifest_kind(english):
    quiz, _ = english
    paths = paper_paths(quiz)
    assert ("pdf/quizzes/customs-basics-quiz-bubbles-A.pdf", "bubbles") in paths
    assert ("pdf/quizzes/customs-basics-quiz-bubbles-B.pdf", "bubbles") in paths
    single = copy.copy(quiz)
    single.versions = 1
    assert ("pdf/quizzes/customs-basics-quiz-bubbles.pdf", "bubbles") in paper_paths(single)


def test_the_code_names_quiz_version_page_and_fingerprint(english):
    quiz, pages = english
    found = find_code(pages["B"][0])
    assert found.code == parse_code(code_text(quiz.id, "B", 1, 1, quiz_fingerprint(quiz), "A4", False))


def test_an_edited_quiz_has_another_fingerprint(english):
    quiz, _ = english
    edited = copy.deepcopy(quiz)
    edited.questions[0].prompt += " (edited)"
    assert quiz_fingerprint(edited) != quiz_fingerprint(quiz)


def test_answers_csv_holds_the_learner_number_version_and_every_answer(english, tmp_path):
    quiz, pages = english
    quiz_file = _english_quiz_file(quiz, tmp_path)
    a, planted_a = _filled(quiz, pages["A"], "A", 1, seed=1)
    b, planted_b = _filled(quiz, pages["B"], "B", 1, seed=2)
    scan = _pdf([a, b], tmp_path / "class.pdf")
    status, err, rows = _run(quiz_file, [scan], tmp_path)
    assert status == 0, err
    header = rows[0]
    assert header[:2] == ["learner", "version"]
    for row, planted, version in ((rows[1], planted_a, "A"), (rows[2], planted_b, "B")):
        assert row[0] == planted.cells["learner"]
        assert row[1] == version
        for qid, cell in zip(header[2:], row[2:], strict=True):
            assert cell.lstrip("'") == planted.cells[qid], qid


def test_photos_are_read_too(english, tmp_path):
    quiz, pages = english
    quiz_file = _english_quiz_file(quiz, tmp_path)
    image, planted = _filled(quiz, pages["A"], "A", 1, seed=3)
    cv2.imwrite(str(tmp_path / "photo.jpg"), image)
    cv2.imwrite(str(tmp_path / "photo.png"), image)
    status, err, rows = _run(quiz_file, [tmp_path / "photo.jpg", tmp_path / "photo.png"], tmp_path)
    assert rows[1][0] == planted.cells["learner"]
    assert "duplicate" in err or "scanned twice" in err  # the same sheet twice: reported, left out
    assert len(rows) == 2


def test_a_page_of_another_quiz_is_reported_by_file_and_page(english, tmp_path):
    quiz, pages = english
    other = syn.quiz_with_versions(syn.ENGLISH, 1, 1)
    other_page = syn.rasterise(syn.sheet_pdf(syn.ENGLISH, other, "A", tmp_path), 200)[0]
    own, _ = _filled(quiz, pages["A"], "A", 1, seed=4)
    scan = _pdf([own, other_page], tmp_path / "mixed.pdf")
    status, err, rows = _run(_english_quiz_file(quiz, tmp_path), [scan], tmp_path)
    assert status == 2
    assert f"{scan}:2: a page of quiz `{other.id}`" in err
    assert len(rows) == 2


def test_a_sheet_scanned_twice_is_reported_and_left_out(english, tmp_path):
    quiz, pages = english
    page, _ = _filled(quiz, pages["A"], "A", 1, seed=5, distort=False)
    scan = _pdf([page, page], tmp_path / "twice.pdf")
    status, err, rows = _run(_english_quiz_file(quiz, tmp_path), [scan], tmp_path)
    assert f"{scan}:2: the same sheet as {scan}:1 (scanned twice)" in err
    assert len(rows) == 2 and status == 2


def test_a_missing_page_is_reported(long_quiz, tmp_path):
    quiz, pages = long_quiz
    assert len(pages) == 3
    from course.scan.session import Scanner

    first_a, _ = _filled(quiz, pages, "A", 1, seed=6)
    first_b, _ = _filled(quiz, pages, "A", 1, seed=7)
    second_b, _ = _filled(quiz, pages, "A", 2, seed=7)
    scan = _pdf([first_a, first_b, second_b, second_b], tmp_path / "long.pdf")
    session = Scanner(quiz).scan([scan])
    said = [str(report) for report in session.reports]
    assert f"{scan}:1: this sheet lacks its page(s) 2, 3" in said
    assert f"{scan}:2: this sheet lacks its page(s) 3" in said
    assert any(s.startswith(f"{scan}:4: page 2 of this sheet again") for s in said)
    assert len(session.sheets) == 2


def test_an_upside_down_page_is_read_turned_and_reported(english, tmp_path):
    quiz, pages = english
    page, planted = _filled(quiz, pages["A"], "A", 1, seed=8)
    scan = _pdf([cv2.rotate(page, cv2.ROTATE_180)], tmp_path / "turned.pdf")
    status, err, rows = _run(_english_quiz_file(quiz, tmp_path), [scan], tmp_path)
    assert f"{scan}:1: upside down: read turned" in err
    assert rows[1][0] == planted.cells["learner"]


def test_a_blank_page_and_an_unreadable_one_are_reported(english, tmp_path):
    quiz, pages = english
    blank = np.full_like(pages["A"][0], 250)
    noise = np.random.default_rng(1).normal(0, 2, blank.shape)
    blank = np.clip(blank + noise, 0, 255).astype(np.uint8)
    text = blank.copy()
    cv2.putText(text, "Question sheet", (200, 400), cv2.FONT_HERSHEY_SIMPLEX, 4, 0, 8)
    scan = _pdf([blank, text], tmp_path / "odd.pdf")
    status, err, rows = _run(_english_quiz_file(quiz, tmp_path), [scan], tmp_path)
    assert f"{scan}:1: blank page" in err
    assert f"{scan}:2: no bubble sheet code found" in err
    assert len(rows) == 1 and status == 2


def test_ambiguities_go_to_the_review_and_the_trainers_decisions_settle_them(english, tmp_path):
    quiz, pages = english
    quiz_file = _english_quiz_file(quiz, tmp_path)
    seed = next(s for s in range(100, 200) if _filled(quiz, pages["A"], "A", 1, s, ambiguity=1.0, distort=False)[1].doubtful)
    page, planted = _filled(quiz, pages["A"], "A", 1, seed, ambiguity=1.0)
    scan = _pdf([page], tmp_path / "doubt.pdf")
    review = tmp_path / "review.html"
    status, err, rows = _run(quiz_file, [scan], tmp_path, review=review)
    assert status == 2
    html = review.read_text(encoding="utf-8")
    assert 'dir="ltr"' in html and "data:image/png;base64," in html
    (item,) = planted.doubtful
    decisions = tmp_path / "review-decisions.csv"
    lines = list(csv.reader(decisions.read_text(encoding="utf-8-sig").splitlines()))
    flagged = [line for line in lines[1:] if line[2] == item]
    assert flagged, lines
    answer = planted.cells[item] or "-"
    if item != "learner" and next(q for q in quiz.questions if q.id == item).type == "short":
        answer = "1"
    lines = [lines[0]] + [[*line[:4], answer if line[2] == item else line[4], line[5]] for line in lines[1:]]
    with open(decisions, "w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows(lines)
    status, err, rows = _run(quiz_file, [scan], tmp_path, overrides=decisions, grade=True)
    column = rows[0].index(item) if item != "learner" else 0
    assert item not in err
    if item != "learner" and next(q for q in quiz.questions if q.id == item).type != "short":
        assert rows[1][column].lstrip("'") == planted.cells[item]
    assert (tmp_path / "answers-gradebook.csv").is_file() and (tmp_path / "answers-report.html").is_file()


def test_a_decision_for_an_item_not_in_the_scans_is_an_error_naming_its_line(english, tmp_path):
    quiz, pages = english
    page, _ = _filled(quiz, pages["A"], "A", 1, seed=9)
    scan = _pdf([page], tmp_path / "one.pdf")
    decisions = tmp_path / "decisions.csv"
    decisions.write_text("file,page,item,reading,decision,reason\nother.pdf,3,q1,,b,\n", encoding="utf-8")
    status, err, _ = _run(_english_quiz_file(quiz, tmp_path), [scan], tmp_path, overrides=decisions)
    assert f"{decisions}:2: no item `q1` on other.pdf:3 in these scans" in err


def test_half_marks_ticked_on_a_short_answer_reach_the_gradebook(english, tmp_path):
    quiz, pages = english
    short = next(q for q in quiz.questions if q.type == "short")
    seed = next(s for s in range(300, 400) if _planted_score(quiz, pages, s, short.id) == 1)
    page, planted = _filled(quiz, pages["A"], "A", 1, seed)
    scan = _pdf([page], tmp_path / "half.pdf")
    status, err, rows = _run(_english_quiz_file(quiz, tmp_path), [scan], tmp_path, grade=True)
    gradebook = list(csv.reader((tmp_path / "answers-gradebook.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert float(gradebook[1][gradebook[0].index(short.id)]) == short.points / 2
    assert "half marks" not in err
    status, err, rows = _run(_english_quiz_file(quiz, tmp_path), [scan], tmp_path)  # no --grade: the CSV cannot say half
    assert "1 short answer(s) ticked half marks" in err and short.id in err and "--grade" in err


def _planted_score(quiz, pages, seed, qid):
    sheet = syn.layout_for(quiz, "A", syn.ENGLISH)
    marks, _ = syn.plan_answers(quiz, sheet, 1, random.Random(seed), 0.0)
    return next((key[3] for key in marks if key[0] == qid and key[1] == "score"), None)


def test_pages_read_in_two_processes_give_the_same_answers_and_reports(english, tmp_path):
    quiz, pages = english
    quiz_file = _english_quiz_file(quiz, tmp_path)
    images = [_filled(quiz, pages[v], v, 1, seed=20 + n)[0] for n, v in enumerate("ABAB")]
    scan = _pdf([images[0], np.full_like(images[0], 250), *images[1:]], tmp_path / "class.pdf")
    one = _run(quiz_file, [scan], tmp_path, jobs=1)
    two = _run(quiz_file, [scan], tmp_path, jobs=2)
    assert one == two
    assert len(one[2]) == 5 and f"{scan}:2: blank page" in one[1]


def test_the_question_sheet_names_its_bubble_sheet(english, tmp_path):
    from course.render.pdf.paper import write_quiz_paper
    from tests.pdftext import pdftotext

    quiz, _ = english
    renderer = syn._renderer(syn.ENGLISH)
    target = tmp_path / "sheet-B.pdf"
    write_quiz_paper(renderer, quiz, 3, target)  # version B's question sheet (sheet, key, bubbles per version)
    assert "customs-basics-quiz-bubbles-B.pdf" in " ".join(pdftotext(target).split())


def test_a_learner_number_decided_in_arabic_digits_is_stored_in_latin_ones(english):
    from course.scan.answers import settle
    from course.scan.decide import Item
    from course.scan.session import Session

    quiz, _ = english
    item = Item("learner", "", ["learner number: no digit filled"])
    assert settle(Session(quiz), item, "٤٢٤٢") is None
    assert item.cell == "4242" and item.sure
    assert settle(Session(quiz), Item("learner", "", ["x"]), "Amal") == "a learner number is digits, found `Amal`"


def test_the_command_line_names_a_missing_scan_and_exits_1(tmp_path):
    import subprocess
    import sys

    quiz = syn.ENGLISH / "quizzes" / "customs-basics-quiz.yaml"
    command = [sys.executable, str(syn.REPO / "build.py"), "scan", str(quiz), str(tmp_path / "nothing.pdf")]
    environment = {"PYTHONPATH": str(syn.REPO), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, env=environment)
    assert done.returncode == 1
    assert f"{tmp_path / 'nothing.pdf'}: no such file" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_negative_number_decided_by_the_trainer_reaches_grade_as_a_number(english, tmp_path):
    from course.scan.answers import settle, write_answers
    from course.scan.decide import Item
    from course.scan.session import LearnerSheet, ReadPage, Session

    quiz, _ = english
    numeric = next(q for q in quiz.questions if q.type == "numeric")
    item = Item(numeric.id, "", ["a column left empty between digits"])
    session = Session(quiz, [LearnerSheet("A", {1: ReadPage("a.pdf", 1, 1, {numeric.id: item, "learner": Item("learner", "7")})})])
    assert settle(session, item, "-3.5") is None
    write_answers(session, tmp_path / "answers.csv")
    rows = list(csv.reader((tmp_path / "answers.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert rows[1][rows[0].index(numeric.id)] == "-3.5"  # not '-3.5, which grade could not read
