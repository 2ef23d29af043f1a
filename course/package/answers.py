"""The short answers an LMS is given: every accepted answer, and its normalized form.

LMSs compare a short answer literally (ignoring case and outer spaces); our
``normalize`` also folds Arabic letter variants, marks, digits and edge
punctuation. Adding each accepted answer's normalized form (when it differs)
lets an LMS accept the commonest such spellings too, e.g. ``الاقرار`` for
``الإقرار``. Duplicates that differ only in case are dropped.
"""

from __future__ import annotations

from ..grading.rules import normalize
from ..model import Question


def accepted_answers(question: Question) -> list[str]:
    seen: dict[str, str] = {}
    for answer in question.answers:
        for variant in (answer.strip(), normalize(answer)):
            if variant:
                seen.setdefault(variant.casefold(), variant)
    return list(seen.values())
