"""A made-up class answering a quiz: ANSWERS.csv rows for any quiz, seeded, with stronger and weaker learners.

Each learner has an ability, each question a difficulty; a learner answers a
question (or each position of a matching or ordering question) right with a
probability that grows with the ability. Wrong answers are drawn from the
other letters, a few wrong words, or nearby numbers. Used by the report's
tests and to make the report pictured in docs/trainers.md.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from course.model import Quiz, letter

WRONG_WORDS = ["فاتورة", "invoice", "بيان", "manifest list"]


def _chance(ability: float, difficulty: float) -> float:
    return min(0.97, max(0.03, ability - difficulty + 0.5))


def answer_cell(question, ability: float, difficulty: float, rng: random.Random) -> str:
    p = _chance(ability, difficulty)
    if rng.random() < 0.02:
        return ""
    kind = question.type
    if kind in ("single", "multiple"):
        right = [letter(i) for i, o in enumerate(question.options) if o.correct]
        wrong = [letter(i) for i, o in enumerate(question.options) if not o.correct]
        if rng.random() < p or not wrong:
            return ";".join(right)
        if kind == "single":
            return rng.choice(wrong[:-1] or wrong)  # the last distractor stays unchosen, as a weak one would
        return ";".join(sorted(set(rng.sample(right, max(1, len(right) - 1))) | {rng.choice(wrong)}))
    if kind == "true_false":
        return str(question.answer if rng.random() < p else not question.answer).lower()
    if kind == "short":
        return rng.choice(question.answers) if rng.random() < p else rng.choice(WRONG_WORDS)
    if kind == "numeric":
        if rng.random() < p:
            return str(question.answer) if rng.random() < 0.8 or not question.tolerance else str(question.answer + question.tolerance / 2)
        return str(rng.choice([question.answer + 1, question.answer - 1, question.answer * 2]))
    count = len(question.choices) if kind == "matching" else len(question.items)
    cells = [key if rng.random() < p else letter(rng.randrange(count)) for key in question.answer]
    return ";".join(cells)


def write_class(quiz: Quiz, path: Path, learners: int, seed: int = 7, delimiter: str = ",") -> Path:
    rng = random.Random(seed)
    difficulty = {q.id: rng.uniform(-0.3, 0.4) for q in quiz.questions}
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, delimiter=delimiter)
        writer.writerow(["learner", *(q.id for q in quiz.questions)])
        for n in range(learners):
            ability = rng.uniform(0.1, 1.0)
            writer.writerow([f"متدرب {n + 1}", *(answer_cell(q, ability, difficulty[q.id], rng) for q in quiz.questions)])
    return path
