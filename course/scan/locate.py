"""Finding a page: its code (zxing-cpp), then its corner marks (OpenCV), then the page straightened.

The code's four corners, whose places on the sheet the layout knows, give a
first homography from the sheet (millimetres) to the scan; it tells the
page's rotation (a page scanned upside down is read turned and reported)
and predicts where each corner mark is. The solid square nearest each
prediction is taken, and the four mark centres give the exact homography
(rotation, perspective, scale). The page is then warped onto a canvas of
``RESOLUTION`` pixels per millimetre, where the layout's millimetres are
pixels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from .layout import MARK, Code, Sheet, parse_code

RESOLUTION = 6.0  # canvas pixels per millimetre
SEARCH = 45.0  # how far (mm) from where the code predicts it a corner mark may be
CODE_SEARCH_SIZE = 2400  # a page larger than CODE_SHRINK_FROM pixels (300 dpi, a phone's photo) is shrunk to this to look for the code
CODE_SHRINK_FROM = 3000
BLANK_SPREAD = 12  # a page whose grey levels spread less than this is blank


class NotLocated(Exception):
    """A page that cannot be read, with the reason a trainer is told."""


@dataclass
class Found:
    code: Code
    corners: np.ndarray  # the code's corners in the scan: top-left, top-right, bottom-right, bottom-left
    turned: float  # how far the page is turned, degrees (about 180: upside down)


def find_code(image: np.ndarray) -> Found | list[str]:
    """The sheet's code on the page, or what else was found (texts of other codes; empty: none)."""
    import zxingcpp

    shrink = 1.0 if max(image.shape) <= CODE_SHRINK_FROM else CODE_SEARCH_SIZE / max(image.shape)
    small = image if shrink == 1.0 else cv2.resize(image, None, fx=shrink, fy=shrink, interpolation=cv2.INTER_AREA)
    results = zxingcpp.read_barcodes(small, formats=zxingcpp.BarcodeFormat.QRCode)
    if not results and shrink < 1.0:
        shrink, results = 1.0, zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    others = []
    for result in results:
        code = parse_code(result.text)
        if code is None:
            others.append(result.text)
            continue
        p = result.position
        points = (p.top_left, p.top_right, p.bottom_right, p.bottom_left)
        corners = np.array([[point.x, point.y] for point in points], dtype=np.float32) / shrink
        top = corners[1] - corners[0]
        return Found(code, corners, math.degrees(math.atan2(top[1], top[0])))
    return others


def is_blank(image: np.ndarray) -> bool:
    """Nothing printed or written: the grey levels hardly spread (a blank page, or the back of a sheet)."""
    small = cv2.resize(image, (max(1, image.shape[1] // 8), max(1, image.shape[0] // 8)), interpolation=cv2.INTER_AREA)
    low, high = np.percentile(small, (0.5, 99.5))
    return high - low < BLANK_SPREAD * 2 and float(np.std(small)) < BLANK_SPREAD


def straighten(image: np.ndarray, found: Found, sheet: Sheet) -> np.ndarray:
    """The page warped onto the sheet's canvas (``RESOLUTION`` px/mm); raises NotLocated without its four corner marks."""
    qx, qy, side = sheet.code_square()
    sheet_corners = np.array([[qx, qy], [qx + side, qy], [qx + side, qy + side], [qx, qy + side]], dtype=np.float32)
    rough = cv2.getPerspectiveTransform(sheet_corners, found.corners)
    scale = float(np.linalg.norm(found.corners[1] - found.corners[0]) / side)  # scan pixels per millimetre
    inside_code = cv2.perspectiveTransform(np.array([[[qx - 3, qy - 3], [qx + side + 3, qy + side + 3]]], dtype=np.float32), rough)[0]
    squares = [s for s in solid_squares(image, scale) if not _within(s, inside_code)]
    marks = np.array(sheet.marks(), dtype=np.float32)
    # the top marks first (the code is near them, so their prediction is close); with them the bottom ones
    top = [_nearest(squares, point, SEARCH * scale) for point in cv2.perspectiveTransform(marks[None, :2], rough)[0]]
    if all(point is not None for point in top):
        known = np.vstack([sheet_corners, marks[:2]])
        seen = np.vstack([found.corners, np.array(top, dtype=np.float32)])
        rough, _ = cv2.findHomography(known, seen, 0)
    bottom = [_nearest(squares, point, SEARCH * scale) for point in cv2.perspectiveTransform(marks[None, 2:], rough)[0]]
    centres = [*top, *bottom]
    missing = [name for name, centre in zip(CORNER_NAMES, centres, strict=True) if centre is None]
    if missing or len(set(centres)) < 4:
        raise NotLocated(f"corner mark not found: {', '.join(missing) or 'two corners on one mark'} (is the whole sheet on the scan?)")
    exact = cv2.getPerspectiveTransform(np.array(sheet.marks(), dtype=np.float32) * RESOLUTION, np.array(centres, dtype=np.float32))
    size = (round(sheet.width * RESOLUTION), round(sheet.height * RESOLUTION))
    return cv2.warpPerspective(image, exact, size, flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP, borderValue=255)


def _nearest(points: list, target, reach: float):
    near = [(math.dist(target, point), point) for point in points if math.dist(target, point) < reach]
    return min(near)[1] if near else None


def _within(point, box) -> bool:
    """Whether ``point`` lies in the box spanned by two (turned) corners: the code's own squares are not marks."""
    (x0, y0), (x1, y1) = box
    return min(x0, x1) <= point[0] <= max(x0, x1) and min(y0, y1) <= point[1] <= max(y0, y1)


def solid_squares(image: np.ndarray, scale: float) -> list[tuple[float, float]]:
    """The centres of the solid dark squares of a corner mark's size on the page (scan pixels)."""
    block = int(MARK * scale * 3) | 1
    dark = cv2.adaptiveThreshold(image, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 30)
    contours, _ = cv2.findContours(dark, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    expected = (MARK * scale) ** 2
    found = []
    for contour in contours:
        area = cv2.contourArea(contour)
        if not 0.5 * expected <= area <= 2.0 * expected:
            continue
        _, (w, h), _ = cv2.minAreaRect(contour)
        if min(w, h) <= 0 or max(w, h) / min(w, h) > 1.4 or area / (w * h) < 0.8:
            continue
        moments = cv2.moments(contour)
        found.append((moments["m10"] / moments["m00"], moments["m01"] / moments["m00"]))
    return found


CORNER_NAMES = ("top left", "top right", "bottom right", "bottom left")
