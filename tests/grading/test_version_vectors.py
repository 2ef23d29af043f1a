"""Printed versions against fixed vectors (tests/vectors/versions.json): the orders may never change.

Sheets printed by one release are graded by the next: the same quiz id and
version letter must give the same question order and the same option order
forever, or a class's paper answers would be read with another version's
letters. Each case gives, for one version, the question order and, per
question, the file-order letter printed at each position.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from course.grading.versions import Version
from course.model import Question, Quiz

VECTORS = Path(__file__).resolve().parents[1] / "vectors" / "versions.json"
CASES = json.loads(VECTORS.read_text(encoding="utf-8"))


def _quiz(mapping: dict) -> Quiz:
    questions = [Question.from_dict({"prompt": "", **q}) for q in mapping["questions"]]
    return Quiz(id=mapping["id"], module="m", title="t", questions=questions, pass_mark=70, versions=mapping["versions"])


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_a_version_prints_as_it_always_has(case):
    quiz = _quiz(case["quiz"])
    version = Version(quiz, case["version"])
    assert [q.id for q in version.questions] == case["question_order"]
    for question in quiz.questions:
        printed = "".join(chr(97 + index) for index in version.order(question))
        assert printed == case["option_order"].get(question.id, ""), question.id
        for position, letter in enumerate(printed):
            assert version.to_file(question, chr(97 + position)) == letter


def test_the_vectors_cover_every_reordered_type_and_26_versions():
    types = {q["type"] for case in CASES for q in case["quiz"]["questions"] if q["id"] in case["option_order"]}
    assert types == {"single", "multiple", "matching", "ordering"}
    assert any(case["quiz"]["versions"] == 26 and case["version"] == "Z" for case in CASES)
