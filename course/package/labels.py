"""The few words an export adds itself, in the course's language.

QTI has no built-in true/false question, so its two choices need words; the
ordering question becomes a matching of numbered positions in Moodle and GIFT.
Languages not listed fall back to English.
"""

from __future__ import annotations

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


def true_false(language: str) -> tuple[str, str]:
    return TRUE_FALSE.get(_primary(language), TRUE_FALSE["en"])


def position(language: str, n: int) -> str:
    """The label of the n-th (1-based) place in an ordering question."""
    return POSITION.get(_primary(language), POSITION["en"]).replace("{n}", str(n))
