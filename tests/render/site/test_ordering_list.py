"""Ordering as a list, and matching with ``each_choice_once``: a response is never a duplicate.

The spec's hooks (one ``<select>`` per position) stay; choosing an item held by
another position swaps the two; Up/Down buttons, Alt+Arrow keys and a drag
handle move an item; every move is announced. Real Chromium, from file://.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from course.build.pipeline import BuildOptions, build_course

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def values(page, question: str) -> list[str]:
    return page.eval_on_selector_all(f'[data-question="{question}"] select', "list => list.map(s => s.value)")


@pytest.fixture(scope="module")
def once_build(tmp_path_factory) -> Path:
    """The English course with its matching question marked each_choice_once."""
    import shutil

    root = tmp_path_factory.mktemp("once") / "course"
    shutil.copytree(Path(__file__).resolve().parents[2] / "fixtures" / "english-course", root)
    path = root / "quizzes" / "customs-basics-quiz.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for question in data["questions"]:
        if question["type"] == "matching":
            question["each_choice_once"] = True
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    out = root.parent / "dist"
    build_course(root, BuildOptions(out=out, pdf=False, lms=False))
    return out


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_choosing_an_item_held_elsewhere_swaps_so_one_item_cannot_fill_every_position(english_build, browser, viewport):
    page = browser.new_page(viewport=viewport)
    page.goto((english_build / "quizzes" / "customs-basics-quiz.html").as_uri())
    page.evaluate("localStorage.clear()")
    page.reload()
    rows = page.locator('[data-question="q7"] select')
    rows.nth(0).select_option("a")
    rows.nth(1).select_option("a")  # the review's attack: "a" for every position
    rows.nth(2).select_option("a")
    assert values(page, "q7") == ["", "", "a"]
    # Filling the positions in order through the hooks gives the wanted permutation.
    for index, key in enumerate(["b", "a", "c"]):
        rows.nth(index).select_option(key)
    assert values(page, "q7") == ["b", "a", "c"]
    page.click('[data-action="submit"]')
    assert page.get_attribute('[data-question="q7"]', "data-earned") == "1"
    page.close()


def test_keyboard_only_moves_items_with_buttons_and_alt_arrows_and_announces_them(english_build, browser):
    page = browser.new_page(viewport=PHONE)
    page.goto((english_build / "quizzes" / "customs-basics-quiz.html").as_uri())
    page.evaluate("localStorage.clear()")
    page.reload()
    page.focus('[data-question="q7"] select >> nth=0')
    assert values(page, "q7") == ["", "", ""]
    page.keyboard.press("Alt+ArrowDown")  # the first move lays the items out in the order shown, then moves
    assert values(page, "q7") == ["b", "a", "c"]
    assert page.evaluate("document.activeElement.id") == "q7-row2", "focus follows the moved item"
    status = page.locator('[data-question="q7"] [data-move-status]')
    assert "2" in status.text_content() and "Score the data" in status.text_content()
    # Tab to the row's Down button and press it with Space.
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.move") == "down":
            break
    page.keyboard.press("Space")
    assert values(page, "q7") == ["b", "c", "a"]
    assert page.evaluate("document.activeElement.closest('.row').dataset.row") == "2"
    assert page.evaluate("document.activeElement.dataset.move") == "up", "at the end, focus goes to the button that still moves"
    assert page.get_attribute('[data-question="q7"] .row:last-child [data-move="down"]', "disabled") is not None
    page.close()


def test_dragging_the_handle_with_a_pointer_moves_an_item(english_build, browser):
    page = browser.new_page(viewport=DESKTOP)
    page.goto((english_build / "quizzes" / "customs-basics-quiz.html").as_uri())
    page.evaluate("localStorage.clear()")
    page.reload()
    handle = page.locator('[data-question="q7"] .row >> nth=2').locator(".drag-handle")
    target = page.locator('[data-question="q7"] .row >> nth=0').locator("label")
    page.locator('[data-question="q7"]').scroll_into_view_if_needed()
    start, end = handle.bounding_box(), target.bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(end["x"] + 5, end["y"] + end["height"] / 2, steps=5)
    page.mouse.up()
    assert values(page, "q7") == ["c", "a", "b"]
    page.close()


def test_moves_are_saved_and_restored_after_a_reload_and_graded_as_a_permutation(english_build, browser):
    page = browser.new_page()
    page.goto((english_build / "quizzes" / "customs-basics-quiz.html").as_uri())
    page.evaluate("localStorage.clear()")
    page.reload()
    page.click('[data-question="q7"] .row >> nth=0 >> [data-move="down"]')
    assert values(page, "q7") == ["b", "a", "c"]
    page.reload()
    assert values(page, "q7") == ["b", "a", "c"]
    page.click('[data-action="submit"]')
    assert page.get_attribute('[data-question="q7"]', "data-status") == "right"
    assert page.locator('[data-question="q7"] [data-move]:not([disabled])').count() == 0, "no moving once graded"
    page.close()


def test_matching_with_each_choice_once_swaps_and_without_it_allows_repeats(english_build, once_build, browser):
    page = browser.new_page()
    for build, repeats in ((english_build, True), (once_build, False)):
        page.goto((build / "quizzes" / "customs-basics-quiz.html").as_uri())
        page.evaluate("localStorage.clear()")
        page.reload()
        question = page.locator('[data-type="matching"]').first
        qid = question.get_attribute("data-question")
        rows = question.locator("select")
        rows.nth(0).select_option("a")
        rows.nth(1).select_option("a")
        got = values(page, qid)
        assert (got[:2] == ["a", "a"]) is repeats, got
    page.close()


def test_each_choice_once_is_an_error_when_the_answer_repeats_a_choice(english_copy):
    from course.load import load_course

    path = english_copy / "quizzes" / "customs-basics-quiz.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for question in data["questions"]:
        if question["type"] == "matching":
            question["each_choice_once"] = True
            question["answer"] = [question["answer"][0]] * len(question["answer"])
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    course, problems = load_course(english_copy)
    assert any("each_choice_once" in str(p) and "customs-basics-quiz.yaml:" in str(p) for p in problems), problems


def test_arrow_keys_browsing_a_list_do_not_swap_until_the_learner_leaves_it(english_build, browser):
    """Stepping through a closed list with ArrowDown passes over items held elsewhere: no swap then."""
    page = browser.new_page()
    page.goto((english_build / "quizzes" / "customs-basics-quiz.html").as_uri())
    page.evaluate("localStorage.clear()")
    page.reload()
    rows = page.locator('[data-question="q7"] select')
    rows.nth(0).select_option("b")
    rows.nth(1).select_option("a")
    rows.nth(2).focus()
    for _ in range(3):  # "" -> a -> b -> c, passing over a and b
        page.keyboard.press("ArrowDown")
    assert values(page, "q7") == ["b", "a", "c"]
    page.keyboard.press("ArrowUp")  # c -> b, then leave the list: b's old position gets what this one held (nothing)
    page.keyboard.press("Tab")
    assert values(page, "q7") == ["", "a", "b"]
    page.close()
