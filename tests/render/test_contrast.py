"""WCAG 2 contrast, as axe-core's color-contrast rule measures it (figures from the WCAG 2 definition)."""

from __future__ import annotations

import pytest

from course.render.contrast import contrast, is_dark, luminance


def test_black_on_white_is_21_to_1_and_a_colour_on_itself_1_to_1():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#ffffff", "#000") == pytest.approx(21)  # either order, three digits too
    assert contrast("#8a1c1c", "#8a1c1c") == pytest.approx(1)


def test_the_grey_that_just_passes_aa_on_white():
    assert luminance("#767676") == pytest.approx(0.1812, abs=1e-4)
    assert 4.5 < contrast("#767676", "#ffffff") < 4.55 < contrast("#757575", "#ffffff")


def test_dark_grounds_take_light_text():
    assert is_dark("#1d2331") and is_dark("#131920") and not is_dark("#ffffcc") and not is_dark("#fff")
