"""Interface strings in the course's language, from gettext catalogs (Babel).

The catalogs are plain ``.po`` files in ``course/locale``; they are compiled
in memory when first needed, so no build artefact has to be kept in step.
English strings are the message ids, so a language without a catalog falls
back to English.
"""

from __future__ import annotations

import functools
import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def available_languages() -> list[str]:
    return sorted(p.name for p in LOCALE_DIR.iterdir() if list((p / "LC_MESSAGES").glob("*.po")))


@functools.cache
def translations(language: str) -> NullTranslations:
    """Every ``.po`` catalog of the language (site, quiz, paper...), merged."""
    primary = (language or "en").split("-")[0].lower()
    merged = NullTranslations()
    for po in sorted((LOCALE_DIR / primary / "LC_MESSAGES").glob("*.po")):
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=primary)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        loaded = Translations(buffer)
        merged = loaded if isinstance(merged, NullTranslations) and not isinstance(merged, Translations) else merged.merge(loaded)
    return merged


def translate(language: str, message: str, **values) -> str:
    """One interface string, formatted like the templates' ``_()``."""
    text = translations(language).gettext(message)
    return text % values if values else text
