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
        bitmap = page.render(scale=dpi / 72, grayscale=True)
        image = np.array(bitmap.to_numpy(), copy=True)
        return PageImage(shown, index + 1, image[..., 0] if image.ndim == 3 else image)
    finally:
        page.close()
