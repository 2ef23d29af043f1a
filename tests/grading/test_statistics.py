"""The results report's statistics (course.grading.statistics), each proven by hand and against a second implementation.

The product works with numpy arrays; the second implementation here is plain Python and its ``statistics``
module (exact sums, Pearson's r of its own), so neither can share a mistake with the other.
"""

from __future__ import annotations

import bisect
import math
import statistics as st
from pathlib import Path

import pytest

from course.grading.answer_sheet import read_answer_sheet
from course.grading.gradebook import grade_sheet
from course.grading.statistics import Tally, quiz_statistics
from course.load.quizzes import load_quiz_file
from course.problems import Problems

from .synthetic_class import write_class

REPO = Path(__file__).resolve().parents[2]

WORKED_QUIZ = """\
id: worked
module: m
title: Worked example
pass_mark: 50
questions:
  - id: q1
    type: single
    prompt: "**Which** document lists the cargo?"
    options: [{text: Manifest, correct: true}, {text: Invoice}, {text: Receipt}]
  - {id: q2, type: true_false, prompt: Two, answer: true}
  - {id: q3, type: short, prompt: Three, answers: [بيان الشحنة]}
  - {id: q4, type: numeric, prompt: Four, answer: 100, tolerance: 1}
"""
# Right (1) or not (0):   q1 q2 q3 q4  score
WORKED_ANSWERS = """\
learner,q1,q2,q3,q4
L1,a,true,بيان الشحنة,١٠٠
L2,a,t,بيان الشحنه,"3,5"
L3,a,صح,فاتورة,102
L4,a,false,  بيان الشحنة. ,102
L5,b,true,فاتورة,50
L6,b,,invoice,
"""


def graded(folder: Path, quiz_text: str, answers: str):
    (folder / "quiz.yaml").write_text(quiz_text, encoding="utf-8")
    (folder / "answers.csv").write_text(answers, encoding="utf-8")
    quiz, problems = load_quiz_file(folder / "quiz.yaml", "quiz.yaml")
    assert quiz is not None, problems
    return quiz, *_sheet(quiz, folder / "answers.csv")


def _sheet(quiz, path: Path):
    sheet, problems = read_answer_sheet(path, path.name, quiz)
    assert sheet is not None, problems
    rows = grade_sheet(quiz, sheet, Problems(path.name))
    return sheet, [row.result for row in rows]


@pytest.fixture
def worked(tmp_path):
    quiz, sheet, results = graded(tmp_path, WORKED_QUIZ, WORKED_ANSWERS)
    return quiz_statistics(quiz, sheet, results)


def test_worked_example_class_figures(worked):
    """6 learners x 4 one-point questions, right (1) or wrong (0):

        L1 1 1 1 1 = 4      L4 1 0 1 0 = 2
        L2 1 1 1 0 = 3      L5 0 1 0 0 = 1
        L3 1 1 0 0 = 2      L6 0 0 0 0 = 0

    mean = 12 / 6 = 2; median = (2 + 2) / 2 = 2.
    deviations 2, 1, 0, 0, -1, -2: squares sum to 10; sample variance 10 / 5 = 2,
    sd = sqrt(2) = 1.41421; population variance 10 / 6 = 5/3.
    pass mark 50 % = 2 points: L1..L4 pass, 4 / 6 = 0.66667.
    percents 100, 75, 50, 50, 25, 0 -> tenths 9, 7, 5, 5, 2, 0.
    Every question earns 0 or all its points, so KR-20:
      p = 4/6, 4/6, 3/6, 1/6; p q = 8/36, 8/36, 9/36, 5/36, sum 30/36 = 5/6;
      KR-20 = 4/3 * (1 - (5/6) / (5/3)) = 4/3 * 1/2 = 2/3.
    SEM = sqrt(2) * sqrt(1 - 2/3) = sqrt(2/3) = 0.81650.
    """
    assert worked.learners == 6
    assert worked.max == 4
    assert worked.mean == 2
    assert worked.median == 2
    assert worked.sd == pytest.approx(math.sqrt(2))
    assert worked.pass_rate == pytest.approx(4 / 6)
    assert worked.histogram == [1, 0, 1, 0, 0, 2, 0, 1, 0, 1]
    assert worked.reliability_kind == "kr20"
    assert worked.reliability == pytest.approx(2 / 3)
    assert worked.sem == pytest.approx(math.sqrt(2 / 3))


def test_worked_example_facility_and_both_discrimination_indexes(worked):
    """Facility = p: 4/6, 4/6, 3/6, 1/6.

    Corrected point-biserial, r(question, score - question):
      q1 x = 1 1 1 1 0 0, rest = 3 2 1 1 1 0: sum dx dr = 5/3, sum dx^2 = 4/3,
         sum dr^2 = 16/3, r = (5/3) / (8/3) = 0.625.
      q2 x = 1 1 1 0 1 0, rest = 3 2 1 2 0 0: 2/3 over sqrt(4/3 * 22/3), r = 2 / sqrt(88) = 0.21320.
      q3 x = 1 1 0 1 0 0, rest = 3 2 2 1 1 0: 1.5 over sqrt(1.5 * 5.5), r = 0.52223.
      q4 x = 1 0 0 0 0 0, rest = 3 3 2 2 1 0: 7/6 over sqrt(5/6 * 41/6), r = 7 / sqrt(205) = 0.48890.
    Upper-lower 27 %: floor(0.27 * 6 + 0.5) = 2 learners a group. By score, ties in
    input order: lowest L6 (0), L5 (1); highest L2 (3), L1 (4).
      q1 1 - 0 = 1; q2 1 - 0.5 = 0.5; q3 1 - 0 = 1; q4 0.5 - 0 = 0.5.
    """
    q1, q2, q3, q4 = worked.questions
    assert [q.facility for q in worked.questions] == pytest.approx([4 / 6, 4 / 6, 3 / 6, 1 / 6])
    assert q1.discrimination == pytest.approx(0.625)
    assert q2.discrimination == pytest.approx(2 / math.sqrt(88))
    assert q3.discrimination == pytest.approx(1.5 / math.sqrt(8.25))
    assert q4.discrimination == pytest.approx(7 / math.sqrt(205))
    assert [q.upper_lower for q in worked.questions] == pytest.approx([1, 0.5, 1, 0.5])


def test_worked_example_answer_distributions_for_each_type(worked):
    q1, q2, q3, q4 = worked.questions
    assert q1.answers == [Tally("a", 4, True), Tally("b", 2), Tally("c", 0)]
    assert q2.answers == [Tally("true", 4, True), Tally("false", 1)]
    assert q2.blank == 1
    # each distinct normalised answer (ة and ه, the stray full stop and spaces fold together)
    assert q3.answers == [Tally("بيان الشحنه", 3, True), Tally("فاتوره", 2), Tally("invoice", 1)]
    # the exact value, within the tolerance, then every other value; "3,5" is unreadable, one is blank
    assert q4.answers == [Tally("=exact", 1, True), Tally("=within", 0, True), Tally("102", 2), Tally("50", 1)]
    assert (q4.blank, q4.unreadable) == (1, 1)


def test_flags_a_hard_question_and_a_distractor_nobody_chose(worked):
    q1, q2, q3, q4 = worked.questions
    assert q1.flags == ["unchosen-distractor"] and q1.unchosen == ["c"]
    assert q2.flags == [] and q3.flags == []
    assert q4.flags == ["too-hard"]


def test_flags_negative_and_low_discrimination_and_too_easy(tmp_path):
    quiz = """\
id: flags
module: m
title: Flags
questions:
  - {id: q1, type: true_false, prompt: One, answer: true}
  - {id: q2, type: true_false, prompt: Two, answer: true}
  - {id: q3, type: true_false, prompt: Three, answer: true}
  - {id: q4, type: true_false, prompt: Four, answer: true}
"""
    # q4 is right mostly for the weakest learners; q3 is missed by one strong and one weak learner.
    answers = (
        "learner,q1,q2,q3,q4\nA,t,t,f,f\nB,t,t,t,f\nC,t,f,f,f\nD,f,f,t,t\nE,f,f,t,t\n"
        "F,t,t,t,f\nG,t,t,t,t\nH,t,t,t,f\nI,f,t,t,f\nJ,t,t,t,f\n"
    )
    quiz, sheet, results = graded(tmp_path, quiz, answers)
    q1, q2, q3, q4 = quiz_statistics(quiz, sheet, results).questions
    assert q4.discrimination < 0 and q4.flags == ["negative-discrimination"]
    assert 0 <= q3.discrimination < 0.2 and q3.flags == ["low-discrimination"]
    assert q3.facility == 0.8
    everyone = answers.replace("A,t,t,f,f", "A,t,t,t,f").replace("C,t,f,f,f", "C,t,f,t,f")
    q3 = quiz_statistics(quiz, *_sheet(quiz, _write(tmp_path / "answers.csv", everyone))).questions[2]
    assert (q3.facility, q3.discrimination, q3.flags) == (1, None, ["too-easy"])


MATCHING_QUIZ = """\
id: positions
module: m
title: Positions
versions: 2
questions:
  - {id: q1, type: matching, prompt: One, prompts: [P1, P2], choices: [C1, C2, C3], answer: [b, a]}
  - {id: q2, type: ordering, prompt: Two, items: [I1, I2, I3], answer: [c, a, b]}
  - {id: q3, type: multiple, prompt: Three, options: [{text: A, correct: true}, {text: B, correct: true}, {text: C}, {text: D}]}
"""


def test_matching_per_prompt_ordering_per_position_multiple_per_option(tmp_path):
    answers = "learner,q1,q2,q3\nA,b;a,c;a;b,a;b\nB,b;c,c;b;a,a;c\nC,;a,a;b;c,b\nD,,,\n"
    quiz, sheet, results = graded(tmp_path, MATCHING_QUIZ.replace("versions: 2\n", ""), answers)
    q1, q2, q3 = quiz_statistics(quiz, sheet, results).questions
    assert q1.positions == [
        [Tally("a", 0), Tally("b", 2, True), Tally("c", 0), Tally("", 1)],
        [Tally("a", 2, True), Tally("b", 0), Tally("c", 1)],
    ]
    assert q1.blank == 1
    assert q2.positions == [
        [Tally("a", 1), Tally("b", 0), Tally("c", 2, True)],
        [Tally("a", 1, True), Tally("b", 2), Tally("c", 0)],
        [Tally("a", 1), Tally("b", 1, True), Tally("c", 1)],
    ]
    assert q3.answers == [Tally("a", 2, True), Tally("b", 2, True), Tally("c", 1), Tally("d", 0)]
    assert q3.unchosen == ["d"]


def test_printed_versions_are_counted_in_file_order_letters(tmp_path):
    from course.grading.versions import Version

    quiz, _, _ = graded(tmp_path, MATCHING_QUIZ, "learner,q1\n")
    question = quiz.questions[2]
    # where each version printed the quiz file's option a (Version.order: the file-order option at each place)
    on_a, on_b = ("abcd"[Version(quiz, v).order(question).index(0)] for v in "AB")
    answers = f"learner,version,q3\nA,A,{on_a}\nB,B,{on_b}\n"
    sheet, results = _sheet(quiz, _write(tmp_path / "answers.csv", answers))
    q3 = quiz_statistics(quiz, sheet, results).questions[2]
    assert q3.answers[0] == Tally("a", 2, True)


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_too_few_learners_leave_the_spread_figures_blank(tmp_path):
    quiz, sheet, results = graded(tmp_path, WORKED_QUIZ, "learner,q1,q2,q3,q4\nL1,a,true,x,1\n")
    stats = quiz_statistics(quiz, sheet, results)
    assert (stats.learners, stats.mean, stats.median) == (1, 2, 2)
    assert (stats.sd, stats.reliability, stats.sem) == (None, None, None)
    assert all(q.discrimination is None and q.upper_lower is None for q in stats.questions)


def test_every_statistic_agrees_with_the_statistics_module_on_a_class_of_500(tmp_path):
    """The shipped api quiz (all 7 types, partial credit, so Cronbach's alpha), 500 made-up learners."""
    quiz, _ = load_quiz_file(REPO / "quizzes" / "api-quiz.yaml", "api-quiz.yaml")
    sheet, results = _sheet(quiz, write_class(quiz, tmp_path / "answers.csv", 500, seed=11))
    stats = quiz_statistics(quiz, sheet, results)
    n, k = 500, len(quiz.questions)
    weights = [q.points for q in quiz.questions]
    points = [[r.earned[q.id].points for r in results] for q in quiz.questions]  # one list per question
    scores = [math.fsum(row) for row in zip(*points, strict=True)]
    percents = [100 * score / math.fsum(weights) for score in scores]
    assert stats.learners == n
    assert stats.mean == pytest.approx(st.mean(scores))
    assert stats.median == pytest.approx(st.median(scores))
    assert stats.sd == pytest.approx(st.stdev(scores))
    assert stats.pass_rate == pytest.approx(st.mean([percent >= quiz.pass_mark for percent in percents]))
    edges = [10 * b for b in range(11)]  # [0, 10) ... [90, 100]
    bins = [min(bisect.bisect_right(edges, percent) - 1, 9) for percent in percents]
    assert stats.histogram == [bins.count(b) for b in range(10)]
    alpha = k / (k - 1) * (1 - math.fsum(st.variance(column) for column in points) / st.variance(scores))
    assert stats.reliability_kind == "alpha"
    assert stats.reliability == pytest.approx(alpha)
    assert stats.sem == pytest.approx(st.stdev(scores) * math.sqrt(1 - alpha))
    order = sorted(range(n), key=scores.__getitem__)  # a stable sort: ties in input order
    group = math.floor(0.27 * n + 0.5)
    for question, weight, column in zip(stats.questions, weights, points, strict=True):
        shares = [p / weight for p in column]
        rest = [score - p for score, p in zip(scores, column, strict=True)]
        assert question.facility == pytest.approx(st.mean(shares))
        if len(set(shares)) > 1:
            assert question.discrimination == pytest.approx(st.correlation(shares, rest))
        else:
            assert question.discrimination is None
        high, low = [shares[i] for i in order[-group:]], [shares[i] for i in order[:group]]
        assert question.upper_lower == pytest.approx(st.mean(high) - st.mean(low))
        answered = n - question.blank - question.unreadable
        if question.question.type in ("single", "true_false", "short", "numeric"):
            assert sum(t.count for t in question.answers) == answered
        for position in question.positions:
            assert sum(t.count for t in position) == answered


def test_kr20_is_cronbach_alpha_on_dichotomous_questions(tmp_path):
    """KR-20 = k/(k-1) (1 - sum p q / var), p q from 0/1 items (statistics module), on 500 learners of the worked quiz."""
    quiz, _, _ = graded(tmp_path, WORKED_QUIZ, "learner,q1\n")
    sheet, results = _sheet(quiz, write_class(quiz, tmp_path / "answers.csv", 500, seed=3))
    stats = quiz_statistics(quiz, sheet, results)
    right = [[1.0 if r.earned[q.id].points > 0 else 0.0 for r in results] for q in quiz.questions]
    pq = math.fsum(st.mean(item) * (1 - st.mean(item)) for item in right)
    kr20 = 4 / 3 * (1 - pq / st.pvariance([math.fsum(row) for row in zip(*right, strict=True)]))
    assert stats.reliability_kind == "kr20"
    assert stats.reliability == pytest.approx(kr20)


def test_canonical_responses_as_the_classroom_keeps_them_give_the_same_figures(tmp_path):
    from course.grading.statistics import response_statistics

    quiz, sheet, results = graded(tmp_path, WORKED_QUIZ, WORKED_ANSWERS)
    responses = [
        {"q1": "a", "q2": True, "q3": "بيان الشحنة", "q4": "١٠٠"},
        {"q1": "a", "q2": True, "q3": "بيان الشحنه", "q4": "3,5"},
        {"q1": "a", "q2": True, "q3": "فاتورة", "q4": 102},
        {"q1": "a", "q2": False, "q3": "  بيان الشحنة. ", "q4": "102"},
        {"q1": "b", "q2": True, "q3": "فاتورة", "q4": 50},
        {"q1": "b", "q3": "invoice", "q4": None},
    ]
    assert response_statistics(quiz, responses) == quiz_statistics(quiz, sheet, results)
