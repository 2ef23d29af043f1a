"""Paper quizzes in the classroom: a trainer uploads the scans, settles the review, the attempts are stored as paper."""

from __future__ import annotations

import io
import json
import random
import re

import pytest
from PIL import Image
from sqlalchemy import select

from course.classroom import tables as t
from course.classroom.app import create_app
from course.classroom.config import ClassroomConfig
from course.classroom.trainers import set_password
from course.grading.answer_sheet import CellGrader
from tests.classroom.fixtures import ENGLISH, PASSWORD, TRAINER, create_class, signed_in_trainer
from tests.scan import synthetic as syn

pytest_plugins = ["tests.classroom.fixtures"]


@pytest.fixture
def paper_room(db_url, english_site, tmp_path):
    from starlette.testclient import TestClient

    config = ClassroomConfig(course_root=ENGLISH, site_dir=english_site, db_url=db_url, scans_dir=tmp_path / "scans")
    app = create_app(config)
    app.state.classroom.login_policy.base_delay = 0.001
    with TestClient(app):
        app.state.classroom.database.write_now(lambda c: set_password(c, TRAINER, PASSWORD))
        yield app


def _sheets(quiz, seeds, ambiguity):
    sheet = syn.layout_for(quiz, "A", syn.ENGLISH)
    page = syn.rasterise(syn.sheet_pdf(syn.ENGLISH, quiz, "A", _folder()), 200)[0]
    images, planted = [], []
    for seed in seeds:
        rng = random.Random(seed)
        marks, plan = syn.plan_answers(quiz, sheet, 1, rng, ambiguity)
        images.append(Image.fromarray(syn.distort(syn.fill(page, sheet, 1, marks, 200, rng), rng)))
        planted.append(plan)
    data = io.BytesIO()
    images[0].save(data, format="PDF", save_all=True, append_images=images[1:], resolution=200)
    return data.getvalue(), planted


def _folder():
    import tempfile
    from pathlib import Path

    return Path(tempfile.mkdtemp(prefix="paper-sheets-"))


def _expected(quiz, plan):
    """What each question other than short answers earns for the planted cells, as the core grades them."""
    return {q.id: CellGrader(q, quiz=quiz)(plan.cells[q.id], "A") for q in quiz.questions if q.type != "short"}


def test_a_trainer_uploads_scans_settles_the_review_and_attempts_are_stored_as_paper(paper_room):
    app = paper_room
    quiz = syn.course_of(syn.ENGLISH).quizzes[0]
    trainer = signed_in_trainer(app)
    class_id = create_class(trainer)
    pdf, planted = _sheets(quiz, [500, 501], 0.0)
    on_roster = planted[0].cells["learner"]
    trainer.post(f"/trainer/classes/{class_id}/learners", data={"csrf_token": trainer.csrf, "name": "Amal", "roster_id": on_roster})
    trainer.post(f"/trainer/classes/{class_id}/learners", data={"csrf_token": trainer.csrf, "name": "Badr", "roster_id": "4242"})
    page = trainer.get(f"/trainer/classes/{class_id}")
    assert f'action="/trainer/classes/{class_id}/quizzes/{quiz.id}/scans"' in page.text

    upload = trainer.post(f"/trainer/classes/{class_id}/quizzes/{quiz.id}/scans", data={"csrf_token": trainer.csrf},
                          files=[("scans", ("class 3.pdf", pdf, "application/pdf"))])  # fmt: skip
    assert upload.status_code == 303, upload.text
    review = trainer.get(upload.headers["location"])
    assert review.status_code == 200
    # the second sheet's number is not on the roster: the trainer must say whose it is
    assert "not on this class&#39;s roster" in review.text or "not on this class's roster" in review.text
    fields = re.findall(r'name="(decision-\d+)"', review.text)
    assert fields == ["decision-0"]
    nothing_yet = trainer.post(upload.headers["location"], data={"csrf_token": trainer.csrf})
    assert nothing_yet.status_code == 200 and "decision-0" in nothing_yet.text
    with app.state.classroom.database.engine.connect() as connection:
        assert connection.execute(select(t.attempts)).all() == []
    done = trainer.post(upload.headers["location"], data={"csrf_token": trainer.csrf, "decision-0": "4242"})
    assert done.status_code == 303, done.text
    with app.state.classroom.database.engine.connect() as connection:
        query = select(t.attempts, t.learners.c.roster_id).join(t.learners, t.learners.c.id == t.attempts.c.learner_id)
        rows = connection.execute(query).all()
    assert sorted(row.roster_id for row in rows) == sorted([on_roster, "4242"])
    assert {row.source for row in rows} == {"paper"}
    by_roster = {row.roster_id: row for row in rows}
    for roster_id, plan in ((on_roster, planted[0]), ("4242", planted[1])):
        row = by_roster[roster_id]
        earned = json.loads(row.earned)
        expected = _expected(quiz, plan)
        for question in quiz.questions:
            if question.type == "short":
                score = next(k[3] for k, state in plan.states.items() if k[0] == question.id and k[1] == "score" and state == "filled")
                assert earned[question.id] == question.points * (0.0, 0.5, 1.0)[score]
            else:
                assert earned[question.id] == expected[question.id].points, question.id
    # the same review cannot be stored twice
    assert trainer.get(upload.headers["location"]).status_code == 404


def test_an_upload_without_a_trainer_is_refused_before_its_body_is_read(paper_room):
    from tests.classroom.fixtures import client

    stranger = client(paper_room)
    pdf = ("a.pdf", b"%PDF-1.4", "application/pdf")
    response = stranger.post("/trainer/classes/1/quizzes/customs-basics-quiz/scans", files=[("scans", pdf)])
    assert response.status_code in (303, 401, 403)
    assert not paper_room.state.classroom.config.scans_dir.exists()


def test_only_the_scans_upload_may_send_a_large_body(paper_room):
    trainer = signed_in_trainer(paper_room)
    class_id = create_class(trainer)
    big = b"x" * (200 * 1024)
    elsewhere = trainer.post(f"/trainer/classes/{class_id}/learners", data={"csrf_token": trainer.csrf, "name": "A", "roster_id": "1"},
                             files=[("scans", ("a.pdf", big, "application/pdf"))])  # fmt: skip
    assert elsewhere.status_code == 413
    scans = trainer.post(f"/trainer/classes/{class_id}/quizzes/customs-basics-quiz/scans", data={"csrf_token": trainer.csrf},
                         files=[("scans", ("a.txt", big, "text/plain"))])  # fmt: skip
    assert scans.status_code == 400 and "not a PDF, JPEG or PNG file" in scans.text


def test_bubble_sheets_are_for_learners_and_keys_are_not(tmp_path):
    from course.classroom.sitefiles import SiteFiles

    files = SiteFiles(tmp_path, {"pdf/quizzes/q-bubbles-B.pdf": "bubbles", "pdf/quizzes/q-key-B.pdf": "quiz-key-pdf"})
    assert files.audience("pdf/quizzes/q-bubbles-B.pdf") == "learner"
    assert files.audience("pdf/quizzes/q-key-B.pdf") == "trainer"
