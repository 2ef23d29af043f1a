"""The quiz page in real Chromium, from file://: hooks, grading, storage, keyboard, axe.

Both courses are built once per session without PDFs. Answers are given
through the page itself (clicks, selects, typing, or the keyboard alone), and
every score the page shows is compared with ``course.grading.rules.grade_quiz`` for
the same responses: the page and Python must agree to the last bit.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from course.build.pipeline import BuildOptions, build_course, check_course
from course.grading.rules import grade_quiz
from course.model import Course, Question, Quiz, letter, letter_index
from course.render.environment import number
from tests.browser import PageWatch, describe, run_axe

REPO = Path(__file__).resolve().parents[3]
COURSES = {"english": REPO / "tests" / "fixtures" / "english-course", "shipped": REPO}
CHOICE_TYPES = ("single", "multiple", "true_false")


@dataclass
class Site:
    course: Course
    out: Path

    def url(self, quiz: Quiz) -> str:
        return (self.out / "quizzes" / f"{quiz.id}.html").as_uri()

    def quiz(self, quiz_id: str) -> Quiz:
        return next(q for q in self.course.quizzes if q.id == quiz_id)


@pytest.fixture(scope="session")
def quiz_sites(tmp_path_factory):
    built: dict[str, Site] = {}

    def site(name: str) -> Site:
        if name not in built:
            out = tmp_path_factory.mktemp(f"quiz-site-{name}") / "dist"
            build_course(COURSES[name], BuildOptions(out=out, pdf=False))
            course, problems = check_course(COURSES[name])
            assert course is not None, problems
            built[name] = Site(course, out)
        return built[name]

    return site


@pytest.fixture
def open_quiz(browser):
    """Open a quiz page in a fresh context (its own localStorage); offline, watched."""
    contexts = []

    def open_(site: Site, quiz: Quiz, **options):
        context = browser.new_context(offline=True, **options)
        contexts.append(context)
        page = context.new_page()
        watch = PageWatch(page)
        page.goto(site.url(quiz))
        page.wait_for_function("window.CourseQuiz !== undefined")
        return page, watch

    yield open_
    for context in contexts:
        context.close()


# ---- responses from the model ------------------------------------------------


def right_response(question: Question):
    if question.type == "single":
        return next(letter(i) for i, o in enumerate(question.options) if o.correct)
    if question.type == "multiple":
        return [letter(i) for i, o in enumerate(question.options) if o.correct]
    if question.type == "true_false":
        return question.answer
    if question.type == "short":
        return question.answers[0]
    if question.type == "numeric":
        return str(question.answer)
    return list(question.answer)


def wrong_response(question: Question):
    if question.type == "single":
        return next(letter(i) for i, o in enumerate(question.options) if not o.correct)
    if question.type == "multiple":
        return [letter(i) for i, o in enumerate(question.options) if not o.correct] or None
    if question.type == "true_false":
        return not question.answer
    if question.type == "short":
        return "zzz no such answer"
    if question.type == "numeric":
        return str(question.answer + question.tolerance + 1)
    if question.type == "matching":
        return [letter((letter_index(key) + 1) % len(question.choices)) for key in question.answer]
    return question.answer[1:] + question.answer[:1]  # every item one place off


def partial_response(question: Question, index: int):
    """Right, wrong, partly right or unanswered, by position: a mix of everything."""
    if index % 4 == 3:
        return None
    if question.type == "multiple":
        return right_response(question)[:1]
    if question.type == "matching":
        return right_response(question)[:1] + wrong_response(question)[1:]
    if question.type == "ordering":
        right = right_response(question)
        return [right[1], right[0], *right[2:]]
    return right_response(question) if index % 2 == 0 else wrong_response(question)


def responses_for(quiz: Quiz, make) -> dict:
    return {q.id: make(q) for q in quiz.questions}


# ---- answering through the page ----------------------------------------------


def question_locator(page, question_id: str):
    return page.locator(f"[data-question={json.dumps(question_id)}]")


def answer(page, quiz: Quiz, responses: dict) -> None:
    """Give the answers with clicks, selects and typing, as a learner would."""
    for question in quiz.questions:
        response = responses.get(question.id)
        if response is None:
            continue
        element = question_locator(page, question.id)
        if question.type in CHOICE_TYPES:
            keys = response if isinstance(response, list) else [str(response).lower() if isinstance(response, bool) else response]
            for key in keys:
                element.locator(f'input[data-letter="{key}"]').check()
        elif question.type in ("short", "numeric"):
            element.locator('input[type="text"]').fill(response)
        else:
            selects = element.locator("select")
            for position, key in enumerate(response):
                if key is not None:
                    selects.nth(position).select_option(value=key)


def result_of(page) -> dict:
    result = page.locator("[data-result]")
    assert result.count() == 1, "after grading exactly one element carries data-result"
    return {name: result.get_attribute(f"data-{name}") for name in ("score", "max", "percent", "passed")}


def earned_of(page, quiz: Quiz) -> dict:
    return {q.id: question_locator(page, q.id).get_attribute("data-earned") for q in quiz.questions}


def assert_same_as_python(page, quiz: Quiz, responses: dict) -> None:
    expected = grade_quiz(quiz, responses)
    shown = result_of(page)
    assert float(shown["score"]) == expected.score
    assert float(shown["max"]) == expected.max
    assert float(shown["percent"]) == expected.percent
    assert shown["passed"] == ("true" if expected.passed else "false")
    for question_id, earned in earned_of(page, quiz).items():
        assert earned is not None, f"{question_id} has no data-earned after grading"
        assert float(earned) == expected.earned[question_id].points, question_id
    assert number(expected.percent) in page.locator("[data-result]").inner_text()


def canonical(quiz: Quiz, responses: dict) -> dict:
    """What CourseQuiz.getResponses() returns for these answers."""
    out = {}
    for question in quiz.questions:
        value = responses.get(question.id)
        out[question.id] = sorted(value) if question.type == "multiple" and value else value
    return out


def all_quizzes(name: str):
    course, _ = check_course(COURSES[name])
    return [pytest.param(name, quiz.id, id=f"{name}-{quiz.id}") for quiz in (course.quizzes if course else [])]


QUIZZES = all_quizzes("english") + all_quizzes("shipped")


# ---- the tests ---------------------------------------------------------------


@pytest.mark.parametrize(("course_name", "quiz_id"), QUIZZES)
def test_every_hook_is_there_for_every_question(course_name, quiz_id, quiz_sites, open_quiz):
    site = quiz_sites(course_name)
    quiz = site.quiz(quiz_id)
    page, watch = open_quiz(site, quiz)
    assert page.get_attribute("html", "lang") == site.course.language
    assert page.get_attribute("html", "dir") == site.course.direction
    assert page.locator('[data-action="submit"]').count() == 1
    assert page.locator('[data-action="retry"]').count() == 1
    assert page.locator("[data-result]").count() == 0, "no result before grading"
    assert page.locator("[data-question]").count() == len(quiz.questions)
    for question in quiz.questions:
        element = question_locator(page, question.id)
        assert element.count() == 1
        assert element.evaluate("e => e.tagName") == "FIELDSET"
        assert element.locator("legend").count() == 1
        assert element.get_attribute("data-type") == question.type
        assert float(element.get_attribute("data-points")) == question.points
        letters = element.locator("input[data-letter]").evaluate_all("inputs => inputs.map(i => i.dataset.letter)")
        if question.type in ("single", "multiple"):
            assert sorted(letters) == [letter(i) for i in range(len(question.options))]
        elif question.type == "true_false":
            assert sorted(letters) == ["false", "true"]
        else:
            assert letters == []
        if question.type in ("short", "numeric"):
            text = element.locator('input[type="text"]')
            assert text.count() == 1
            assert (text.get_attribute("inputmode") == "decimal") == (question.type == "numeric")
        rows = {"matching": len(question.prompts), "ordering": len(question.items)}.get(question.type, 0)
        assert element.locator("select").count() == rows
        listed = question.choices if question.type == "matching" else question.items
        for position in range(rows):
            values = element.locator("select").nth(position).locator("option").evaluate_all("os => os.map(o => o.value)")
            assert values == ["", *[letter(i) for i in range(len(listed))]]
        unlabelled = element.locator("input, select").evaluate_all("cs => cs.filter(c => !c.labels || !c.labels.length).length")
        assert unlabelled == 0, f"{question.id}: every control has a <label>"
        hidden_until_graded = element.locator(".explanation:visible, .option-feedback:visible, .question-outcome:visible")
        assert hidden_until_graded.count() == 0, f"{question.id}: explanations, feedback and right answers wait for grading"
    assert not watch.errors, watch.errors


@pytest.mark.parametrize(("course_name", "quiz_id"), QUIZZES)
def test_all_right_scores_100_and_all_wrong_scores_0(course_name, quiz_id, quiz_sites, open_quiz):
    site = quiz_sites(course_name)
    quiz = site.quiz(quiz_id)
    page, watch = open_quiz(site, quiz)
    right = responses_for(quiz, right_response)
    answer(page, quiz, right)
    assert page.evaluate("CourseQuiz.getResponses()") == canonical(quiz, right)
    page.click('[data-action="submit"]')
    assert result_of(page)["percent"] == "100"
    assert result_of(page)["passed"] == "true"
    assert_same_as_python(page, quiz, right)
    assert page.locator(".question-outcome:visible").count() == len(quiz.questions)
    explained = sum(1 for q in quiz.questions if q.explanation)
    assert page.locator(".explanation:visible").count() == explained

    page.click('[data-action="retry"]')
    wrong = responses_for(quiz, wrong_response)
    answer(page, quiz, wrong)
    page.click('[data-action="submit"]')
    assert result_of(page)["score"] == "0"
    assert result_of(page)["percent"] == "0"
    assert result_of(page)["passed"] == ("true" if quiz.pass_mark <= 0 else "false")
    assert_same_as_python(page, quiz, wrong)
    chosen_wrong = sum(
        1
        for q in quiz.questions
        if q.type in ("single", "multiple")
        for i, o in enumerate(q.options)
        if o.feedback and letter(i) in (wrong[q.id] or [])
    )
    assert page.locator(".option-feedback:visible").count() == chosen_wrong, "feedback shows for the options chosen"
    assert not watch.errors, watch.errors


@pytest.mark.parametrize(("course_name", "quiz_id"), QUIZZES)
def test_partial_answers_score_exactly_as_python_grades_them(course_name, quiz_id, quiz_sites, open_quiz):
    site = quiz_sites(course_name)
    quiz = site.quiz(quiz_id)
    page, watch = open_quiz(site, quiz)
    responses = {q.id: partial_response(q, i) for i, q in enumerate(quiz.questions)}
    answer(page, quiz, responses)
    assert page.evaluate("CourseQuiz.getResponses()") == canonical(quiz, responses)
    page.click('[data-action="submit"]')
    assert_same_as_python(page, quiz, responses)
    assert page.evaluate("document.activeElement.hasAttribute('data-result')"), "focus moves to the result"
    assert page.locator("[data-result]").get_attribute("aria-live") == "polite"
    assert not watch.errors, watch.errors


def test_try_again_clears_answers_result_and_feedback(quiz_sites, open_quiz):
    site = quiz_sites("english")
    quiz = site.quiz("customs-basics-quiz")
    page, watch = open_quiz(site, quiz)
    answer(page, quiz, responses_for(quiz, wrong_response))
    page.click('[data-action="submit"]')
    assert page.locator(".option-feedback:visible").count() > 0
    page.click('[data-action="retry"]')
    assert page.locator("[data-result]").count() == 0
    assert page.locator("[data-earned]").count() == 0
    assert page.locator(".question-outcome:visible, .option-feedback:visible, .explanation:visible").count() == 0
    assert page.evaluate("CourseQuiz.getResponses()") == dict.fromkeys((q.id for q in quiz.questions), None)
    assert page.locator("input:disabled, select:disabled").count() == 0
    assert page.locator('[data-action="submit"]').is_visible()
    page.reload()
    assert page.locator("[data-result]").count() == 0, "try again also forgets the stored result"
    assert page.evaluate("CourseQuiz.getResponses()") == dict.fromkeys((q.id for q in quiz.questions), None)
    assert not watch.errors, watch.errors


@pytest.mark.parametrize("course_name", list(COURSES))
def test_reload_restores_answers_then_the_result(course_name, quiz_sites, open_quiz):
    site = quiz_sites(course_name)
    quiz = site.course.quizzes[0]
    page, watch = open_quiz(site, quiz)
    responses = {q.id: partial_response(q, i) for i, q in enumerate(quiz.questions)}
    answer(page, quiz, responses)
    page.reload()
    page.wait_for_function("window.CourseQuiz !== undefined")
    assert page.evaluate("CourseQuiz.getResponses()") == canonical(quiz, responses)
    assert page.locator("[data-result]").count() == 0
    page.click('[data-action="submit"]')
    before = result_of(page), earned_of(page, quiz)
    page.reload()
    page.wait_for_function("window.CourseQuiz !== undefined")
    assert (result_of(page), earned_of(page, quiz)) == before
    assert_same_as_python(page, quiz, responses)
    assert page.locator('[data-action="retry"]').is_visible()
    assert not watch.errors, watch.errors


def _focused(page) -> dict:
    return page.evaluate(
        """() => { const e = document.activeElement; const q = e.closest('[data-question]');
        return {question: q ? q.dataset.question : null, tag: e.tagName, type: e.type || null,
                letter: e.dataset.letter || null, action: e.dataset.action || null}; }"""
    )


def _tab_to(page, wanted, what: str, limit: int = 60) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = _focused(page)
        if wanted(focused):
            return focused
    pytest.fail(f"Tab never reached {what}")


def answer_with_keyboard(page, question: Question, response) -> None:
    """Tab into the question, then Space, arrows and typing only."""
    element = question_locator(page, question.id)
    _tab_to(page, lambda f: f["question"] == question.id, f"question {question.id}")
    if question.type in ("single", "true_false"):
        order = element.locator("input[data-letter]").evaluate_all("inputs => inputs.map(i => i.dataset.letter)")
        target = str(response).lower() if isinstance(response, bool) else response
        steps = order.index(target)
        if steps == 0:
            page.keyboard.press("Space")
        for _ in range(steps):
            page.keyboard.press("ArrowDown")  # moves to the next radio and checks it, in RTL too
    elif question.type == "multiple":
        order = element.locator("input[data-letter]").evaluate_all("inputs => inputs.map(i => i.dataset.letter)")
        for position, key in enumerate(order):
            if position:
                page.keyboard.press("Tab")
            if key in response:
                page.keyboard.press("Space")
    elif question.type in ("short", "numeric"):
        page.keyboard.type(response)
    else:
        for position, key in enumerate(response):
            if position:  # the next position's list (an ordering row also has Up/Down buttons)
                _tab_to(page, lambda f: f["tag"] == "SELECT", "the next position", limit=4)
            for _ in range(letter_index(key) + 1):  # from the blank option down to the letter
                page.keyboard.press("ArrowDown")


@pytest.mark.parametrize(
    ("course_name", "quiz_id"), [("english", "customs-basics-quiz"), ("english", "risk-profiling-quiz"), ("shipped", None)]
)
def test_a_whole_quiz_with_the_keyboard_alone(course_name, quiz_id, quiz_sites, open_quiz):
    site = quiz_sites(course_name)
    quiz = site.quiz(quiz_id) if quiz_id else site.course.quizzes[0]
    page, watch = open_quiz(site, quiz)
    right = responses_for(quiz, right_response)
    for question in quiz.questions:
        answer_with_keyboard(page, question, right[question.id])
        got = page.evaluate("CourseQuiz.getResponses()")[question.id]
        assert got == canonical(quiz, right)[question.id], f"{question.id}: the keyboard gave {got!r}"
    _tab_to(page, lambda f: f["action"] == "submit", "the submit button")
    page.keyboard.press("Space")
    assert result_of(page)["percent"] == "100"
    assert page.evaluate("document.activeElement.hasAttribute('data-result')")
    _tab_to(page, lambda f: f["action"] == "retry", "the try-again button", limit=5)
    page.keyboard.press("Enter")
    assert page.locator("[data-result]").count() == 0
    assert _focused(page)["question"] == quiz.questions[0].id, "after try again, focus is on the first question"
    assert not watch.errors, watch.errors


def _option_orders(page, quiz: Quiz) -> dict:
    return {
        q.id: question_locator(page, q.id).locator("input[data-letter]").evaluate_all("inputs => inputs.map(i => i.dataset.letter)")
        for q in quiz.questions
        if q.type in ("single", "multiple")
    }


def test_shuffle_changes_the_option_order_on_the_page_only(quiz_sites, open_quiz):
    site = quiz_sites("english")
    quiz = site.quiz("risk-profiling-quiz")
    assert quiz.shuffle
    page, watch = open_quiz(site, quiz)
    orders = _option_orders(page, quiz)
    assert orders
    for question in quiz.questions:
        if question.id not in orders:
            continue
        file_order = [letter(i) for i in range(len(question.options))]
        assert orders[question.id] != file_order, f"{question.id} is shown in file order"
        assert sorted(orders[question.id]) == file_order
        shown = question_locator(page, question.id).locator("label .option-letter").all_inner_texts()
        assert shown == file_order, "labels follow the position on the page"
    page.reload()
    page.wait_for_function("window.CourseQuiz !== undefined")
    assert _option_orders(page, quiz) == orders, "a reload keeps the order"
    right = responses_for(quiz, right_response)
    answer(page, quiz, right)
    page.click('[data-action="submit"]')
    assert_same_as_python(page, quiz, right)
    assert result_of(page)["percent"] == "100", "answers are recorded by letter"
    page.click('[data-action="retry"]')
    for question_id, order in _option_orders(page, quiz).items():
        assert order != sorted(order), f"{question_id}: a new attempt is shuffled too"
    assert not watch.errors, watch.errors


def test_an_unshuffled_quiz_keeps_file_order(quiz_sites, open_quiz):
    site = quiz_sites("english")
    quiz = site.quiz("customs-basics-quiz")
    page, _ = open_quiz(site, quiz)
    for question_id, order in _option_orders(page, quiz).items():
        assert order == sorted(order), question_id


def test_the_wrapper_api(quiz_sites, open_quiz):
    site = quiz_sites("english")
    quiz = site.quiz("customs-basics-quiz")
    page, watch = open_quiz(site, quiz)
    responses = {q.id: partial_response(q, i) for i, q in enumerate(quiz.questions)}
    page.evaluate("window.results = []; CourseQuiz.onResult(r => window.results.push(r))")
    page.evaluate("r => CourseQuiz.setResponses(r)", responses)
    assert page.evaluate("CourseQuiz.getResponses()") == canonical(quiz, responses)
    returned = page.evaluate("CourseQuiz.submit()")
    expected = grade_quiz(quiz, responses)
    assert returned["score"] == expected.score and returned["percent"] == expected.percent
    assert returned["earned"] == {q: e.points for q, e in expected.earned.items()}
    assert page.evaluate("window.results") == [returned]
    assert_same_as_python(page, quiz, responses)
    page.evaluate("r => CourseQuiz.setResponses(r)", responses_for(quiz, right_response))
    assert page.locator("[data-result]").count() == 0, "setResponses goes back to answering"
    page.click('[data-action="submit"]')
    assert page.evaluate("window.results.length") == 2
    assert page.evaluate("window.results[1].passed") is True
    assert not watch.errors, watch.errors


@pytest.mark.parametrize("course_name", list(COURSES))
def test_no_serious_axe_violation_before_and_after_grading(course_name, quiz_sites, open_quiz):
    site = quiz_sites(course_name)
    failures = []
    for quiz in site.course.quizzes:
        page, watch = open_quiz(site, quiz)
        before = run_axe(page)
        answer(page, quiz, {q.id: partial_response(q, i) for i, q in enumerate(quiz.questions)})
        page.click('[data-action="submit"]')
        after = run_axe(page)
        if before or after or watch.errors:
            failures.append(f"{quiz.id}:\n{describe(before)}\n{describe(after)}\n" + "\n".join(watch.errors))
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("width", [1280, 390])
def test_the_arabic_page_reads_right_to_left_without_sideways_scrolling(width, quiz_sites, open_quiz):
    site = quiz_sites("shipped")
    quiz = site.course.quizzes[0]
    page, _ = open_quiz(site, quiz, viewport={"width": width, "height": 900})
    answer(page, quiz, {q.id: partial_response(q, i) for i, q in enumerate(quiz.questions)})
    page.click('[data-action="submit"]')
    assert page.evaluate("getComputedStyle(document.querySelector('.question')).direction") == "rtl"
    assert page.evaluate("document.fonts.check('16px Amiri')")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the graded quiz scrolls sideways by {overflow}px at {width}px"
    first, second = (page.locator(".question").first.locator(".option").nth(i).bounding_box() for i in (0, 1))
    radio = page.locator(".question").first.locator("input").first.bounding_box()
    label = page.locator(".question").first.locator("label").first.bounding_box()
    assert radio["x"] > label["x"], "the radio stands at the right of its label"
    assert first["y"] < second["y"]
