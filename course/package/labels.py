"""The few words an export adds itself, in the course's language.

QTI has no built-in true/false question, so its two choices need words; the
ordering question becomes a matching of numbered positions in Moodle and GIFT.
The course's catalogue (and course.yaml ``interface``) gives them first, as
every interface string; the tables below serve languages it lacks, and other
languages fall back to English.
"""

from __future__ import annotations

from ..render.i18n import translate, untranslated

TRUE_FALSE = {
    "en": ("True", "False"),
    "ar": ("صح", "خطأ"),
    "fa": ("درست", "نادرست"),
    "he": ("נכון", "לא נכון"),
    "ur": ("درست", "غلط"),
    "fr": ("Vrai", "Faux"),
}

POSITION = {
    "en": "Position {n}",
    "ar": "الموضع {n}",
    "fa": "جایگاه {n}",
    "he": "מקום {n}",
    "ur": "مقام {n}",
    "fr": "Position {n}",
}


def _primary(language: str) -> str:
    return (language or "en").split("-")[0].lower()


def true_false(language: str, interface: tuple = ()) -> tuple[str, str]:
    fallback = TRUE_FALSE.get(_primary(language), TRUE_FALSE["en"])
    return _word(language, "True", fallback[0], interface), _word(language, "False", fallback[1], interface)


def position(language: str, n: int, interface: tuple = ()) -> str:
    """The label of the n-th (1-based) place in an ordering question."""
    found = translate(language, "Position %(n)s", interface=interface)
    if untranslated(found, "Position %(n)s"):
        return POSITION.get(_primary(language), POSITION["en"]).replace("{n}", str(n))
    return found % {"n": n}


def _word(language: str, english: str, fallback: str, interface: tuple) -> str:
    found = translate(language, english, interface=interface)
    return fallback if untranslated(found, english) else found
