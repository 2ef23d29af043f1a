"""Fixtures and helpers of the classroom tests (imported by the other test_classroom files).

Every classroom test that touches the database runs twice: on SQLite (a file
in ``tmp_path``) and on PostgreSQL, a throwaway cluster started once per test
session with Debian's initdb/pg_ctl on a free loopback port and stopped at
the session's end; each test gets its own database in it. Without PostgreSQL's binaries
the PostgreSQL cases skip, saying why. (The fixtures reach the other files
through ``pytest_plugins``, so the session-scoped cluster is one for all.)
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from course.build.pipeline import BuildOptions, build_course
from course.classroom.app import create_app
from course.classroom.config import ClassroomConfig
from course.classroom.pgcluster import PostgresCluster, binaries
from course.classroom.trainers import set_password
from course.model import Quiz, letter

REPO = Path(__file__).resolve().parents[2]
ENGLISH = REPO / "tests" / "fixtures" / "english-course"
TRAINER, PASSWORD = "trainer", "correct horse battery"
_names = itertools.count(1)


class Clusters:
    """The session's PostgreSQL cluster, started on first use and stopped when the session ends."""

    def __init__(self):
        self.cluster: PostgresCluster | None = None

    def get(self) -> PostgresCluster:
        if binaries() is None:
            pytest.skip("PostgreSQL is not installed (apt-get install postgresql): PostgreSQL cases skipped")
        if self.cluster is None:
            self.cluster = PostgresCluster().start()
        return self.cluster

    def stop(self) -> None:
        if self.cluster is not None:
            self.cluster.stop()
            self.cluster = None


@pytest.fixture(scope="session")
def postgresql():
    clusters = Clusters()
    yield clusters
    clusters.stop()


def database_url(backend: str, tmp_path: Path, clusters: Clusters) -> str:
    """A new, empty database: a file in tmp_path, or a database of its own in the session's cluster."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'classroom.db'}"
    return clusters.get().create_database(f"classroom_{next(_names)}")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path, postgresql) -> str:
    return database_url(request.param, tmp_path, postgresql)


@pytest.fixture(scope="session")
def english_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("classroom-english") / "site"
    build_course(ENGLISH, BuildOptions(out=out, pdf=False))
    return out


def make_app(db_url: str, site: Path, course_root: Path = ENGLISH):
    app = create_app(ClassroomConfig(course_root=course_root, site_dir=site, db_url=db_url))
    app.state.classroom.login_policy.base_delay = 0.001
    return app


@pytest.fixture
def app(db_url, english_site):
    return make_app(db_url, english_site)


@pytest.fixture
def room(app):
    """The app started (migrated), with a trainer account; yields its Classroom state."""
    from starlette.testclient import TestClient

    with TestClient(app):
        state = app.state.classroom
        state.database.write_now(lambda c: set_password(c, TRAINER, PASSWORD))
        yield state


def client(app):
    from starlette.testclient import TestClient

    return TestClient(app, follow_redirects=False)


def form_token(response) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', response.text).group(1)


def signed_in_trainer(app):
    browser = client(app)
    token = form_token(browser.get("/trainer/login"))
    response = browser.post("/trainer/login", data={"csrf_token": token, "name": TRAINER, "password": PASSWORD})
    assert response.status_code == 303, response.text
    browser.csrf = token
    return browser


def create_class(trainer, name: str = "Morning group", code: str = "MORNING", open_join: bool = True) -> int:
    data = {"csrf_token": trainer.csrf, "name": name, "code": code} | ({"open_join": "on"} if open_join else {})
    response = trainer.post("/trainer/classes", data=data)
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def quiz_settings(trainer, class_id: int, quiz_id: str, **fields):
    data = {"csrf_token": trainer.csrf, "mode": "practice", "max_attempts": "", "opens_at": "", "closes_at": ""} | fields
    return trainer.post(f"/trainer/classes/{class_id}/quizzes/{quiz_id}/settings", data=data)


def joined_learner(app, code: str = "MORNING", name: str = "Learner One", roster_id: str = "", personal_code: str = ""):
    browser = client(app)
    token = form_token(browser.get("/classroom/join"))
    data = {"csrf_token": token, "code": code, "name": name, "roster_id": roster_id, "personal_code": personal_code}
    response = browser.post("/classroom/join", data=data)
    assert response.status_code == 303, response.text
    browser.csrf = browser.get("/classroom/api/session").json()["csrf"]
    return browser


def submit(learner, quiz_id: str, responses: dict, **headers):
    url = f"/classroom/api/quizzes/{quiz_id}/attempts"
    return learner.post(url, json={"responses": responses}, headers={"X-CSRF-Token": learner.csrf} | headers)


def right_responses(quiz: Quiz) -> dict:
    def right(question):
        if question.type == "single":
            return next(letter(i) for i, option in enumerate(question.options) if option.correct)
        if question.type == "multiple":
            return [letter(i) for i, option in enumerate(question.options) if option.correct]
        if question.type == "short":
            return question.answers[0]
        return question.answer

    return {question.id: right(question) for question in quiz.questions}


def personal_code(room, name: str) -> str:
    """A learner's personal code, as the trainer's roster card shows it."""
    from sqlalchemy import select

    from course.classroom import tables as t

    return room.database.read_now(lambda c: c.scalar(select(t.learners.c.personal_code).where(t.learners.c.name == name)))
