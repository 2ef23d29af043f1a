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


def translations(language: str) -> NullTranslations:
    """Every ``.po`` catalog of the language (site, quiz, paper...), merged."""
    return catalogs(language, (LOCALE_DIR,))


@functools.cache
def catalogs(language: str, folders: tuple[Path, ...]) -> NullTranslations:
    """The ``.po`` catalogs of a language from several locale folders, merged in order."""
    primary = (language or "en").split("-")[0].lower()
    merged = NullTranslations()
    for folder in folders:
        for po in sorted((folder / primary / "LC_MESSAGES").glob("*.po")):
            loaded = _compile(po, primary)
            merged = merged.merge(loaded) if isinstance(merged, Translations) else loaded
    return merged


def _compile(po: Path, locale: str) -> Translations:
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def translate(language: str, message: str, **values) -> str:
    """One interface string, formatted like the templates' ``_()``."""
    text = translations(language).gettext(message)
    return text % values if values else text
