"""Light and dark colours: the system's preference is followed, a toggle overrides it and is
remembered; axe-core (with the project's check of shaped Arabic text) finds no serious
violation on any page in either scheme, quizzes graded included; print stays light."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.browser import PageWatch, describe, run_axe

PAGE_KINDS = {"site-index", "module-html", "glossary-html", "learners-html", "quiz-html"}
SITES = ["english_site", "arabic_site"]


def pages_of(site: Path) -> list[str]:
    manifest = json.loads((site / "manifest.json").read_text(encoding="utf-8"))
    return [e["path"] for e in manifest["outputs"] if e["kind"] in PAGE_KINDS]


def background(page) -> str:
    return page.evaluate("getComputedStyle(document.body).backgroundColor")


@pytest.mark.slow
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("which", SITES)
def test_every_page_passes_axe_in_both_colour_schemes(which, scheme, request, browser):
    site = request.getfixturevalue(which)
    context = browser.new_context(color_scheme=scheme, offline=True)
    failures = []
    for rel in pages_of(site):
        page = context.new_page()
        watch = PageWatch(page)
        page.goto((site / rel).as_uri())
        expected_dark = scheme == "dark"
        assert (background(page) != "rgb(255, 255, 255)") == expected_dark, f"{rel}: {background(page)} in {scheme}"
        states = [("", None)]
        if rel.startswith("quizzes/"):
            states.append(("graded", "() => CourseQuiz.submit()"))
        if rel == "index.html":
            states.append(
                (
                    "searching",
                    "() => { const b = document.getElementById('search-box'); b.value = 'a'; b.dispatchEvent(new Event('input')); }",
                )
            )
        for name, action in states:
            if action:
                page.evaluate(action)
                page.wait_for_timeout(250)
            violations = run_axe(page)
            if violations or watch.errors:
                failures.append(f"{rel} {name} ({scheme}):\n{describe(violations)}\n" + "\n".join(watch.errors))
        page.close()
    context.close()
    assert not failures, "\n".join(failures)


def test_the_toggle_overrides_the_system_and_is_remembered_by_keyboard(english_site, browser):
    context = browser.new_context(color_scheme="light")
    page = context.new_page()
    page.goto((english_site / "index.html").as_uri())
    toggle = page.locator('[data-action="theme"]')
    assert toggle.get_attribute("aria-pressed") == "false"
    assert background(page) == "rgb(255, 255, 255)"
    toggle.focus()
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-pressed") == "true"
    assert background(page) != "rgb(255, 255, 255)"
    page.goto((english_site / "modules" / "customs-basics.html").as_uri())
    assert page.evaluate("document.documentElement.dataset.theme") == "dark", "remembered on the next page"
    assert background(page) != "rgb(255, 255, 255)"
    context.close()
    dark = browser.new_context(color_scheme="dark")
    page = dark.new_page()
    page.goto((english_site / "index.html").as_uri())
    assert page.locator('[data-action="theme"]').get_attribute("aria-pressed") == "true"
    page.locator('[data-action="theme"]').click()
    assert background(page) == "rgb(255, 255, 255)", "light chosen in a dark system"
    dark.close()


def test_print_is_light_even_in_dark_mode(arabic_site, browser):
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    page.goto((arabic_site / "modules" / "api.html").as_uri())
    page.emulate_media(media="print")
    assert background(page) in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)")
    assert page.evaluate("getComputedStyle(document.body).color") == "rgb(0, 0, 0)"
    context.close()
