"""Light and dark colours: the system's preference is followed, a toggle overrides it and is
remembered; axe-core (with the project's check of shaped Arabic text) finds no serious
violation on any page in either scheme, quizzes graded included; figure captions, maths
shown as TeX and code (its colours and its marked lines) follow the toggle too; print stays light."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from course.build.pipeline import BuildOptions, build_course
from tests.browser import PageWatch, describe, run_axe
from tests.render.test_code_and_figures import contrast

PAGE_KINDS = {"site-index", "module-html", "glossary-html", "learners-html", "quiz-html"}
SITES = ["english_site", "arabic_site"]


def pages_of(site: Path) -> list[str]:
    manifest = json.loads((site / "manifest.json").read_text(encoding="utf-8"))
    return [e["path"] for e in manifest["outputs"] if e["kind"] in PAGE_KINDS]


def background(page) -> str:
    return page.evaluate("getComputedStyle(document.body).backgroundColor")


CONTENT = """---
title: الشيفرة والأشكال
---
## معادلة

المسافة $d = v^$ حيث السرعة ثابتة.

## صورة

![رسم لحقيبة الإسعاف](demo/kit.png "حقيبة الإسعافات الأولية")

## شيفرة

```python hl_lines="2"
def area(r):
    return 3.14159 * r ** 2  # the area
```
"""


@pytest.fixture(scope="module")
def content_page(tmp_path_factory) -> Path:
    """An Arabic module page with a captioned figure, a formula shown as TeX (it does not parse) and code with a marked line."""
    root = tmp_path_factory.mktemp("content") / "course"
    (root / "modules" / "demo").mkdir(parents=True)
    (root / "course.yaml").write_text("title: دورة تجريبية\nlanguage: ar\n", encoding="utf-8")
    (root / "modules" / "demo.md").write_text(CONTENT, encoding="utf-8")
    Image.new("RGB", (320, 180), (200, 30, 30)).save(root / "modules" / "demo" / "kit.png")
    out = root.parent / "dist"
    build_course(root, BuildOptions(out=out, pdf=False, lms=False))
    return out / "modules" / "demo.html"


def choose(page, scheme: str) -> None:
    """Press the header's colours button until the page shows ``scheme`` by the learner's choice."""
    for _ in range(2):
        if page.evaluate("document.documentElement.dataset.theme") == scheme:
            return
        page.locator('[data-action="theme"]').click()
    assert page.evaluate("document.documentElement.dataset.theme") == scheme


def hex_of(rgb: str) -> str:
    return "#" + "".join(f"{int(v):02x}" for v in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3])


SEEN = """() => {
    const style = s => getComputedStyle(document.querySelector(s));
    return {
        paper: getComputedStyle(document.body).backgroundColor,
        keyword: style('.highlight .k').color,
        block: style('.highlight pre').backgroundColor,
        marked: style('.highlight .hll').backgroundColor,
        bar: style('.highlight .hll').borderLeftColor,
        barWidth: parseFloat(style('.highlight .hll').borderLeftWidth),
        caption: style('figcaption').color,
        tex: style('.math-source').color,
    };
}"""
LOOKS = {  # xcode's and lightbulb's keyword and block; the marked line's tint (xcode's own, ours in the dark)
    "light": {"paper": "rgb(255, 255, 255)", "keyword": "rgb(169, 13, 145)", "block": "rgb(255, 255, 255)", "marked": "rgb(255, 255, 204)"},
    "dark": {"paper": "rgb(19, 25, 32)", "keyword": "rgb(255, 173, 102)", "block": "rgb(29, 35, 49)", "marked": "rgb(36, 31, 14)"},
}


@pytest.mark.parametrize("toggle", ["light", "dark"])
@pytest.mark.parametrize("system", ["light", "dark"])
def test_captions_maths_and_code_follow_the_toggle_and_pass_axe(browser, content_page, system, toggle):
    context = browser.new_context(color_scheme=system, offline=True)
    page = context.new_page()
    watch = PageWatch(page)
    page.goto(content_page.as_uri())
    choose(page, toggle)
    seen = page.evaluate(SEEN)
    violations = run_axe(page)
    context.close()
    assert {k: seen[k] for k in LOOKS[toggle]} == LOOKS[toggle], f"system {system}, chosen {toggle}"
    block = hex_of(seen["block"])
    assert seen["barWidth"] >= 2 and contrast(hex_of(seen["bar"]), block) >= 3, f"the marked line's bar: {seen}"
    for ink in ("caption", "tex"):
        assert contrast(hex_of(seen[ink]), hex_of(seen["paper"])) >= 4.5, f"{ink}: {seen}"
    assert not violations, describe(violations)
    assert watch.errors == []


@pytest.mark.parametrize("toggle", [None, "dark"])
def test_code_captions_and_maths_print_light_on_a_dark_screen(browser, content_page, toggle):
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    page.goto(content_page.as_uri())
    if toggle:
        choose(page, toggle)
    page.emulate_media(media="print")
    seen = page.evaluate(SEEN)
    context.close()
    assert seen["keyword"] == LOOKS["light"]["keyword"] and seen["block"] == LOOKS["light"]["block"]
    assert seen["marked"] == LOOKS["light"]["marked"]
    assert (seen["caption"], seen["tex"]) == ("rgb(61, 71, 87)", "rgb(138, 28, 28)")


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
