"""The statistics of a graded answer sheet, for the results report (`grade --report FILE.html|.pdf`).

Quiz level (scores in points):

- ``mean``, ``median``; ``sd``: the sample standard deviation (n - 1), as
  spreadsheet programs' STDEV and Moodle's quiz statistics give it; None for
  fewer than two learners;
- ``pass_rate``: the share of learners who passed;
- ``histogram``: learners per tenth of the percent scale, [0, 10), [10, 20)
  ... [90, 100] (the last bin holds 100);
- ``reliability``: Cronbach's alpha, k/(k-1) * (1 - sum of the questions'
  variances / variance of the scores), variances with n (the n or n - 1
  cancels). When every learner earned either 0 or all the points of every
  question (dichotomous items) this is KR-20 (a 0/w question's variance is
  w^2 p q) and is named so; None for fewer than two questions or learners,
  or scores all equal;
- ``sem``: the standard error of measurement, sd * sqrt(1 - reliability)
  (None with either; 0 reliability or below gives sd).

Question level:

- ``facility``: the mean share of the question's points earned;
- ``discrimination``: the corrected point-biserial, the Pearson correlation of
  that share with the rest score (score less this question), None when either
  side is constant or there are fewer than two learners;
- ``upper_lower``: the upper-lower index, the facility among the 27 % of
  learners with the highest scores less that among the 27 % with the lowest
  (each group floor(0.27 n + 0.5) learners, at least 1; learners ranked by
  score, ties in input order); None for fewer than two learners;
- the answers given, for every type: each option (``single``, ``multiple``,
  ``true_false``); each distinct normalised text (``short``, accepted ones
  marked); numbers grouped as the exact answer, within the tolerance, and
  every other value (``numeric``); for ``matching`` the choice given to each
  prompt and for ``ordering`` the item put at each position;
- ``flags``: what a trainer should look at (``FLAGS``).

``quiz_statistics`` reads a graded answer sheet (the paper path);
``response_statistics`` takes canonical responses, one dict per learner (what
the classroom stores), and gives the same figures. Model only: the report is
rendered by ``course.render.report``.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import repeat
from operator import attrgetter, itemgetter, mul, sub
from typing import Any

from ..model import Question, Quiz, letter
from .answer_sheet import AnswerSheet, CellGrader, sheet_graders
from .rules import PLAIN, Earned, QuizResult, Reading, grade_question, grade_quiz, normalize, parse_number, sheet_columns

EASY, HARD, LOW_DISCRIMINATION = 0.9, 0.3, 0.2
UPPER_LOWER_SHARE = 0.27
FLAGS = ("negative-discrimination", "low-discrimination", "too-easy", "too-hard", "unchosen-distractor")
BINS = 10
POINTS = attrgetter("points")


@dataclass(frozen=True)
class Tally:
    """One answer given and how many learners gave it; ``key``: it is (or is among) the right ones."""

    label: str
    count: int
    key: bool = False


@dataclass
class QuestionStatistics:
    question: Question
    facility: float | None
    discrimination: float | None
    upper_lower: float | None
    blank: int = 0
    unreadable: int = 0
    answers: list[Tally] = field(default_factory=list)
    positions: list[list[Tally]] = field(default_factory=list)  # matching: per prompt; ordering: per position
    flags: list[str] = field(default_factory=list)
    unchosen: list[str] = field(default_factory=list)  # distractors (file-order letters) nobody chose


@dataclass
class QuizStatistics:
    quiz: Quiz
    learners: int
    max: float
    mean: float | None
    median: float | None
    sd: float | None
    pass_rate: float | None
    histogram: list[int]
    reliability: float | None
    reliability_kind: str  # "kr20" or "alpha"
    sem: float | None
    questions: list[QuestionStatistics]


def quiz_statistics(
    quiz: Quiz, sheet: AnswerSheet, results: list[QuizResult], reading: Reading = PLAIN, graders: dict[str, CellGrader] | None = None
) -> QuizStatistics:
    """Every figure of the results report for a graded answer sheet; ``results`` in the order of ``sheet.rows``.

    ``graders``: the ``sheet_graders`` the gradebook used, so no cell is read or graded twice.
    """
    graders = graders if graders is not None else sheet_graders(quiz, reading)
    groups = sheet.by_version()

    def answers(question: Question) -> Iterator[tuple[Earned, object, int]]:
        outcome = graders[question.id].outcome
        for cell, version, learners in sheet.distinct_cells(question.id, groups):
            earned, response = outcome(cell, version)
            yield earned, response, learners

    return _statistics(quiz, results, answers, reading)


def response_statistics(quiz: Quiz, responses: list[dict[str, Any]], reading: Reading = PLAIN) -> QuizStatistics:
    """The same figures for canonical responses (``course.grading.rules``: one dict per learner), as the classroom keeps them."""
    results = [grade_quiz(quiz, response, reading) for response in responses]

    def answers(question: Question) -> Iterator[tuple[Earned, object, int]]:
        distinct: dict[object, tuple[object, int]] = {}
        for response in responses:
            value = response.get(question.id)
            key = _frozen(value)
            seen, learners = distinct.get(key, (value, 0))
            distinct[key] = (seen, learners + 1)
        for value, learners in distinct.values():
            earned = grade_question(question, value, reading)
            yield earned, None if earned.warning else value, learners

    return _statistics(quiz, results, answers, reading)


def _frozen(value) -> object:
    """A hashable stand-in for a response (lists as tuples; anything else unhashable by its repr)."""
    if isinstance(value, list):
        return ("list", *(_frozen(v) for v in value))
    try:
        hash(value)
    except TypeError:
        return ("repr", repr(value))
    return (type(value).__name__, value)


def _statistics(quiz: Quiz, results: list[QuizResult], answers, reading: Reading) -> QuizStatistics:
    scores = [r.score for r in results]
    maximum = sum(q.points for q in quiz.questions)
    n = len(scores)
    columns = sheet_columns(results)  # the graded sheet's own columns, when the results are its rows
    if columns is None:
        earneds = [r.earned for r in results]
        columns = [list(map(itemgetter(q.id), earneds)) for q in quiz.questions]
    earned = {q.id: list(map(POINTS, column)) for q, column in zip(quiz.questions, columns, strict=True)}
    spread = _Spread(scores)
    sd = math.sqrt(spread.squares / (n - 1)) if n >= 2 else None
    items = {q.id: _Spread(earned[q.id]) for q in quiz.questions}
    reliability, kind = _reliability(quiz, earned, items, spread)
    sem = None if sd is None or reliability is None else sd * math.sqrt(max(0.0, 1 - reliability))
    ranked = sorted(range(n), key=scores.__getitem__)
    questions = [_question(q, earned[q.id], items[q.id], spread, ranked, answers(q), reading) for q in quiz.questions]
    return QuizStatistics(
        quiz=quiz,
        learners=n,
        max=maximum,
        mean=spread.mean if n else None,
        median=statistics.median(scores) if n else None,
        sd=sd,
        pass_rate=sum(1 for r in results if r.passed) / n if n else None,
        histogram=histogram([r.percent for r in results]),
        reliability=reliability,
        reliability_kind=kind,
        sem=sem,
        questions=questions,
    )


class _Spread:
    """A list of numbers' mean, deviations from it and their sum of squares, worked out once.

    Plain float sums (``sum``'s C loop, a fifth of ``math.fsum``'s cost): over
    deviations from the mean their rounding stays far below the two decimals
    a report shows, as the tests against numpy check on a class of 500."""

    def __init__(self, values: list[float]):
        self.mean = sum(values) / len(values) if values else 0.0
        self.deviations = list(map(sub, values, repeat(self.mean)))
        self.squares = sum(map(mul, self.deviations, self.deviations))


def histogram(percents: list[float]) -> list[int]:
    counts = [0] * BINS
    for percent in percents:
        counts[min(BINS - 1, max(0, int(percent // (100 / BINS))))] += 1
    return counts


def _reliability(quiz: Quiz, earned: dict[str, list[float]], items: dict[str, _Spread], scores: _Spread) -> tuple[float | None, str]:
    dichotomous = all(set(earned[q.id]) <= {0, q.points} for q in quiz.questions)
    kind = "kr20" if dichotomous else "alpha"
    k = len(quiz.questions)
    if k < 2 or len(scores.deviations) < 2 or scores.squares == 0:
        return None, kind
    variances = math.fsum(items[q.id].squares for q in quiz.questions)
    return k / (k - 1) * (1 - variances / scores.squares), kind  # sums of squares: the n of both variances cancels


def correlation(xs: list[float], ys: list[float]) -> float | None:
    """Pearson's r as ``statistics.correlation`` works it out (exact sums of the deviations' products), without its
    generators; None for fewer than two learners or a constant side."""
    n = len(xs)
    if n < 2:
        return None
    dx = list(map(sub, xs, repeat(math.fsum(xs) / n)))
    dy = list(map(sub, ys, repeat(math.fsum(ys) / n)))
    product = math.fsum(map(mul, dx, dx)) * math.fsum(map(mul, dy, dy))
    return math.fsum(map(mul, dx, dy)) / math.sqrt(product) if product else None


def upper_lower(shares: list[float], ranked: list[int]) -> float | None:
    """Facility in the top 27 % less facility in the bottom 27 % (``ranked``: learner indexes, lowest score first)."""
    n = len(ranked)
    if n < 2:
        return None
    size = max(1, math.floor(UPPER_LOWER_SHARE * n + 0.5))
    low, high = ranked[:size], ranked[n - size :]
    pick = shares.__getitem__
    return math.fsum(map(pick, high)) / size - math.fsum(map(pick, low)) / size


def _question(
    question: Question, earned: list[float], item: _Spread, scores: _Spread, ranked, answers, reading: Reading
) -> QuestionStatistics:
    """Facility, the corrected point-biserial (the item's points against the rest score: Pearson's r is the same for
    the share of the points) and the upper-lower index, from the deviations worked out once."""
    n = len(earned)
    rests = list(map(sub, scores.deviations, item.deviations))  # each rest score's deviation from the mean rest score
    product = item.squares * sum(map(mul, rests, rests))
    discrimination = sum(map(mul, item.deviations, rests)) / math.sqrt(product) if n >= 2 and product else None
    points = question.points
    high_low = upper_lower(earned, ranked)
    stats = QuestionStatistics(
        question,
        item.mean / points if n else None,
        discrimination,
        None if high_low is None else high_low / points,
    )
    _tally(stats, answers, reading)
    stats.flags = _flags(stats)
    return stats


def _tally(stats: QuestionStatistics, answers, reading: Reading) -> None:
    """Blank, unreadable and each answer's count from the distinct answers (earned, canonical response, learners)."""
    question = stats.question
    given: Counter = Counter()
    positions = [Counter() for _ in range(_position_count(question))]
    for earned, response, learners in answers:
        if earned.warning:
            stats.unreadable += learners
            continue
        if _blank(response):
            stats.blank += learners
            continue
        if question.type in ("matching", "ordering"):
            for index, value in enumerate(response[: len(positions)]):
                positions[index][value or ""] += learners
        elif question.type == "multiple":
            for value in set(response):
                given[value] += learners
        else:
            given[_label(question, response, earned.points, reading)] += learners
    stats.answers = _answers(question, given)
    stats.positions = [_position(question, index, counter) for index, counter in enumerate(positions)]
    if question.type in ("single", "multiple"):
        stats.unchosen = [t.label for t in stats.answers if not t.key and not t.count]


def _blank(response) -> bool:
    if isinstance(response, list):
        return all(r is None for r in response)
    return response is None or (isinstance(response, str) and not normalize(response))


def _label(question: Question, response, points: float, reading: Reading) -> str:
    if question.type == "true_false":
        return str(response).lower()
    if question.type == "short":
        return normalize(response)
    if question.type == "numeric":
        value = parse_number(response, reading.decimal_comma) if isinstance(response, str) else response
        if points and value == question.answer:
            return "=exact"
        if points:
            return "=within"
        return format_number(value)
    return response  # single: one letter


def format_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _answers(question: Question, given: Counter) -> list[Tally]:
    if question.type in ("single", "multiple"):
        return [Tally(letter(i), given[letter(i)], o.correct) for i, o in enumerate(question.options)]
    if question.type == "true_false":
        return [Tally(label, given[label], label == str(question.answer).lower()) for label in ("true", "false")]
    if question.type == "short":
        accepted = {normalize(a) for a in question.answers}
        return [Tally(text, count, text in accepted) for text, count in sorted(given.items(), key=lambda kv: (-kv[1], kv[0]))]
    if question.type == "numeric":
        groups = [Tally("=exact", given.pop("=exact", 0), True), Tally("=within", given.pop("=within", 0), True)]
        others = sorted(given.items(), key=lambda kv: (-kv[1], float(kv[0])))
        return groups + [Tally(value, count) for value, count in others]
    return []


def _position_count(question: Question) -> int:
    return len(question.prompts) if question.type == "matching" else len(question.items) if question.type == "ordering" else 0


def _position(question: Question, index: int, counter: Counter) -> list[Tally]:
    """What learners gave at one prompt or position: every choice or item letter, then left empty."""
    count = len(question.choices) if question.type == "matching" else len(question.items)
    key = question.answer[index] if index < len(question.answer) else None
    tallies = [Tally(letter(i), counter[letter(i)], letter(i) == key) for i in range(count)]
    return [*tallies, Tally("", counter[""])] if counter[""] else tallies


def _flags(stats: QuestionStatistics) -> list[str]:
    flags = []
    if stats.discrimination is not None:
        if stats.discrimination < 0:
            flags.append("negative-discrimination")
        elif stats.discrimination < LOW_DISCRIMINATION:
            flags.append("low-discrimination")
    if stats.facility is not None:
        if stats.facility > EASY:
            flags.append("too-easy")
        elif stats.facility < HARD:
            flags.append("too-hard")
    if stats.unchosen:
        flags.append("unchosen-distractor")
    return flags
