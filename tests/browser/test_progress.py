"""Progress a learner can see: each module's state, the best quiz result, overall progress, a
"continue" link, and a way to clear it; kept in the storage the quiz page uses. Real Chromium,
from file://, at phone and desktop width, in Arabic and English."""

from __future__ import annotations

import json

import pytest

from course.load import load_course
from course.render.site.progress import progress_key
from tests.browser.conftest import ENGLISH, REPO

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
SITES = {"english_site": ENGLISH, "arabic_site": REPO}


def course_of(root):
    course, problems = load_course(root)
    assert course is not None, problems
    return course


def right_responses(quiz) -> dict:
    out = {}
    for q in quiz.questions:
        if q.type == "single":
            out[q.id] = next(chr(97 + i) for i, o in enumerate(q.options) if o.correct)
        elif q.type == "multiple":
            out[q.id] = [chr(97 + i) for i, o in enumerate(q.options) if o.correct]
        elif q.type in ("true_false", "matching", "ordering"):
            out[q.id] = q.answer
        elif q.type == "short":
            out[q.id] = q.answers[0]
        else:
            out[q.id] = str(q.answer)
    return out


@pytest.mark.parametrize("which", list(SITES))
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_home_shows_not_started_then_read_then_passed_with_the_best_score_and_a_continue_link(which, viewport, request, browser):
    site = request.getfixturevalue(which)
    course = course_of(SITES[which])
    module = course.modules[0]
    quiz = course.quizzes_for(module.id)[0]
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto((site / "index.html").as_uri())
    card = page.locator(f'[data-progress-module="{module.id}"]')
    assert card.get_attribute("data-state") == "not-started"
    assert page.locator(".course-progress").is_visible()
    assert page.locator(".progress-continue").is_hidden()

    page.goto((site / "modules" / f"{module.id}.html").as_uri())
    page.locator("[data-progress-end]").scroll_into_view_if_needed()
    page.wait_for_function(f"() => JSON.parse(localStorage.getItem('{progress_key(course)}')).read['{module.id}'] === 1")

    page.goto((site / "quizzes" / f"{quiz.id}.html").as_uri())
    page.evaluate("(r) => { CourseQuiz.setResponses(r); CourseQuiz.submit(); }", {q.id: None for q in quiz.questions})  # a failed try
    page.click('[data-action="retry"]')
    page.evaluate("(r) => { CourseQuiz.setResponses(r); CourseQuiz.submit(); }", right_responses(quiz))
    page.click('[data-action="retry"]')  # the quiz page forgets; the best result stays
    page.evaluate("(r) => { CourseQuiz.setResponses(r); CourseQuiz.submit(); }", {q.id: None for q in quiz.questions})

    page.goto((site / "modules" / f"{module.id}.html").as_uri())
    result = page.locator(f'[data-progress-quiz="{quiz.id}"]')
    assert result.get_attribute("data-state") == "passed"
    max_points = f"{quiz.max_points:g}"
    assert max_points in result.text_content() and "100" in result.text_content()

    page.goto((site / "index.html").as_uri())
    assert card.get_attribute("data-state") == "passed"
    assert page.locator(".course-progress progress").evaluate("p => [p.value, p.max]") == [1, len(course.modules)]
    link = page.locator("[data-progress-continue]")
    assert link.is_visible()
    assert link.get_attribute("href") == f"modules/{module.id}.html"
    assert page.locator(f'[data-progress-module="{course.modules[1].id}"]').get_attribute("data-state") == "not-started"
    context.close()


def test_a_result_kept_by_the_quiz_page_alone_counts_and_clearing_forgets_everything_by_keyboard(english_site, browser):
    course = course_of(ENGLISH)
    quiz = course.quizzes[0]
    context = browser.new_context()
    page = context.new_page()
    page.goto((english_site / "quizzes" / f"{quiz.id}.html").as_uri())
    page.evaluate("(r) => { CourseQuiz.setResponses(r); CourseQuiz.submit(); }", right_responses(quiz))
    page.evaluate(f"localStorage.removeItem('{progress_key(course)}')")  # only the quiz page's own state is left
    page.goto((english_site / "index.html").as_uri())
    assert page.locator(f'[data-progress-module="{quiz.module}"]').get_attribute("data-state") == "passed"
    page.focus('[data-action="clear-progress"]')
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.dataset.action") == "clear-yes"
    page.keyboard.press("Enter")
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('course-'))") in ([], ["course-colour-scheme"])
    assert page.locator(f'[data-progress-module="{quiz.module}"]').get_attribute("data-state") == "not-started"
    assert page.locator("[data-progress-status]").text_content().strip()
    page.goto((english_site / "quizzes" / f"{quiz.id}.html").as_uri())
    assert page.locator("[data-result]").count() == 0, "the quiz page starts afresh"
    context.close()


def test_progress_data_names_the_storage_the_quiz_page_uses(english_site):
    course = course_of(ENGLISH)
    html = (english_site / "modules" / f"{course.modules[0].id}.html").read_text(encoding="utf-8")
    data = json.loads(html.split('id="progress-data">', 1)[1].split("</script>", 1)[0])
    quiz_html = (english_site / "quizzes" / f"{course.quizzes[0].id}.html").read_text(encoding="utf-8")
    quiz_data = json.loads(quiz_html.split('id="quiz-data">', 1)[1].split("</script>", 1)[0])
    assert quiz_data["storage_key"] == data["quiz_prefix"] + course.quizzes[0].id
