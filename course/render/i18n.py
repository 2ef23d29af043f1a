"""Interface strings in the course's language, from gettext catalogs.

The catalogs are plain ``.po`` files in ``course/locale``. Babel compiles
each to a ``.mo`` catalog when first needed, kept in the engine's per-user
cache (``course.usercache``) under the fingerprint of the ``.po`` file and
Babel's version, so no build artefact has to be kept in step with the
sources; Python's ``gettext`` reads it. English strings are the message
ids, so a language without a catalog falls back to English.
"""

from __future__ import annotations

import functools
import gettext
import hashlib
import io
from pathlib import Path

from ..usercache import user_cache, write_atomic

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def available_languages() -> list[str]:
    return sorted(p.name for p in LOCALE_DIR.iterdir() if list((p / "LC_MESSAGES").glob("*.po")))


def translations(language: str) -> gettext.NullTranslations:
    """Every ``.po`` catalog of the language (site, quiz, paper...), merged."""
    return catalogs(language, (LOCALE_DIR,))


@functools.cache
def catalogs(language: str, folders: tuple[Path, ...]) -> gettext.NullTranslations:
    """The ``.po`` catalogs of a language from several locale folders, merged: a later catalog's string wins."""
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


def translate(language: str, message: str, **values) -> str:
    """One interface string, formatted like the templates' ``_()``."""
    text = translations(language).gettext(message)
    return text % values if values else text
