"""Measuring the bubbles of a straightened page against the page's own paper and ink.

A bubble's *fill* is how dark its inside is, from 0 (the paper around it)
to 1 (as dark as the sheet's printed corner marks):

    fill = (1 - inside / paper) / (1 - mark / paper near the mark)

``inside`` is the mean grey of a disc of ``INSIDE`` times the bubble's
radius (clear of the printed ring, with room for a millimetre's error of
registration), ``paper`` the bright level (``PAPER_PERCENTILE``) of the square
around the bubble, so uneven light (a phone's shadow, a scanner's bright
edge) is measured out locally, and the ink level is the corner marks', so a
pale scan or a grey photo scales the same. ``course.scan.decide`` turns fills
into answers.
"""

from __future__ import annotations

import numpy as np

from .layout import BUBBLE_R, MARK, Page, Sheet
from .locate import RESOLUTION

INSIDE = 0.62  # of the radius: the disc measured
AROUND = 4.2  # mm: half the side of the square the paper level is taken from
PAPER_PERCENTILE = 92


def _disc(radius: float) -> np.ndarray:
    size = int(np.ceil(radius))
    y, x = np.mgrid[-size : size + 1, -size : size + 1]
    return (x * x + y * y) <= radius * radius


DISC = _disc(BUBBLE_R * INSIDE * RESOLUTION)


def ink_darkness(canvas: np.ndarray, sheet: Sheet) -> float:
    """How dark the printed corner marks came out, against the paper just outside them (0 to 1)."""
    levels = []
    for x, y in sheet.marks():
        cx, cy = round(x * RESOLUTION), round(y * RESOLUTION)
        inner = round(MARK * RESOLUTION * 0.3)
        outer = round(MARK * RESOLUTION * 0.9)
        ink = float(np.median(canvas[cy - inner : cy + inner, cx - inner : cx + inner]))
        ring = canvas[max(0, cy - outer) : cy + outer, max(0, cx - outer) : cx + outer]
        paper = _bright(ring)
        levels.append(1 - ink / max(paper, 1.0))
    return max(0.2, float(np.median(levels)))


def _bright(pixels: np.ndarray) -> float:
    """The ``PAPER_PERCENTILE`` level of some pixels (a partial sort: numpy's percentile costs ten times as much here)."""
    flat = pixels.ravel()
    if flat.size == 0:
        return 255.0
    kth = min(flat.size - 1, flat.size * PAPER_PERCENTILE // 100)
    return float(np.partition(flat, kth)[kth])


def measure(canvas: np.ndarray, sheet: Sheet, page: Page) -> dict[tuple, float]:
    """The fill of every bubble of ``page``, by (item, part, row, col)."""
    ink = ink_darkness(canvas, sheet)
    half = DISC.shape[0] // 2
    around = round(AROUND * RESOLUTION)
    height, width = canvas.shape
    fills = {}
    for bubble in page.bubbles:
        cx, cy = round(bubble.x * RESOLUTION), round(bubble.y * RESOLUTION)
        inside = canvas[cy - half : cy + half + 1, cx - half : cx + half + 1]
        square = canvas[max(0, cy - around) : min(height, cy + around), max(0, cx - around) : min(width, cx + around)]
        paper = max(_bright(square), 1.0)
        if inside.shape != DISC.shape:
            fills[(bubble.item, bubble.part, bubble.row, bubble.col)] = 0.0
            continue
        mean = float(inside[DISC].mean())
        fills[(bubble.item, bubble.part, bubble.row, bubble.col)] = max(0.0, (1 - mean / paper) / ink)
    return fills
