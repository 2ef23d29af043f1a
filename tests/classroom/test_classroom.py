"""Classroom mode end to end in-process (Starlette's TestClient), on SQLite and on PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
import random
import time

import lxml.html
import pytest
from sqlalchemy import select

from course.classroom import tables as t
from course.classroom.db import Database
from course.classroom.migrations import SchemaTooNew, current_version, migrate, migrations, schema_migrations
from course.grading.gradebook import shown
from course.grading.rules import grade_quiz
from tests.classroom.fixtures import (
    client,
    create_class,
    joined_learner,
    personal_code,
    quiz_settings,
    right_responses,
    signed_in_trainer,
    submit,
)

pytest_plugins = ["tests.classroom.fixtures"]  # fixtures: db_url, english_site, app, room


def test_migrations_are_versioned_and_run_once(db_url):
    database = Database(db_url)
    try:
        assert migrate(database) == [m.version for m in migrations()] == [1, 2, 3]
        assert migrate(database) == []
        assert current_version(database) == 3
        with database.transaction() as connection:
            connection.execute(schema_migrations.insert().values(version=99, name="future", applied_at=0))
        with pytest.raises(SchemaTooNew, match="version 99"):
            migrate(database)
    finally:
        database.close()


def test_learners_join_by_name_or_roster_id(app, room):
    trainer = signed_in_trainer(app)
    open_id = create_class(trainer, code="OPEN1")
    roster = {"csrf_token": trainer.csrf, "name": "Amal Haddad", "roster_id": "R-7"}
    response = trainer.post(f"/trainer/classes/{open_id}/learners", data=roster)
    assert response.status_code == 303
    code = personal_code(room, "Amal Haddad")
    cards = trainer.get(f"/trainer/classes/{open_id}/cards")
    assert cards.status_code == 200 and code in cards.text  # the roster card the trainer prints
    by_roster = joined_learner(app, "open1", name="", roster_id="R-7", personal_code=code)
    assert by_roster.get("/classroom/api/session").json()["learner"]["name"] == "Amal Haddad"
    by_name = joined_learner(app, " open1 ", name="  amal   HADDAD ", personal_code=code.lower())
    assert by_name.get("/classroom/api/session").json()["learner"]["id"] == by_roster.get("/classroom/api/session").json()["learner"]["id"]
    create_class(trainer, name="Closed", code="CLOSED1", open_join=False)
    stranger = client(app)
    token = stranger.get("/classroom/join")
    from tests.classroom.fixtures import form_token

    refused = stranger.post("/classroom/join", data={"csrf_token": form_token(token), "code": "CLOSED1", "name": "Someone Else"})
    assert refused.status_code == 400 and "not on the class roster" in refused.text
    unknown = stranger.post("/classroom/join", data={"csrf_token": form_token(token), "code": "NOPE99", "name": "X"})
    assert unknown.status_code == 400 and "no class has this code" in unknown.text


def _random_response(question, rng: random.Random):
    letters = "abcdef"
    choices = {
        "single": lambda: rng.choice([*letters[: len(question.options)], "z", None]),
        "multiple": lambda: rng.sample(letters[: len(question.options)], rng.randint(0, len(question.options))),
        "true_false": lambda: rng.choice([True, False, None, "yes"]),
        "short": lambda: rng.choice([*question.answers, "  " + (question.answers or ["x"])[0].upper() + ".", "wrong", ""]),
        "numeric": lambda: rng.choice([str(question.answer), "٣", "abc", 1e9, None]),
        "matching": lambda: [rng.choice([*letters[: len(question.choices)], None]) for _ in question.prompts],
        "ordering": lambda: rng.sample(letters[: len(question.items)], len(question.items)),
    }
    return choices[question.type]()


def test_submissions_are_graded_by_the_core_and_stored(app, room):
    trainer = signed_in_trainer(app)
    create_class(trainer)
    learner = joined_learner(app)
    rng = random.Random(7)
    for quiz in room.course.quizzes:
        for _ in range(6):
            responses = {q.id: _random_response(q, rng) for q in quiz.questions}
            response = submit(learner, quiz.id, responses)
            assert response.status_code == 201, response.text
            body = response.json()
            expected = grade_quiz(quiz, responses)
            assert body["result"]["score"] == expected.score and body["result"]["passed"] is expected.passed
            assert body["result"]["earned"] == {qid: e.points for qid, e in expected.earned.items()}
            assert set(body["result"]["warnings"]) == {qid for qid, e in expected.earned.items() if e.warning}
            assert "key" not in body  # practice: the page already has the answers
    rows = room.database.read_now(lambda c: list(c.execute(select(t.attempts).order_by(t.attempts.c.id))))
    assert len(rows) == 6 * len(room.course.quizzes)
    assert [row.number for row in rows[:6]] == [1, 2, 3, 4, 5, 6]
    for row in rows:
        quiz = room.quiz(row.quiz_id)
        assert grade_quiz(quiz, json.loads(row.responses)).score == row.score


def _quiz_data(page: str) -> dict:
    return json.loads(lxml.html.document_fromstring(page).get_element_by_id("quiz-data").text)


def test_exam_pages_carry_no_answers_until_the_attempt_is_stored(app, room):
    trainer = signed_in_trainer(app)
    class_id = create_class(trainer)
    quiz = room.course.quizzes[0]
    assert quiz_settings(trainer, class_id, quiz.id, mode="exam", reveal="after_each_attempt").status_code == 303
    learner = joined_learner(app)
    page = learner.get(f"/quizzes/{quiz.id}.html")
    assert page.status_code == 200
    data = _quiz_data(page.text)
    for question in data["questions"]:
        assert not {"answer", "answers", "tolerance"} & set(question)
        assert all(set(option) == {"text"} for option in question.get("options", []))
    document = lxml.html.document_fromstring(page.text)
    for giveaway in ("right-answer", "explanation", "option-feedback"):
        assert not document.find_class(giveaway), giveaway
    for question in quiz.questions:
        if question.explanation:
            assert question.explanation not in page.text
        for option in question.options:
            assert not option.feedback or option.feedback not in page.text
    assert document.get_element_by_id("classroom-data") is not None
    assert len(document.xpath("//*[@data-question]")) == len(quiz.questions)  # the page's hooks are kept

    body = submit(learner, quiz.id, {}).json()
    assert body["mode"] == "exam"
    assert [entry["id"] for entry in body["key"]] == [q.id for q in quiz.questions]
    assert body["key"][0] == {**quiz.questions[0].to_dict(), "explanation": quiz.questions[0].explanation, **_feedback(quiz.questions[0])}
    full = _quiz_data(learner.get(f"/quizzes/{quiz.id}.html").text)
    assert full["questions"] == [q.to_dict() for q in quiz.questions]  # attempted: the full page


def _feedback(question) -> dict:
    return {"feedback": [o.feedback for o in question.options]} if question.options else {}


def test_practice_pages_keep_everything_and_add_the_classroom_script(app, room, english_site):
    trainer = signed_in_trainer(app)
    create_class(trainer)
    learner = joined_learner(app)
    quiz = room.course.quizzes[0]
    page = learner.get(f"/quizzes/{quiz.id}.html").text
    built = (english_site / "quizzes" / f"{quiz.id}.html").read_text(encoding="utf-8")
    assert _quiz_data(page) == _quiz_data(built)
    document = lxml.html.document_fromstring(page)
    assert document.xpath('//script[@src="../classroom/static/classroom.js"]')
    assert document.xpath('//link[@href="../classroom/static/classroom.css"]')
    assert document.get_element_by_id("classroom-bar").getparent().get("id") == "main"
    assert client(app).get(f"/quizzes/{quiz.id}.html").headers["location"].startswith("/classroom/join?next=")


def test_attempt_limits_and_quiz_windows(app, room):
    trainer = signed_in_trainer(app)
    class_id = create_class(trainer)
    first, second = room.course.quizzes[0].id, room.course.quizzes[1].id
    quiz_settings(trainer, class_id, first, max_attempts="2")
    learner = joined_learner(app)
    assert [submit(learner, first, {}).status_code for _ in range(3)] == [201, 201, 409]
    assert submit(learner, first, {}).json()["attempts_left"] == 0
    past = time.strftime("%Y-%m-%dT%H:%M", time.localtime(time.time() - 7200))
    future = time.strftime("%Y-%m-%dT%H:%M", time.localtime(time.time() + 7200))
    quiz_settings(trainer, class_id, second, closes_at=past)
    assert submit(learner, second, {}).json() == {"error": "this quiz is closed", "state": "closed"}
    quiz_settings(trainer, class_id, second, opens_at=future)
    assert submit(learner, second, {}).status_code == 403
    assert quiz_settings(trainer, class_id, second, opens_at=future, closes_at=past).status_code == 400
    quiz_settings(trainer, class_id, second)
    assert submit(learner, second, {}).status_code == 201
    session = learner.get("/classroom/api/session").json()["quizzes"]
    assert session[first] == {
        "mode": "practice",
        "max_attempts": 2,
        "attempts_used": 2,
        "state": "open",
        "reveal": "after_close",
        "revealed": True,  # practice: the page holds the answers
    }


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_dashboard_gradebook_item_analysis_and_exports(app, room):
    trainer = signed_in_trainer(app)
    class_id = create_class(trainer)
    quiz = room.course.quizzes[0]
    rng = random.Random(3)
    learners = {name: joined_learner(app, name=name) for name in ("Bilal", "Dana", "=HYPERLINK(1)", "Ezz")}
    scores = {}
    for name, learner in learners.items():
        for _ in range(2):
            responses = {q.id: _random_response(q, rng) for q in quiz.questions}
            scores.setdefault(name, []).append(submit(learner, quiz.id, responses).json()["result"]["score"])
    assert submit(learners["Bilal"], quiz.id, right_responses(quiz)).json()["result"]["passed"] is True
    scores["Bilal"].append(quiz.max_points)

    page = trainer.get(f"/trainer/classes/{class_id}/quizzes/{quiz.id}")
    assert page.status_code == 200
    document = lxml.html.document_fromstring(page.text)
    assert len(document.xpath("//svg[@class='bar-chart']")) == 2
    assert len(document.xpath("//*[@id='histogram-title']")) == 1
    assert len(document.xpath("//*[@id='items']/tbody/tr")) == len(quiz.questions)
    assert len(document.xpath("//*[@id='gradebook']/tbody/tr")) == 4

    gradebook = _csv(trainer.get(f"/trainer/classes/{class_id}/quizzes/{quiz.id}/gradebook.csv"))
    assert gradebook[0] == ["learner", "score", "max", "percent", "passed", *(q.id for q in quiz.questions)]
    best = {row[0]: row[1] for row in gradebook[1:]}
    assert best == {("'" + name if name.startswith("=") else name): shown(max(s)) for name, s in scores.items()}
    attempts = _csv(trainer.get(f"/trainer/classes/{class_id}/quizzes/{quiz.id}/attempts.csv"))
    assert len(attempts) == 1 + 9 and "'=HYPERLINK(1)" in {row[0] for row in attempts}
    items = _csv(trainer.get(f"/trainer/classes/{class_id}/quizzes/{quiz.id}/items.csv"))
    assert [row[0] for row in items[1:]] == [q.id for q in quiz.questions]
    assert trainer.get(f"/trainer/classes/{class_id}/quizzes/{quiz.id}/secrets.csv").status_code == 404
    _results_report(app, trainer, class_id, quiz, learners, [s[0] for s in scores.values()])

    class_page = trainer.get(f"/trainer/classes/{class_id}")
    assert class_page.status_code == 200 and "Bilal" in class_page.text
    learner_id = learners["Dana"].get("/classroom/api/session").json()["learner"]["id"]
    assert trainer.get(f"/trainer/classes/{class_id}/learners/{learner_id}").status_code == 200
    assert trainer.get(f"/trainer/classes/{class_id + 1}/learners/{learner_id}").status_code == 404
    assert learners["Dana"].get("/classroom/me").status_code == 200


def _results_report(app, trainer, class_id, quiz, learners, first_scores) -> None:
    """The grade command's results report, for the class: from each learner's first attempt, for trainers only."""
    from starlette.testclient import TestClient

    base = f"/trainer/classes/{class_id}/quizzes/{quiz.id}"
    page = trainer.get(f"{base}/results.html")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "attachment" in page.headers["content-disposition"]
    document = lxml.html.document_fromstring(page.text)
    text = " ".join(document.text_content().split())
    mean = shown(sum(first_scores) / len(first_scores))
    assert mean in text, f"the mean of the first attempts ({mean}) is not in the report"
    assert "&lt;" not in text and "=HYPERLINK" not in text, "learner names are not in the report"
    pdf = trainer.get(f"{base}/results.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert learners["Bilal"].get(f"{base}/results.pdf").status_code in (303, 401, 403, 404)
    anonymous = TestClient(app)
    assert anonymous.get(f"{base}/results.html", follow_redirects=False).status_code in (303, 401, 403, 404)


def test_certificates_for_learners_who_passed_every_quiz(app, room):
    from pypdf import PdfReader

    trainer = signed_in_trainer(app)
    class_id = create_class(trainer)
    passing, failing = joined_learner(app, name="Huda Saleh"), joined_learner(app, name="Omar")
    for quiz in room.course.quizzes:
        assert submit(passing, quiz.id, right_responses(quiz)).json()["result"]["passed"]
        submit(failing, quiz.id, {})
    assert failing.get("/classroom/certificate.pdf").status_code == 403
    response = passing.get("/classroom/certificate.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Huda Saleh" in text and room.course.title in text
    code = response.headers["content-disposition"].split("certificate-")[1].split(".pdf")[0]
    assert f"code={code[:4]}-{code[4:8]}-{code[8:]}" in text
    again = passing.get("/classroom/certificate.pdf")
    assert again.headers["content-disposition"] == response.headers["content-disposition"]  # one certificate per learner

    anyone = client(app)
    verified = anyone.get("/verify", params={"code": f"{code[:4]}-{code[4:8]}-{code[8:]}".lower()})
    assert verified.status_code == 200 and 'data-verified="true"' in verified.text and "Huda Saleh" in verified.text
    assert anyone.get("/verify", params={"code": "AAAA-BBBB-CCCC"}).status_code == 404
    matrix = trainer.get(f"/trainer/classes/{class_id}").text
    assert matrix.count("certificate.pdf") == 1
    rows = room.database.read_now(lambda c: list(c.execute(select(t.certificates))))
    assert [row.learner_name for row in rows] == ["Huda Saleh"]


@pytest.fixture(scope="module")
def vector_course(tmp_path_factory):
    """The English fixture course with one quiz per shared quiz vector (tests/vectors/quiz.json)."""
    import shutil

    import yaml

    from course.build.pipeline import BuildOptions, build_course
    from tests.classroom.fixtures import ENGLISH
    from tests.grading_cases import quiz_cases

    root = tmp_path_factory.mktemp("vector-course") / "course"
    shutil.copytree(ENGLISH, root)
    for old in (root / "quizzes").glob("*.yaml"):
        old.unlink()
    cases = quiz_cases()
    for number, case in enumerate(cases):
        questions = [{"prompt": f"Question {q['id']}", **q} for q in case["quiz"]["questions"]]
        data = {"id": f"vector-{number}", "module": "customs-basics", "title": case["name"], "pass_mark": case["quiz"]["pass_mark"]}
        (root / "quizzes" / f"vector-{number}.yaml").write_text(yaml.safe_dump({**data, "questions": questions}), encoding="utf-8")
    build_course(root, BuildOptions(out=root / "site", pdf=False))
    return root, cases


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_server_meets_the_shared_quiz_vectors(backend, tmp_path, vector_course, postgresql):
    from starlette.testclient import TestClient

    from course.classroom.trainers import set_password
    from tests.classroom.fixtures import PASSWORD, TRAINER, database_url, make_app
    from tests.grading_cases import same_points

    root, cases = vector_course
    application = make_app(database_url(backend, tmp_path, postgresql), root / "site", course_root=root)
    with TestClient(application):
        application.state.classroom.database.write_now(lambda c: set_password(c, TRAINER, PASSWORD))
        create_class(signed_in_trainer(application))
        learner = joined_learner(application)
        for number, case in enumerate(cases):
            quiz_id, known = f"vector-{number}", {q["id"] for q in case["quiz"]["questions"]}
            responses = {qid: value for qid, value in case["responses"].items() if qid in known}
            if responses != case["responses"]:  # the core ignores unknown ids; the server refuses them (a 4xx, never a guess)
                assert submit(learner, quiz_id, case["responses"]).status_code == 400
            result = submit(learner, quiz_id, responses).json()["result"]
            assert same_points(result["score"], case["score"]) and same_points(result["max"], case["max"]), case["id"]
            assert same_points(result["percent"], case["percent"]) and result["passed"] is case["passed"], case["id"]


def test_the_shipped_course_gives_an_arabic_right_to_left_certificate(tmp_path):
    from pypdf import PdfReader
    from starlette.testclient import TestClient

    from course.build.pipeline import BuildOptions, build_course
    from course.classroom.trainers import set_password
    from tests.classroom.fixtures import PASSWORD, REPO, TRAINER, make_app

    site = tmp_path / "site"
    build_course(REPO, BuildOptions(out=site, pdf=False))
    application = make_app(f"sqlite:///{tmp_path / 'shipped.db'}", site, course_root=REPO)
    with TestClient(application):
        state = application.state.classroom
        state.database.write_now(lambda c: set_password(c, TRAINER, PASSWORD))
        create_class(signed_in_trainer(application))
        learner = joined_learner(application, name="أمل الحسيني")
        join_page = client(application).get("/classroom/join").text
        assert '<html lang="ar" dir="rtl">' in join_page and "انضم إلى فصلك" in join_page
        for quiz in state.course.quizzes:
            assert submit(learner, quiz.id, right_responses(quiz)).json()["result"]["passed"]
        assert "نتائجي" in learner.get("/classroom/me").text
        response = learner.get("/classroom/certificate.pdf")
    reader = PdfReader(io.BytesIO(response.content))
    fonts = {str(font["/BaseFont"]) for page in reader.pages for font in page["/Resources"]["/Font"].values()}
    assert any("Amiri" in font for font in fonts), fonts
    text = reader.pages[0].extract_text()
    assert "شهادة" in text and "/verify?code=" in text
