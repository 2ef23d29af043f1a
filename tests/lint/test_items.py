"""Item-writing checks across a quiz (course.lint.items): each with a quiz that triggers it and one that does not."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from course.lint.items import _tail
from tests.lint.test_rules import found


def single(qid: str, key: int, options: list[str] | None = None, prompt: str | None = None) -> dict:
    options = options or [f"Option {qid} one", f"Option {qid} two", f"Option {qid} three", f"Option {qid} four"]
    return {
        "id": qid,
        "type": "single",
        "prompt": prompt or f"Question {qid} asks about topic {qid}?",
        "options": [{"text": text, **({"correct": True} if i == key else {})} for i, text in enumerate(options)],
    }


def write_quiz(root: Path, questions: list[dict], name: str = "customs-basics-quiz", module: str = "customs-basics") -> str:
    """Write the quiz; its YAML text (to find the line a problem should name)."""
    data = {"id": name, "module": module, "title": "Items", "questions": questions}
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    (root / "quizzes" / f"{name}.yaml").write_text(text, encoding="utf-8")
    return text


def line_of(text: str, needle: str, nth: int = 0) -> int:
    """The 1-based line of the ``nth`` line holding ``needle``."""
    return [n for n, line in enumerate(text.splitlines(), start=1) if needle in line][nth]


def test_the_poisson_binomial_tail_is_exact():
    assert _tail([0.5, 0.5], 2) == pytest.approx(0.25)
    assert _tail([0.25] * 5, 5) == pytest.approx(0.25**5)
    assert _tail([0.25] * 4, 0) == pytest.approx(1.0)
    assert _tail([1 / 3, 1 / 4], 1) == pytest.approx(1 - (2 / 3) * (3 / 4))


def test_keys_always_on_the_first_option(english_copy):
    write_quiz(english_copy, [single(f"q{n}", 0) for n in range(1, 7)])
    [across, in_quiz] = sorted(found(english_copy, "key-position"))
    assert in_quiz.startswith("quizzes/customs-basics-quiz.yaml:1: warning: the right option of 6 of 6 single-choice questions (100 %) is")
    assert across.startswith("course.yaml: warning: across the course, the right option of")


def test_keys_spread_over_the_positions_are_not_reported(english_copy):
    write_quiz(english_copy, [single(f"q{n}", n % 4) for n in range(1, 9)])
    assert found(english_copy, "key-position") == []


def test_three_of_four_on_one_position_is_chance(english_copy):
    write_quiz(english_copy, [single("q1", 0), single("q2", 0), single("q3", 0), single("q4", 2)])
    assert found(english_copy, "key-position") == []


def test_right_options_always_first_in_multiple_questions(english_copy):
    multiple = [
        {
            "id": f"m{n}",
            "type": "multiple",
            "prompt": f"Which apply to case {n}?",
            "options": [
                {"text": f"Right {n} one", "correct": True},
                {"text": f"Right {n} two", "correct": True},
                {"text": f"Wrong {n} three"},
            ],
        }
        for n in range(1, 3)
    ]
    write_quiz(english_copy, multiple)
    assert any(
        "in every one of the 2 multiple-choice questions the right options come first" in p for p in found(english_copy, "key-position")
    )
    multiple[1]["options"].reverse()
    write_quiz(english_copy, multiple)
    assert found(english_copy, "key-position") == []


def test_the_longest_option_is_the_key_too_often(english_copy):
    long_key = ["The detailed and precise right answer here", "Short", "Brief", "Terse"]
    questions = [single(f"q{n}", n % 4, [f"{text} {n}" for text in long_key[n % 4 :] + long_key[: n % 4]]) for n in range(6)]
    for q in questions:  # the long text is the key wherever it stands
        for option in q["options"]:
            option.pop("correct", None)
            if option["text"].startswith("The detailed"):
                option["correct"] = True
    write_quiz(english_copy, questions)
    [problem] = found(english_copy, "longest-key")
    assert "in 6 of 6 choice questions (100 %) the right option is the longest one" in problem


def test_keys_of_every_length_are_not_reported(english_copy):
    questions = [single(f"q{n}", n % 4, ["A fairly long first option text", "Second", "Third one", "Fourth option"]) for n in range(8)]
    write_quiz(english_copy, questions)
    assert found(english_copy, "longest-key") == []


def test_an_item_that_holds_another_items_answer(english_copy):
    questions = [
        single("q1", 1, ["Interpol", "The passenger information unit", "The airline", "The port"], prompt="Who analyses PNR data?"),
        single("q2", 0, ["Yes", "No", "Only at night", "Only by day"], prompt="May the passenger information unit share data?"),
    ]
    text = write_quiz(english_copy, questions)
    assert found(english_copy, "answer-in-another-item") == [
        f"quizzes/customs-basics-quiz.yaml:{line_of(text, 'id: q2')}: warning: the prompt of `q2` holds the right answer of question `q1` "
        "(«The passenger information unit»): a learner reads it there; reword one of them [answer-in-another-item]"
    ]
    questions[1]["prompt"] = "May the analysts share data?"
    write_quiz(english_copy, questions)
    assert found(english_copy, "answer-in-another-item") == []


def test_a_single_word_answer_found_elsewhere_is_chance(english_copy):
    write_quiz(
        english_copy, [single("q1", 0, ["Interpol", "Europol", "Frontex", "UNODC"]), single("q2", 1, prompt="Does Interpol issue notices?")]
    )
    assert found(english_copy, "answer-in-another-item") == []


@pytest.mark.parametrize(
    ("options", "reported"),
    [
        (["The carrier", "The importer", "the carrier.", "The port"], "option c of `q1` is the same as a"),
        (["The carrier files it", "The importer", "The carrier file it", "The port"], "option c of `q1` is nearly the same as a"),
        (["الناقل الجوي", "المستورد", "النّاقل الجويّ", "الميناء"], "option c of `q1` is the same as a"),
        (["The carrier", "The importer", "The broker", "The port"], None),
    ],
)
def test_duplicate_and_near_duplicate_options(english_copy, options, reported):
    text = write_quiz(english_copy, [single("q1", 1, options)])
    problems = found(english_copy, "duplicate-option")
    where = f"quizzes/customs-basics-quiz.yaml:{line_of(text, '- text:', 2)}"
    assert problems == ([f"{where}: warning: {reported}: make each one distinct [duplicate-option]"] if reported else [])


@pytest.mark.parametrize(
    ("text", "reported"),
    [("All of the above", True), ("None of the above.", True), ("جميع ما سبق", True), ("لا شيء مما ذكر", True), ("All officers", False)],
)
def test_all_or_none_of_the_above(english_copy, text, reported):
    quiz = write_quiz(english_copy, [single("q1", 0, ["The carrier", "The importer", "The port", text])])
    problems = found(english_copy, "all-or-none-of-the-above")
    assert bool(problems) is reported
    if reported:
        assert problems[0].startswith(f"quizzes/customs-basics-quiz.yaml:{line_of(quiz, '- text:', 3)}: warning: option d of `q1` is")


@pytest.mark.parametrize(
    ("prompt", "reported"),
    [
        ("Which document is not filed by the carrier?", "not"),
        ("All of these are checked except which?", "except"),
        ("أيّ مما يلي ليس من مكونات الإدارة المتكاملة؟", "ليس"),
        ("أيّ الوثائق لا يقدمها الناقل؟", "لا"),
        ("Which document is **not** filed by the carrier?", None),
        ("Which document is NOT filed by the carrier?", None),
        ("أيّ مما يلي **ليس** من مكونات الإدارة المتكاملة؟", None),
        ("Which document does the carrier file?", None),
        ("The officer is not sure the passport is his. Which database does she check?", None),
        ("في المعبر، الجواز ليس في يد صاحبه. أيّ قاعدة بيانات يفحصها الموظف؟", None),
    ],
)
def test_an_unemphasised_negative_stem(english_copy, prompt, reported):
    text = write_quiz(english_copy, [single("q1", 0, prompt=prompt)])
    problems = found(english_copy, "negative-stem")
    if reported:
        assert problems == [
            f"quizzes/customs-basics-quiz.yaml:{line_of(text, 'id: q1')}: warning: the prompt of `q1` asks with «{reported}» "
            f"without emphasis: learners read past it; write it in bold (**{reported}**) or ask the question positively [negative-stem]"
        ]
    else:
        assert problems == []


def test_another_items_answer_among_options_is_not_a_giveaway(english_copy):
    questions = [
        single("q1", 1, ["Interpol", "The passenger information unit", "The airline", "The port"], prompt="Who analyses PNR data?"),
        single("q2", 0, ["The border police", "The passenger information unit", "The airline", "The port"], prompt="Who stops travellers?"),
    ]
    write_quiz(english_copy, questions)
    assert found(english_copy, "answer-in-another-item") == []


def test_an_answer_inside_a_longer_word_is_not_found(english_copy):
    questions = [
        single("q1", 1, ["حماية الطيران", "مكافحة الإرهاب", "منع التهريب", "حماية الحدود"], prompt="ما الهدف الأول؟"),
        single("q2", 0, prompt="ما دور مركز الأمم المتحدة لمكافحة الإرهاب؟"),
    ]
    write_quiz(english_copy, questions)
    assert found(english_copy, "answer-in-another-item") == []
