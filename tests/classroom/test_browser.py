"""Classroom mode in real Chromium: join, answer, submit to the server, see the result; exam pages; axe."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import httpx2 as httpx
import pytest

from tests.browser import PageWatch, describe, run_axe
from tests.classroom.fixtures import PASSWORD, TRAINER
from tests.classroom.test_server import admin, csrf, server_factory, stored_attempt_ids  # noqa: F401  (fixture)

pytest_plugins = ["tests.classroom.fixtures"]


@dataclass
class Live:
    server: object
    db_url: str
    reveal: Callable[[str], None]  # change the exam quiz's reveal setting

    def __iter__(self):
        return iter((self.server, self.db_url))


@pytest.fixture
def live(english_site, server_factory, tmp_path):  # noqa: F811
    db_url = f"sqlite:///{tmp_path / 'browser.db'}"
    assert admin(db_url, "set-password", TRAINER).returncode == 0
    server = server_factory(db_url, english_site)
    trainer = httpx.Client(base_url=server.base, timeout=30)
    token = csrf(trainer, "/trainer/login")
    trainer.post("/trainer/login", data={"csrf_token": token, "name": TRAINER, "password": PASSWORD})
    response = trainer.post("/trainer/classes", data={"csrf_token": token, "name": "Browser", "code": "BROWSE1", "open_join": "on"})
    class_id = int(response.headers["location"].rsplit("/", 1)[1])
    fields = {"csrf_token": token, "mode": "exam", "max_attempts": "2", "opens_at": "", "closes_at": "", "reveal": "after_each_attempt"}
    assert trainer.post(f"/trainer/classes/{class_id}/quizzes/risk-profiling-quiz/settings", data=fields).status_code == 303

    def reveal(setting: str) -> None:
        data = fields | {"reveal": setting}
        assert trainer.post(f"/trainer/classes/{class_id}/quizzes/risk-profiling-quiz/settings", data=data).status_code == 303

    return Live(server, db_url, reveal)


def test_a_learner_joins_answers_and_the_server_keeps_the_attempt(browser, live):
    server, db_url = live
    page = browser.new_page(bypass_csp=True)  # axe is injected as an inline script
    watch = PageWatch(page)
    page.goto(f"{server.base}/quizzes/customs-basics-quiz.html")
    assert "/classroom/join" in page.url
    assert not describe(run_axe(page)), describe(run_axe(page))
    page.fill("#code", "browse1")
    page.fill("#name", 'Nour <img src=x onerror="alert(1)">')
    page.click("button[type=submit]")
    page.wait_for_url("**/quizzes/customs-basics-quiz.html")
    page.wait_for_function("document.getElementById('classroom-who').textContent.includes('Nour')")
    page.check('[data-question="q1"] input[data-letter="a"]')
    page.click('[data-action="submit"]')
    page.wait_for_selector("[data-result][data-score]")
    page.wait_for_function("document.getElementById('classroom-status').textContent.includes('1')")
    assert page.get_attribute("[data-result]", "data-score") == "1"
    assert len(stored_attempt_ids(db_url)) == 1
    page.goto(f"{server.base}/classroom/me")
    assert not describe(run_axe(page)), describe(run_axe(page))
    assert watch.errors == []
    page.close()


def test_an_exam_page_shows_the_answers_only_after_the_server_has_the_attempt(browser, live):
    server, db_url = live
    page = browser.new_page(bypass_csp=True)  # axe is injected as an inline script
    watch = PageWatch(page)
    page.goto(f"{server.base}/classroom/join")
    page.fill("#code", "BROWSE1")
    page.fill("#name", "Salma")
    page.click("button[type=submit]")
    page.wait_for_url("**/classroom/me")
    page.goto(f"{server.base}/quizzes/risk-profiling-quiz.html")
    page.wait_for_function("document.getElementById('classroom-status').textContent.length > 0")
    assert page.locator(".right-answer").count() == 0 and page.locator(".explanation").count() == 0
    page.click('[data-action="submit"]')
    page.wait_for_selector("[data-result][data-score]")  # after the reload, on the full page
    assert page.locator(".right-answer").count() > 0
    assert page.locator(".question-outcome:not([hidden]) .right-answer").count() > 0
    assert len(stored_attempt_ids(db_url)) == 1
    assert "1" in page.text_content("#classroom-status")
    assert watch.errors == []
    page.close()


def test_an_exam_page_keeps_the_answers_back_until_the_quiz_closes(browser, live):
    server, db_url = live
    live.reveal("after_close")
    page = browser.new_page(bypass_csp=True)  # wait_for_function evaluates a string
    watch = PageWatch(page)
    page.goto(f"{server.base}/classroom/join")
    page.fill("#code", "BROWSE1")
    page.fill("#name", "Karim")
    page.click("button[type=submit]")
    page.wait_for_url("**/classroom/me")
    page.goto(f"{server.base}/quizzes/risk-profiling-quiz.html")
    page.wait_for_function("document.getElementById('classroom-status').textContent.length > 0")
    page.click('[data-action="submit"]')
    page.wait_for_function("document.getElementById('classroom-status').textContent.includes('%')")
    assert len(stored_attempt_ids(db_url)) == 1
    assert page.locator(".right-answer").count() == 0 and page.locator(".explanation").count() == 0
    assert '"correct"' not in page.content()
    assert watch.errors == []
    page.close()


def test_classroom_pages_pass_axe_in_dark_colours(browser, live):
    """site.css makes the classroom's pages dark when the system asks for it; classroom.css's own colours follow."""
    server, _ = live
    context = browser.new_context(color_scheme="dark", bypass_csp=True)  # axe is injected as an inline script
    page = context.new_page()
    watch = PageWatch(page)
    failures = []

    def check(where: str) -> None:
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(19, 25, 32)", where
        violations = run_axe(page)
        if violations:
            failures.append(f"{where}:\n{describe(violations)}")

    page.goto(f"{server.base}/classroom/join")
    check("join")
    page.fill("#code", "BROWSE1")
    page.fill("#name", "Huda")
    page.click("button[type=submit]")
    page.wait_for_url("**/classroom/me")
    check("me, personal code")
    page.goto(f"{server.base}/quizzes/customs-basics-quiz.html")
    page.wait_for_function("document.getElementById('classroom-who').textContent.includes('Huda')")
    check("quiz, the classroom bar")
    page.check('[data-question="q1"] input[data-letter="a"]')
    page.click('[data-action="submit"]')
    page.wait_for_function("document.getElementById('classroom-status').textContent.length > 0")
    check("quiz, submitted")
    page.goto(f"{server.base}/classroom/me")
    check("me, results")
    page.goto(f"{server.base}/trainer/login")
    page.fill("#name", TRAINER)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/trainer")
    check("trainer, classes")
    page.click("text=Browser")
    page.wait_for_url("**/trainer/classes/*")
    check("trainer, a class's gradebook")
    page.locator("thead a").first.click()
    page.wait_for_url("**/quizzes/*")
    check("trainer, a quiz's results")
    context.close()
    assert not failures, "\n".join(failures)
    assert watch.errors == []
