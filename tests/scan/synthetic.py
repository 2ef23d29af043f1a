"""A synthetic scanner, for the tests only: bubble sheets from the build, filled by a hand and scanned badly.

``sheet_pdf`` renders a quiz's bubble sheet as the build does; ``rasterise``
turns a page into grey pixels at a resolution; ``fill`` draws marks of
several kinds where the layout puts the bubbles (in the page's pixels), and
``distort`` does to the page what scanners and phones do: rotation (up to 5
degrees), perspective, scale, blur, noise, JPEG compression and uneven
light. Each filled page comes with what a reader must make of it: every
bubble's state (filled, empty, or planted doubt) and each question's cell.
"""

from __future__ import annotations

import functools
import math
import random
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from course.model import letter
from course.scan.layout import BUBBLE_R, ID_DIGITS, NUMERIC_DIGITS, Sheet, sheet_layout

REPO = Path(__file__).resolve().parents[2]
ENGLISH = REPO / "tests" / "fixtures" / "english-course"
ARABIC = REPO

MARK_KINDS = ("full", "partial", "cross", "pencil", "erased-remarked")


@functools.cache
def course_of(root: Path):
    from course.load.course import load_course

    course, problems = load_course(root)
    assert course is not None, problems
    return course


def quiz_with_versions(root: Path, index: int, versions: int):
    """A quiz of the course, printed in ``versions`` versions (the same questions; the layout and code follow)."""
    import copy

    quiz = copy.copy(course_of(root).quizzes[index])
    quiz.versions = versions
    return quiz


def sheet_pdf(root: Path, quiz, version: str, folder: Path) -> Path:
    """The bubble sheet of ``quiz``'s ``version`` as the build writes it."""
    from course.render.pdf.bubbles import write_bubble_sheet
    from course.render.pdf.paper import PrintedVersion

    course = course_of(root)
    renderer = _renderer(root)
    target = folder / f"{quiz.id}-bubbles-{version}.pdf"
    write_bubble_sheet(renderer, PrintedVersion(quiz, version, course.language), target, "sheet.pdf")
    return target


@functools.cache
def _renderer(root: Path):
    from course.render.pdf.handout import PdfRenderer

    return PdfRenderer(course_of(root))


def rasterise(pdf: Path, dpi: int) -> list[np.ndarray]:
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    pages = []
    for page in document:
        bitmap = page.render(scale=dpi / 72, grayscale=True)
        array = np.array(bitmap.to_numpy(), copy=True)
        pages.append(array[..., 0] if array.ndim == 3 else array)
        page.close()
    document.close()
    return pages


@dataclass
class Planted:
    """What a reader must make of a filled page."""

    states: dict[tuple, str] = field(default_factory=dict)  # bubble key -> filled, empty or doubt
    cells: dict[str, str] = field(default_factory=dict)  # item -> the cell when not flagged
    doubtful: set[str] = field(default_factory=set)  # items with a planted ambiguity: they must be flagged
    kinds: dict[tuple, str] = field(default_factory=dict)  # bubble key -> the kind of mark drawn


def _key(bubble) -> tuple:
    return (bubble.item, bubble.part, bubble.row, bubble.col)


def plan_answers(quiz, sheet: Sheet, number: int, rng: random.Random, ambiguity: float = 0.5) -> tuple[dict[tuple, str], Planted]:
    """Choose a learner's answers on page ``number``: which bubble gets which mark, and what must be read."""
    page = sheet.pages[number - 1]
    marks: dict[tuple, str] = {}
    planted = Planted()
    for bubble in page.bubbles:
        planted.states[_key(bubble)] = "empty"
    questions = {q.id: q for q in quiz.questions}
    items = [block.item for block in page.blocks]
    bubbles_of: dict[str, list] = {}
    for bubble in page.bubbles:
        bubbles_of.setdefault(bubble.item, []).append(_key(bubble))

    def mark(key, kind=None):
        kind = kind or rng.choice(MARK_KINDS)
        marks[key] = kind
        planted.states[key] = "filled"
        planted.kinds[key] = kind

    def erase_nearby(key, candidates):
        free = [k for k in candidates if k != key and k not in marks]
        if free:
            residue = rng.choice(free)
            marks[residue] = "erased"
            planted.kinds[residue] = "erased"

    for item in items:
        keys = bubbles_of[item]
        if item == "learner":
            width = rng.randint(3, ID_DIGITS)
            digits = [rng.randrange(10) for _ in range(width)]
            for col, digit in enumerate(digits):
                mark((item, "digit", digit, col))
            planted.cells[item] = "".join(map(str, digits))
            continue
        question = questions[item]
        kind = question.type
        if kind in ("single", "true_false"):
            col = rng.randrange(len(keys))
            chosen = keys[col]
            mark(chosen)
            if marks[chosen] == "erased-remarked":
                erase_nearby(chosen, keys)
            planted.cells[item] = ("true", "false")[col] if kind == "true_false" else letter(col)
        elif kind == "multiple":
            cols = sorted(rng.sample(range(len(keys)), rng.randint(1, len(keys))))
            for col in cols:
                mark(keys[col])
            planted.cells[item] = ";".join(letter(c) for c in cols)
        elif kind in ("matching", "ordering"):
            rows = max(k[2] for k in keys) + 1
            columns = max(k[3] for k in keys) + 1
            picks = rng.sample(range(columns), rows) if kind == "ordering" else [rng.randrange(columns) for _ in range(rows)]
            for row, col in enumerate(picks):
                mark((item, "choice", row, col))
            planted.cells[item] = ";".join(letter(c) for c in picks)
        elif kind == "numeric":
            width = rng.randint(1, NUMERIC_DIGITS)
            start = rng.randint(0, NUMERIC_DIGITS - width)
            digits = [rng.randrange(10) for _ in range(width)]
            for offset, digit in enumerate(digits):
                mark((item, "digit", digit, start + offset))
            text = "".join(map(str, digits))
            if width > 1 and rng.random() < 0.5:
                after = rng.randrange(width - 1)
                mark((item, "decimal", 0, start + after))
                text = text[: after + 1] + "." + text[after + 1 :]
            if rng.random() < 0.3:
                mark((item, "sign", 0, 0))
                text = "-" + text
            planted.cells[item] = text
        elif kind == "short":
            col = rng.randrange(3)
            mark((item, "score", 0, col))
            planted.cells[item] = question.answers[0] if col == 2 else ""
    # planted ambiguities: a light mark where nothing else is, or a second mark in a one-answer question
    if rng.random() < ambiguity:
        item = rng.choice(items)
        free = [k for k in bubbles_of[item] if k not in marks]
        one_answer = item != "learner" and questions[item].type in ("single", "true_false")
        if one_answer and rng.random() < 0.5 and free:
            mark(rng.choice(free), "full")
            planted.doubtful.add(item)
        elif free:
            key = rng.choice(free)
            marks[key] = "light"
            planted.states[key] = "doubt"
            planted.kinds[key] = "light"
            planted.doubtful.add(item)
    return marks, planted


def fill(image: np.ndarray, sheet: Sheet, number: int, marks: dict[tuple, str], dpi: int, rng: random.Random) -> np.ndarray:
    """Draw the marks on a copy of the page's pixels."""
    out = image.copy()
    px = dpi / 25.4
    radius = BUBBLE_R * px
    for bubble in sheet.pages[number - 1].bubbles:
        kind = marks.get(_key(bubble))
        if kind is None:
            continue
        centre = (bubble.x * px + rng.uniform(-0.25, 0.25) * px, bubble.y * px + rng.uniform(-0.25, 0.25) * px)
        _draw(out, kind, centre, radius, px, rng)
    return out


def _draw(image: np.ndarray, kind: str, centre, radius: float, px: float, rng: random.Random) -> None:
    shift = 4
    scale = 1 << shift

    def circle(r, level):
        cv2.circle(image, (round(centre[0] * scale), round(centre[1] * scale)), round(r * scale), int(level), -1, cv2.LINE_AA, shift)

    if kind in ("full", "erased-remarked"):
        circle(radius * rng.uniform(0.85, 1.05), rng.randint(10, 60))
    elif kind == "partial":  # a hurried fill: most of the bubble, off centre
        offset = radius * 0.15
        cx, cy = centre[0] + rng.uniform(-offset, offset), centre[1] + rng.uniform(-offset, offset)
        cv2.ellipse(image, (round(cx * scale), round(cy * scale)), (round(radius * 0.8 * scale), round(radius * 0.65 * scale)),
                    rng.uniform(0, 180), 0, 360, rng.randint(20, 60), -1, cv2.LINE_AA, shift)  # fmt: skip
    elif kind == "cross":  # a bold pen cross over the bubble
        thickness = max(1, round(rng.uniform(0.55, 0.75) * px))
        reach = radius * 0.95
        for sign in (1, -1):
            a = (round(centre[0] - reach), round(centre[1] - sign * reach))
            b = (round(centre[0] + reach), round(centre[1] + sign * reach))
            cv2.line(image, a, b, rng.randint(10, 50), thickness, cv2.LINE_AA)
    elif kind == "pencil":  # graphite: grey and grainy
        ys, xs = _disc(image, centre, radius * rng.uniform(0.85, 1.0))
        level = rng.randint(85, 125)
        grain = np.clip(level + np.random.default_rng(rng.randrange(1 << 30)).normal(0, 18, len(ys)), 0, 255)
        image[ys, xs] = np.minimum(image[ys, xs], grain.astype(np.uint8))
    elif kind == "erased":  # what an eraser leaves of a pencil mark
        ys, xs = _disc(image, centre, radius * 0.9)
        image[ys, xs] = np.minimum(image[ys, xs], rng.randint(228, 240))
    elif kind == "light":  # a faint mark: neither filled nor empty
        ys, xs = _disc(image, centre, radius * 0.9)
        image[ys, xs] = np.minimum(image[ys, xs], rng.randint(172, 190))


def _disc(image, centre, radius):
    """The pixels of a disc, as index arrays into ``image``."""
    reach = int(radius) + 2
    x0, y0 = round(centre[0]) - reach, round(centre[1]) - reach
    ys, xs = np.mgrid[y0 : y0 + 2 * reach + 1, x0 : x0 + 2 * reach + 1]
    inside = (xs - centre[0]) ** 2 + (ys - centre[1]) ** 2 <= radius * radius
    return ys[inside], xs[inside]


def distort(image: np.ndarray, rng: random.Random, jpeg: bool = True) -> np.ndarray:
    """What a scanner or a phone does to a page: turned, skewed, scaled, blurred, noisy, unevenly lit, compressed."""
    height, width = image.shape
    margin = int(0.04 * max(height, width))
    canvas = np.full((height + 2 * margin, width + 2 * margin), rng.randint(200, 255), np.uint8)
    canvas[margin : margin + height, margin : margin + width] = image
    h, w = canvas.shape
    angle = math.radians(rng.uniform(-5, 5))
    scale = rng.uniform(0.9, 1.08)
    centre = np.array([w / 2, h / 2])
    right, bottom = margin + width, margin + height
    corners = np.array([[margin, margin], [right, margin], [right, bottom], [margin, bottom]], np.float32)
    rotation = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    jitter = 0.012 * max(width, height)
    moved = [(rotation @ (c - centre)) * scale + centre + [rng.uniform(-jitter, jitter), rng.uniform(-jitter, jitter)] for c in corners]
    matrix = cv2.getPerspectiveTransform(corners, np.array(moved, np.float32))
    out = cv2.warpPerspective(canvas, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=rng.randint(150, 255))
    sigma = rng.uniform(0.3, 1.2)
    out = cv2.GaussianBlur(out, (0, 0), sigma)
    # uneven light: a gradient from one side, as a phone's shadow or a scanner's lamp
    gy, gx = np.mgrid[0:h:16, 0:w:16].astype(np.float32)
    direction = rng.uniform(0, 2 * math.pi)
    ramp = (gx * math.cos(direction) + gy * math.sin(direction)) / max(w, h)
    ramp = (ramp - ramp.min()) / max(float(ramp.max() - ramp.min()), 1e-6)
    light = cv2.resize((255 * (1 - rng.uniform(0.1, 0.3) * ramp)).astype(np.uint8), (w, h))
    out = cv2.multiply(out, light, scale=1 / 255)
    dx, dy = rng.randrange(NOISE_SLACK), rng.randrange(NOISE_SLACK)
    noise = _noise(h, w)[dy : dy + h, dx : dx + w]  # one field per size, seen through a random window
    strength = rng.uniform(2, 7) / NOISE_SIGMA
    out = cv2.addWeighted(out, 1.0, noise, strength, -128.0 * strength)
    if jpeg:
        ok, data = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, rng.randint(55, 90)])
        out = cv2.imdecode(data, cv2.IMREAD_GRAYSCALE)
    return out


NOISE_SIGMA, NOISE_SLACK = 7.0, 64


@functools.lru_cache(maxsize=8)
def _noise(h: int, w: int) -> np.ndarray:
    field = np.empty((h + NOISE_SLACK, w + NOISE_SLACK), np.uint8)
    cv2.setRNGSeed(h * 7919 + w)
    cv2.randn(field, 128, NOISE_SIGMA)
    return field


def layout_for(quiz, version: str, root: Path) -> Sheet:
    course = course_of(root)
    return sheet_layout(quiz, version, course.paper_size, course.direction == "rtl")
