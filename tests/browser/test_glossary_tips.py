"""Glossary tips on module pages in Chromium: the definition shows on hover and on keyboard
focus, in the right-to-left Arabic course and the left-to-right English one; Escape hides it."""

from __future__ import annotations

import pytest

SITES = {"arabic_site": "modules/api.html", "english_site": "modules/customs-basics.html"}


@pytest.mark.parametrize("which", list(SITES))
@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}, {"width": 1366, "height": 900}], ids=["phone", "desktop"])
def test_definition_shows_on_keyboard_focus_and_on_hover_and_stays_on_screen(which, viewport, request, browser):
    site = request.getfixturevalue(which)
    page = browser.new_page(viewport=viewport)
    page.goto((site / SITES[which]).as_uri())
    links = page.locator(".content .glossary-link")
    assert links.count() >= 1
    hrefs = links.evaluate_all("list => list.map(a => a.getAttribute('href'))")
    assert len(hrefs) == len(set(hrefs)), "each term is linked once, at its first use"
    assert page.locator(":is(a, code, pre, h1, h2, h3, h4, h5, h6) .glossary-link").count() == 0
    link = links.first
    tip = page.locator("#" + link.get_attribute("aria-describedby"))
    assert tip.is_hidden()
    # Keyboard: Tab until the link has focus.
    page.keyboard.press("Tab")
    for _ in range(80):
        if page.evaluate("document.activeElement.classList.contains('glossary-link')"):
            break
        page.keyboard.press("Tab")
    else:
        pytest.fail("Tab never reached a glossary link")
    focused_tip = page.locator("#" + page.evaluate("document.activeElement.getAttribute('aria-describedby')"))
    assert focused_tip.is_visible()
    box = focused_tip.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"] + 1, "the tip stays on screen"
    page.keyboard.press("Escape")
    assert focused_tip.is_hidden(), "Escape hides it without moving focus"
    assert page.evaluate("document.activeElement.classList.contains('glossary-link')")
    # Pointer: hovering the term shows its definition.
    page.mouse.move(0, 0)
    link.scroll_into_view_if_needed()
    link.hover()
    assert tip.is_visible()
    page.close()
