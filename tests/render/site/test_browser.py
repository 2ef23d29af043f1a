"""Every page of the built site in real Chromium, from file://, checked by axe-core."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.browser import PageWatch, describe, run_axe

PAGE_KINDS = {"site-index", "module-html", "glossary-html", "quiz-html"}
COURSES = {"english_build": ("en", "ltr"), "shipped_build": ("ar", "rtl")}


def _pages(folder: Path) -> list[str]:
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return [e["path"] for e in manifest["outputs"] if e["kind"] in PAGE_KINDS]


@pytest.mark.parametrize("which", list(COURSES))
def test_every_page_loads_clean_with_the_right_direction_and_no_serious_axe_violation(which, request, browser):
    folder = request.getfixturevalue(which)
    language, direction = COURSES[which]
    pages = _pages(folder)
    assert len(pages) >= 3
    context = browser.new_context(offline=True)
    failures = []
    for rel in pages:
        page = context.new_page()
        watch = PageWatch(page)
        page.goto((folder / rel).as_uri())
        page.wait_for_load_state("load")
        html = page.locator("html")
        assert html.get_attribute("lang") == language, rel
        assert html.get_attribute("dir") == direction, rel
        assert page.evaluate("getComputedStyle(document.body).direction") == direction, rel
        assert page.evaluate("document.fonts.check('16px Amiri')"), f"{rel}: the bundled font did not load"
        violations = run_axe(page)
        if violations or watch.errors:
            failures.append(f"{rel}:\n{describe(violations)}\n" + "\n".join(watch.errors))
        page.close()
    context.close()
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("which", list(COURSES))
def test_pages_fit_a_phone_screen(which, request, browser):
    folder = request.getfixturevalue(which)
    page = browser.new_page(viewport={"width": 360, "height": 740})
    for rel in _pages(folder):
        page.goto((folder / rel).as_uri())
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{rel} scrolls sideways by {overflow}px on a phone"
    page.close()


def test_skip_link_and_keyboard_navigation(english_build: Path, browser):
    page = browser.new_page()
    page.goto((english_build / "modules" / "customs-basics.html").as_uri())
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    for _ in range(40):  # Tab reaches the next-module link without a mouse
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('rel')") == "next":
            break
    else:
        pytest.fail("the next-module link cannot be reached with Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("risk-profiling.html")
    page.close()


def test_landmarks(english_build: Path, browser):
    page = browser.new_page()
    page.goto((english_build / "modules" / "customs-basics.html").as_uri())
    for selector in ("header.site-header", "main#main", "footer", "nav.toc", "nav.pager"):
        assert page.locator(selector).count() == 1, selector
    assert page.locator("h1").count() == 1
    page.close()


def test_arabic_heading_anchors_stay_readable(shipped_build: Path):
    html = (shipped_build / "modules" / "cooperation.html").read_text(encoding="utf-8")
    assert 'id="_1"' not in html
    import re

    content = html.split('<div class="content">', 1)[1].split('<section class="key-terms"', 1)[0]
    ids = re.findall(r'<h[23] id="([^"]+)"', content)
    assert ids and all(re.search("[\u0600-\u06ff]", i) for i in ids), ids


LOW_CONTRAST = """<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>تباين</title>
<link rel="stylesheet" href="assets/css/site.css"></head><body><main><h1>اختبار التباين</h1>
<p style="color:#c8c8c8;background:#ffffff">نص عربي باهت لا يكاد يُقرأ على خلفية بيضاء</p></main></body></html>"""


def test_axe_checks_contrast_of_shaped_arabic_text(english_build: Path, browser, tmp_path):
    """Without the override axe skips this text (it takes joined letters for an icon ligature)."""
    probe = english_build.parent / "contrast-probe.html"
    probe.write_text(LOW_CONTRAST, encoding="utf-8")
    page = browser.new_page()
    page.goto(probe.as_uri())
    ids = [v["id"] for v in run_axe(page)]
    assert "color-contrast" in ids
    page.close()
