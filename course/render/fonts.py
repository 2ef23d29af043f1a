"""The course's fonts, from packages on PyPI (fontpkg-amiri).

Amiri is a naskh typeface made for book typesetting in Arabic, with matching
Latin glyphs, in static Regular/Bold/Italic/BoldItalic files (simple to embed
and subset in PDFs, unlike a variable font), under the SIL Open Font License.
Shipping it as a Python dependency means pip installs the same files on every
machine: the site bundles them and every PDF embeds them, nothing is fetched.
"""

from __future__ import annotations

from pathlib import Path

import fontpkg_amiri

FAMILY = "Amiri"
FACES = {  # file -> (weight, style)
    "Amiri-Regular.ttf": (400, "normal"),
    "Amiri-Bold.ttf": (700, "normal"),
    "Amiri-Italic.ttf": (400, "italic"),
    "Amiri-BoldItalic.ttf": (700, "italic"),
}
FONT_DIR = Path(fontpkg_amiri.ROOT) / "files"


def font_files() -> list[Path]:
    return [FONT_DIR / name for name in FACES]


def font_faces() -> list[dict]:
    """One entry per face, for the ``@font-face`` rules in templates/pdf/fonts.css."""
    return [{"family": FAMILY, "url": (FONT_DIR / name).as_uri(), "weight": w, "style": s} for name, (w, s) in FACES.items()]
