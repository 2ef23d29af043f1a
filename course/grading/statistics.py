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
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..model import Question, Quiz, letter
from .answer_sheet import AnswerSheet, CellGrader, sheet_graders
from .columns import answers_given, sheet_columns
from .rules import PLAIN, Earned, QuizResult, Reading, grade_question, grade_quiz, normalize, parse_number

EASY, HARD, LOW_DISCRIMINATION = 0.9, 0.3, 0.2
UPPER_LOWER_SHARE = 0.27
FLAGS = ("negative-discrimination", "low-discrimination", "too-easy", "too-hard", "unchosen-distractor")
BINS = 10


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
    return _statistics(quiz, results, answers_given(quiz, sheet, results, graders), reading)


def response_statistics(quiz: Quiz, responses: list[dict[str, Any]], reading: Reading = PLAIN) -> QuizStatistics:
    """The same figures for canonical responses (``course.grading.rules``: one dict per learner), as the classroom keeps them."""
    results = [grade_quiz(quiz, response, reading) for response in responses]
    return _statistics(quiz, results, [_given(question, responses, reading) for question in quiz.questions], reading)


def _given(question: Question, responses: list[dict[str, Any]], reading: Reading) -> list[tuple[Earned, object, int]]:
    """(earned, response, learners) for each distinct response to ``question``."""
    distinct: dict[object, tuple[object, int]] = {}
    for response in responses:
        value = response.get(question.id)
        key = _frozen(value)
        seen, learners = distinct.get(key, (value, 0))
        distinct[key] = (seen, learners + 1)
    given = []
    for value, learners in distinct.values():
        earned = grade_question(question, value, reading)
        given.append((earned, None if earned.warning else value, learners))
    return given


def _frozen(value) -> object:
    """A hashable stand-in for a response (lists as tuples; anything else unhashable by its repr)."""
    if isinstance(value, list):
        return ("list", *(_frozen(v) for v in value))
    try:
        hash(value)
    except TypeError:
        return ("repr", repr(value))
    return (type(value).__name__, value)


def _statistics(quiz: Quiz, results: list[QuizResult], given: list[list[tuple[Earned, object, int]]], reading: Reading) -> QuizStatistics:
    n = len(results)
    scores = np.array([r.score for r in results], dtype=float)
    figures = Figures(quiz, points_matrix(quiz, results), scores)
    sd = math.sqrt(figures.squares / (n - 1)) if n >= 2 else None
    reliability, kind = figures.reliability()
    sem = None if sd is None or reliability is None else sd * math.sqrt(max(0.0, 1 - reliability))
    facility, discrimination, high_low = figures.facility(), figures.discrimination(), figures.upper_lower()
    questions = []
    for number, question in enumerate(quiz.questions):
        stats = QuestionStatistics(question, facility[number], discrimination[number], high_low[number])
        _tally(stats, given[number], reading)
        stats.flags = _flags(stats)
        questions.append(stats)
    return QuizStatistics(
        quiz=quiz,
        learners=n,
        max=sum(q.points for q in quiz.questions),
        mean=figures.mean if n else None,
        median=float(np.median(scores)) if n else None,
        sd=sd,
        pass_rate=sum(1 for r in results if r.passed) / n if n else None,
        histogram=histogram([r.percent for r in results]),
        reliability=reliability,
        reliability_kind=kind,
        sem=sem,
        questions=questions,
    )


def points_matrix(quiz: Quiz, results: list[QuizResult]) -> np.ndarray:
    """The points each learner earned for each question: one row per question, one column per learner."""
    columns = sheet_columns(results)  # the graded sheet's own columns, when the results are its rows
    if columns is not None:
        return np.array([column.points for column in columns], dtype=float).reshape(len(quiz.questions), len(results))
    earneds = [r.earned for r in results]
    rows = [[earned[q.id].points for earned in earneds] for q in quiz.questions]
    return np.array(rows, dtype=float).reshape(len(quiz.questions), len(results))


class Figures:
    """The class's and each question's spread, from deviations worked out once (numpy, float64).

    ``points``: one row per question, one column per learner; ``scores``: each
    learner's score. Sums are numpy's (pairwise): their rounding stays far
    below the two decimals a report shows, as the tests check against a
    plain-Python implementation (the ``statistics`` module) on a class of 500.
    """

    def __init__(self, quiz: Quiz, points: np.ndarray, scores: np.ndarray):
        self.quiz, self.points, self.scores = quiz, points, scores
        self.weights = np.array([q.points for q in quiz.questions], dtype=float)
        self.n = n = len(scores)
        self.mean = float(scores.sum() / n) if n else 0.0
        self.deviations = scores - self.mean
        self.squares = float(self.deviations @ self.deviations)
        self.item_means = points.sum(axis=1) / n if n else np.zeros(len(points))
        self.item_deviations = points - self.item_means[:, None]
        self.item_squares = np.einsum("ij,ij->i", self.item_deviations, self.item_deviations)
        # a side whose values are all equal has no spread, whatever rounding leaves in its deviations
        self.constant = points.min(axis=1) == points.max(axis=1) if n else np.ones(len(points), bool)

    def reliability(self) -> tuple[float | None, str]:
        """Cronbach's alpha, named KR-20 when every question was earned whole or not at all."""
        dichotomous = bool(np.all((self.points == 0) | (self.points == self.weights[:, None])))
        kind = "kr20" if dichotomous else "alpha"
        k = len(self.weights)
        if k < 2 or self.n < 2 or self.squares == 0:
            return None, kind
        variances = float(self.item_squares.sum())  # sums of squares: the n of both variances cancels
        return k / (k - 1) * (1 - variances / self.squares), kind

    def facility(self) -> list[float | None]:
        return [None] * len(self.weights) if not self.n else (self.item_means / self.weights).tolist()

    def discrimination(self) -> list[float | None]:
        """The corrected point-biserial: each question's points against the rest score (score less the question).

        Pearson's r is the same for the share of the points; None when either side is constant or for fewer than two learners.
        """
        if self.n < 2:
            return [None] * len(self.weights)
        rests = self.deviations[None, :] - self.item_deviations  # each rest score's deviation from the mean rest score
        rest_scores = self.scores[None, :] - self.points
        flat = self.constant | (rest_scores.min(axis=1) == rest_scores.max(axis=1))
        product = self.item_squares * np.einsum("ij,ij->i", rests, rests)
        cross = np.einsum("ij,ij->i", self.item_deviations, rests)
        figures = zip(cross.tolist(), product.tolist(), flat.tolist(), strict=True)
        return [None if constant or not p else c / math.sqrt(p) for c, p, constant in figures]

    def upper_lower(self) -> list[float | None]:
        """Facility among the top 27 % less facility among the bottom 27 % (ranked by score, ties in input order)."""
        n = self.n
        if n < 2:
            return [None] * len(self.weights)
        size = max(1, math.floor(UPPER_LOWER_SHARE * n + 0.5))
        ranked = np.argsort(self.scores, kind="stable")
        high = self.points[:, ranked[n - size :]].sum(axis=1) / size
        low = self.points[:, ranked[:size]].sum(axis=1) / size
        return ((high - low) / self.weights).tolist()


def histogram(percents: list[float]) -> list[int]:
    counts = [0] * BINS
    for percent in percents:
        counts[min(BINS - 1, max(0, int(percent // (100 / BINS))))] += 1
    return counts


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
