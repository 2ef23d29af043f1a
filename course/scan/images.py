"""Scanned files as page images: multi-page PDFs (PDFium, ``pypdfium2``) and photos (JPEG, PNG; OpenCV).

Pages come one at a time (a class's scan is hundreds of pages), in grey,
with their file and page number, so that every report can name both.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

PDF_DPI = 200  # enough for the bubbles; more costs time and memory for nothing
PHOTO_SUFFIXES = frozenset({".jpg", ".jpeg", ".png"})


@dataclass
class PageImage:
    file: str  # as the trainer named it
    page: int  # 1-based within the file
    image: np.ndarray | None  # grey, uint8; None when the page could not be read
    problem: str | None = None


def page_images(path: Path, shown: str, dpi: int = PDF_DPI) -> Iterator[PageImage]:
    """Every page of a scanned file, in grey; a file that cannot be read is one page with a problem."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        yield from _pdf_pages(path, shown, dpi)
    elif suffix in PHOTO_SUFFIXES:
        yield _photo(path, shown)
    else:
        yield PageImage(shown, 1, None, "not a PDF, JPEG or PNG file")


def _photo(path: Path, shown: str) -> PageImage:
    import cv2

    data = np.fromfile(path, dtype=np.uint8) if path.is_file() else None
    image = cv2.imdecode(data, cv2.IMREAD_GRAYSCALE) if data is not None and data.size else None
    if image is None:
        return PageImage(shown, 1, None, "cannot be read as an image" if path.is_file() else "no such file")
    return PageImage(shown, 1, image)


def _pdf_pages(path: Path, shown: str, dpi: int) -> Iterator[PageImage]:
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(path)
    except (pypdfium2.PdfiumError, OSError) as error:
        yield PageImage(shown, 1, None, f"cannot be read as a PDF ({error})")
        return
    try:
        if len(document) == 0:
            yield PageImage(shown, 1, None, "a PDF without pages")
        for index in range(len(document)):
            yield _render(document, shown, index, dpi)
    finally:
        document.close()


def page_count(path: Path) -> int:
    """How many pages a scanned file has (1 for a photo, or for a file that cannot be read: its page reports why)."""
    if path.suffix.lower() != ".pdf":
        return 1
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(path)
    except (pypdfium2.PdfiumError, OSError):
        return 1
    try:
        return max(1, len(document))
    finally:
        document.close()


def page_image(path: Path, shown: str, index: int, dpi: int = PDF_DPI) -> PageImage:
    """Page ``index`` (0-based) of a scanned file."""
    if path.suffix.lower() != ".pdf":
        return next(page_images(path, shown, dpi))
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(path)
    except (pypdfium2.PdfiumError, OSError) as error:
        return PageImage(shown, 1, None, f"cannot be read as a PDF ({error})")
    try:
        if len(document) == 0:
            return PageImage(shown, 1, None, "a PDF without pages")
        return _render(document, shown, index, dpi)
    finally:
        document.close()


def _render(document, shown: str, index: int, dpi: int) -> PageImage:
    page = document[index]
    try:
        image = _scanned_image(page, dpi)
        if image is None:
            bitmap = page.render(scale=dpi / 72, grayscale=True)
            image = np.array(bitmap.to_numpy(), copy=True)
            image = image[..., 0] if image.ndim == 3 else image
        return PageImage(shown, index + 1, image)
    finally:
        page.close()


def _scanned_image(page, dpi: int) -> np.ndarray | None:
    """A scanner's page (one upright image covering the page) as its own pixels, at most ``dpi``; None for any other page.

    Decoding the page's image is about ten times as fast as rendering the page
    (PDFium resamples it), and loses nothing.
    """
    import cv2
    import pypdfium2.raw as raw

    images = list(page.get_objects(filter=(raw.FPDF_PAGEOBJ_IMAGE,), max_depth=1))
    if len(images) != 1:
        return None
    width, height = page.get_size()
    left, bottom, right, top = images[0].get_bounds()
    matrix = images[0].get_matrix()
    upright = matrix.a > 0 and matrix.d > 0 and abs(matrix.b) < 1e-6 and abs(matrix.c) < 1e-6
    if not upright or (right - left) * (top - bottom) < 0.9 * width * height:
        return None
    try:
        bitmap = images[0].get_bitmap(render=False)
    except Exception:  # an image PDFium cannot decode on its own (a mask, a rare filter): the page is rendered instead
        return None
    pixels = bitmap.to_numpy()
    if pixels.ndim == 3:
        code = cv2.COLOR_BGRA2GRAY if pixels.shape[2] == 4 else cv2.COLOR_BGR2GRAY
        pixels = cv2.cvtColor(pixels, code)
    if pixels.dtype != np.uint8 or pixels.ndim != 2:
        return None
    scale = dpi * (right - left) / 72 / pixels.shape[1]
    if scale < 0.77:  # scanned at more than 1.3 times what is needed: brought down, as rendering would
        return cv2.resize(pixels, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return np.array(pixels, copy=True)
