"""Whether an image file a module shows can be shown: read from its header only (Pillow's ``verify``)."""

from __future__ import annotations

import warnings
from pathlib import Path

MAX_PIXELS = 50_000_000  # a 50-megapixel image takes ~200 MB to decode: no handout needs one
VECTOR = {".svg"}  # drawn by WeasyPrint and the browser, not by Pillow


def image_trouble(path: Path) -> str | None:
    """Why ``path`` would not show (a phrase for a message), or None."""
    if path.suffix.lower() in VECTOR:
        return None
    from PIL import Image  # only a course with images pays for importing Pillow

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                width, height = image.size
                image.verify()
    except Image.DecompressionBombError:
        return f"has too many pixels to decode (over {MAX_PIXELS // 1_000_000} megapixels): scale it down"
    except Exception as error:  # Pillow raises many kinds for a file that is not an image
        return f"is not a readable image ({type(error).__name__}): save it again as PNG, JPEG or SVG"
    if width * height > MAX_PIXELS:
        return f"is {width}x{height} pixels, over {MAX_PIXELS // 1_000_000} megapixels: scale it down so the PDF and the pages can show it"
    return None
