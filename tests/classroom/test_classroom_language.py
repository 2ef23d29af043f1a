"""Classroom mode in the course's language: pages from the catalogues, errors the page shows translated (issue 20)."""

from __future__ import annotations

from pathlib import Path

import pytest

from course.build.pipeline import BuildOptions, build_course
from tests.classroom.fixtures import client, form_token, make_app

FRENCH = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "french-course"


@pytest.fixture(scope="module")
def french_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("classroom-french") / "site"
    build_course(FRENCH, BuildOptions(out=out, pdf=False))
    return out


def test_a_french_classroom_speaks_french_and_translates_the_errors_it_sends(tmp_path, french_site):
    from starlette.testclient import TestClient

    app = make_app(f"sqlite:///{tmp_path / 'classroom.db'}", french_site, course_root=FRENCH)
    with TestClient(app):
        browser = client(app)
        page = browser.get("/classroom/join")
        assert "Rejoindre votre classe" in page.text and "Join your class" not in page.text
        form_token(page)
        refused = browser.post("/classroom/api/quizzes/brulures-quiz/attempts", json={"responses": {}})
        body = refused.json()
        assert refused.status_code in (401, 403), body
        assert body["error"].isascii()  # the English stays for API clients
        assert "message" in body and body["message"] != body["error"], body
