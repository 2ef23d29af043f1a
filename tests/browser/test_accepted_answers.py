"""UX review, trial 4 (S3): Latin accepted answers in an Arabic quiz keep the page's direction
and their bullet; the answer itself is isolated (<bdi>), so its own text runs left to right."""

from __future__ import annotations


def test_latin_accepted_answers_stay_in_the_right_to_left_list(arabic_site, browser):
    page = browser.new_page()
    found = 0
    for path in sorted((arabic_site / "quizzes").glob("*.html")):
        page.goto(path.as_uri())
        page.evaluate("() => CourseQuiz.submit()")
        for item in page.locator('[data-type="short"] .right-answer li').all():
            found += 1
            assert item.get_attribute("dir") is None
            assert item.evaluate("li => getComputedStyle(li).direction") == "rtl"
            assert item.locator("bdi").count() == 1
    assert found, "the shipped course has short questions"
    page.close()
