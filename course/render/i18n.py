"""Interface strings in the course's language, from gettext catalogs.

The catalogs are plain ``.po`` files in ``course/locale``. Babel compiles
each to a ``.mo`` catalog when first needed, kept in the engine's per-user
cache (``course.usercache``) under the fingerprint of the ``.po`` file and
Babel's version, so no build artefact has to be kept in step with the
sources; Python's ``gettext`` reads it. English strings are the message
ids, so a language without a catalog falls back to English.

A course's own words (course.yaml ``interface``: pairs of an interface id,
``course.load.interface``, and its text) come before the catalogs: every
function here takes them as ``interface``, a tuple of (id, text) pairs.
"""

from __future__ import annotations

import functools
import gettext
import hashlib
import io
import re
from pathlib import Path

from ..load.interface import registry
from ..model import text_direction
from ..usercache import user_cache, write_atomic

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def available_languages() -> list[str]:
    return sorted(p.name for p in LOCALE_DIR.iterdir() if list((p / "LC_MESSAGES").glob("*.po")))


def translations(language: str, interface: tuple[tuple[str, str], ...] = ()) -> gettext.NullTranslations:
    """Every ``.po`` catalog of the language (site, quiz, paper...), merged, under the course's ``interface``."""
    return catalogs(language, (LOCALE_DIR,), interface)


@functools.cache
def source_translations(language: str) -> gettext.NullTranslations:
    """The language's catalogs as they are, for files an author edits (scaffolds): no isolates around English left over."""
    return _merged(language, (LOCALE_DIR,))


class Overrides(gettext.NullTranslations):
    """A course's own words (course.yaml ``interface``), asked first; the catalogs answer the rest."""

    def __init__(self, interface: tuple[tuple[str, str], ...], fallback: gettext.NullTranslations):
        super().__init__()
        ids = registry()
        self.table = {ids[key]: text for key, text in interface if key in ids}
        self.add_fallback(fallback)

    def gettext(self, message: str) -> str:
        found = self.table.get(message)
        return found if found is not None else self._fallback.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        found = self.table.get(singular)
        return found if found is not None else self._fallback.ngettext(singular, plural, n)


# A string left in English inside a right-to-left page is isolated left to right (U+2066 ... U+2069), so that
# its punctuation stays where English puts it (":By the end of this module" otherwise).
LRI, PDI = "\u2066", "\u2069"
LATIN = re.compile(r"[A-Za-z]")


class Isolating(gettext.NullTranslations):
    """The catalogs of a right-to-left language: what they leave in English comes back isolated left to right."""

    def __init__(self, fallback: gettext.NullTranslations):
        super().__init__()
        self.add_fallback(fallback)

    def gettext(self, message: str) -> str:
        return _isolated(self._fallback.gettext(message), (message,))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return _isolated(self._fallback.ngettext(singular, plural, n), (singular, plural))


def _isolated(text: str, english: tuple[str, ...]) -> str:
    return f"{LRI}{text}{PDI}" if text in english and LATIN.search(text) else text


def untranslated(text: str, english: str) -> bool:
    """Whether a looked-up string is the English one (isolated or not): the catalogs do not give it."""
    return text.strip(LRI + PDI) == english


@functools.cache
def catalogs(language: str, folders: tuple[Path, ...], interface: tuple[tuple[str, str], ...] = ()) -> gettext.NullTranslations:
    """The ``.po`` catalogs of a language from several locale folders, merged (a later catalog's string wins), under ``interface``."""
    if interface:
        return Overrides(interface, catalogs(language, folders))
    if text_direction(language) == "rtl":
        return Isolating(_merged(language, folders))
    return _merged(language, folders)


def _merged(language: str, folders: tuple[Path, ...]) -> gettext.NullTranslations:
    primary = (language or "en").split("-")[0].lower()
    loaded = [_load(po, primary) for folder in folders for po in sorted((folder / primary / "LC_MESSAGES").glob("*.po"))]
    if not loaded:
        return gettext.NullTranslations()
    merged = loaded[-1]
    for earlier in reversed(loaded[:-1]):
        merged.add_fallback(earlier)  # asked, in turn, for what the later ones lack
    return merged


def _load(po: Path, locale: str) -> gettext.GNUTranslations:
    source = po.read_bytes()
    folder = user_cache("catalogs")
    cached = None
    if folder is not None:
        from ..fingerprint import installed_versions

        babel = installed_versions(("babel",))["babel"]
        key = hashlib.sha256(b"\0".join([source, locale.encode(), str(babel).encode()])).hexdigest()
        cached = folder / f"{key}.mo"
        try:
            return gettext.GNUTranslations(io.BytesIO(cached.read_bytes()))
        except Exception:  # noqa: BLE001 - not there, or damaged: compiled again below
            pass
    data = _compile(source, locale)
    if cached is not None:
        write_atomic(cached, data)
    return gettext.GNUTranslations(io.BytesIO(data))


def _compile(source: bytes, locale: str) -> bytes:
    """A ``.po`` file's bytes as a ``.mo`` catalog (with the locale's plural forms)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    buffer = io.BytesIO()
    write_mo(buffer, read_po(io.BytesIO(source), locale=locale))
    return buffer.getvalue()


def translate(language: str, message: str, *, interface: tuple[tuple[str, str], ...] = (), **values) -> str:
    """One interface string, formatted like the templates' ``_()``."""
    text = translations(language, interface).gettext(message)
    return text % values if values else text
