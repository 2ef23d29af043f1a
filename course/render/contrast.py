"""WCAG 2 contrast between two colours (what axe-core's color-contrast rule measures).

Used where the build chooses a colour itself, such as the tint of a marked
line of code (``course.render.highlight``), so a choice that would leave text
under 4.5:1 is not made.
"""

from __future__ import annotations

import re

HEX = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")


def luminance(colour: str) -> float:
    """The relative luminance of ``#rgb`` or ``#rrggbb``: 0 for black, 1 for white."""
    digits = colour.lstrip("#")
    digits = "".join(c * 2 for c in digits) if len(digits) == 3 else digits
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: str, other: str) -> float:
    """The contrast ratio of two colours, from 1 (the same) to 21 (black on white)."""
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def is_dark(colour: str) -> bool:
    """Whether text on ``colour`` reads better in white than in black."""
    return contrast(colour, "#ffffff") > contrast(colour, "#000000")
