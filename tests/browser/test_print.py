"""Printing from the browser: a module page is a handout (no navigation or page tools, links to
other sites followed by their address, tables whole), a quiz page prints its questions without
answers, marks or feedback even after grading; colours are light even in dark mode."""

from __future__ import annotations

import pytest


@pytest.fixture
def printed(browser):
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    yield page
    context.close()


def hidden(page, selector: str) -> bool:
    return page.evaluate("s => [...document.querySelectorAll(s)].every(e => e.getClientRects().length === 0)", selector)


def test_a_module_page_prints_as_a_handout(arabic_site, printed):
    page = printed
    page.goto((arabic_site / "modules" / "digital-borders.html").as_uri())
    page.emulate_media(media="print")
    for selector in (
        ".site-header",
        ".site-footer",
        ".toc",
        ".pager",
        ".breadcrumb",
        ".quiz-call",
        ".site-search",
        ".module-header .meta a",
    ):
        assert hidden(page, selector), selector
    assert page.evaluate("getComputedStyle(document.body).color") == "rgb(0, 0, 0)"
    table = page.locator(".content table").first
    if table.count():
        assert table.evaluate("t => getComputedStyle(t).display") == "table", "a table prints whole, not in a scrolled box"
        assert table.evaluate("t => getComputedStyle(t).overflowX") == "visible"
    # A link to another site shows its address after it; one inside the course does not.
    page.evaluate(
        """() => { const p = document.createElement('p');
        p.innerHTML = '<a id="out" href="https://example.org/x">site</a> <a id="in" href="api.html">api</a>';
        document.querySelector('.content').append(p); }"""
    )
    assert "example.org/x" in page.evaluate("getComputedStyle(document.getElementById('out'), '::after').content")
    assert page.evaluate("getComputedStyle(document.getElementById('in'), '::after').content") in ("none", "normal")
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")


def test_a_graded_quiz_prints_its_questions_without_answers_or_feedback(english_site, printed):
    page = printed
    page.goto((english_site / "quizzes" / "customs-basics-quiz.html").as_uri())
    page.evaluate("() => CourseQuiz.submit()")
    assert page.locator(".question-outcome").first.is_visible()
    page.emulate_media(media="print")
    for selector in (
        ".question-outcome",
        ".option-mark",
        ".row-mark",
        ".answer-mark",
        ".option-feedback",
        ".quiz-result",
        ".quiz-actions",
        ".row-moves",
    ):
        assert hidden(page, selector), selector
    assert page.locator("[data-question]").first.is_visible()
    assert page.evaluate("getComputedStyle(document.querySelector('.option.is-right') || document.body).backgroundColor") in (
        "rgba(0, 0, 0, 0)",
        "rgb(255, 255, 255)",
    )
