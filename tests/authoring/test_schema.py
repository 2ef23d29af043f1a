"""The shipped JSON Schemas: generated from the validator's key tables, current, and true of every shipped file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from course.authoring.schema import render, schemas, stale_schemas
from course.cli import main
from course.load import specs
from course.load.modules import split_front_matter
from course.problems import Problems

REPO = Path(__file__).resolve().parents[2]
SHIPPED = REPO / "schema"
COURSES = [REPO, REPO / "tests" / "fixtures" / "english-course"]


def _validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(json.loads((SHIPPED / f"{name}.schema.json").read_text(encoding="utf-8")))


def _errors(name: str, data) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in _validator(name).iter_errors(data)]


def test_the_shipped_schemas_are_what_the_generator_writes():
    assert stale_schemas(SHIPPED) == [], "schema/ is out of date: run `python build.py schema --out schema`"
    assert sorted(p.name for p in SHIPPED.glob("*.json")) == sorted(schemas())


def test_the_schema_command_writes_them_and_checks_them(tmp_path, capsys):
    out = tmp_path / "schema"
    assert main(["schema", "--check", "--out", str(out)]) == 1
    assert main(["schema", "--out", str(out)]) == 0
    for name, schema in schemas().items():
        assert (out / name).read_text(encoding="utf-8") == render(schema) == (SHIPPED / name).read_text(encoding="utf-8")
    assert main(["schema", "--check", "--out", str(out)]) == 0
    (out / "quiz.schema.json").write_text("{}", encoding="utf-8")
    assert main(["schema", "--check", "--out", str(out)]) == 1
    assert "quiz.schema.json: out of date" in capsys.readouterr().err


@pytest.mark.parametrize("name", sorted(schemas()))
def test_each_schema_is_valid_draft_2020_12(name):
    schema = json.loads((SHIPPED / name).read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize(
    ("name", "table"),
    [("course", specs.COURSE), ("module", specs.MODULE), ("quiz", specs.QUIZ)],
)
def test_keys_and_required_keys_come_from_the_validators_tables(name, table):
    schema = json.loads((SHIPPED / f"{name}.schema.json").read_text(encoding="utf-8"))
    assert list(schema["properties"]) == list(table)
    assert schema["required"] == [k for k, key in table.items() if key.required]
    assert schema["additionalProperties"] is False


def test_question_types_and_their_keys_come_from_the_tables():
    question = json.loads((SHIPPED / "quiz.schema.json").read_text(encoding="utf-8"))["$defs"]["question"]
    assert question["properties"]["type"]["enum"] == list(specs.QUESTION_BY_TYPE)
    by_type = {branch["if"]["properties"]["type"]["const"]: branch["then"] for branch in question["allOf"]}
    assert {t: list(b["properties"]) for t, b in by_type.items()} == {t: list(keys) for t, keys in specs.QUESTION_BY_TYPE.items()}


def _course_files(root: Path):
    yield "course", "course.yaml", yaml.safe_load((root / "course.yaml").read_text(encoding="utf-8"))
    if (root / "glossary.yaml").is_file():
        yield "glossary", "glossary.yaml", yaml.safe_load((root / "glossary.yaml").read_text(encoding="utf-8"))
    for path in sorted((root / "modules").glob("*.md")):
        front = split_front_matter(path.read_text(encoding="utf-8"), Problems(""))[0]
        yield "module", f"modules/{path.name}", yaml.safe_load(front)
    for path in sorted((root / "quizzes").glob("*.yaml")):
        yield "quiz", f"quizzes/{path.name}", yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("root", COURSES, ids=["shipped", "english"])
def test_every_shipped_course_file_validates(root):
    problems = [f"{rel}: {error}" for name, rel, data in _course_files(root) for error in _errors(name, data)]
    assert not problems, "\n".join(problems)


QUIZ = {
    "id": "border-quiz",
    "module": "border",
    "title": "Quiz",
    "questions": [{"id": "q1", "type": "true_false", "prompt": "p", "answer": True}],
}


def _quiz_with(**question) -> dict:
    return {**QUIZ, "questions": [{**QUIZ["questions"][0], **question}]}


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({**QUIZ, "titel": "x"}, "'titel' was unexpected"),
        ({**QUIZ, "id": "Border_Quiz"}, "does not match"),
        (_quiz_with(type="essay"), "is not one of"),
        (_quiz_with(answer="yes"), "is not of type 'boolean'"),
        (_quiz_with(options=[{"text": "a", "correct": True}]), "'options' was unexpected"),
        (_quiz_with(points=0), "less than or equal to the minimum of 0"),
        (
            {**QUIZ, "questions": [{"id": "q1", "type": "single", "prompt": "p", "options": [{"text": "a", "corect": True}]}]},
            "'corect' was unexpected",
        ),
        (
            {**QUIZ, "questions": [{"id": "q1", "type": "matching", "prompt": "p", "prompts": ["a"], "choices": ["b"], "answer": ["ab"]}]},
            "does not match",
        ),
    ],
)
def test_editors_are_told_about_mistakes(data, fragment):
    errors = _errors("quiz", data)
    assert any(fragment in e for e in errors), errors


def test_what_the_validator_accepts_the_schema_accepts():
    assert _errors("quiz", _quiz_with(id=7, explanation=None, points=0.5)) == []
    assert _errors("course", {"title": "T", "summary": "a module key, not a course key"}) != []
    assert _errors("course", {"title": "T", "modules": None, "paper_size": "Letter", "version": 2}) == []
    assert _errors("course", {"title": "T", "paper_size": "A5"}) != []
    assert _errors("module", {"title": "T", "summary": None, "objectives": ["a"], "duration_minutes": 5}) == []
    assert _errors("module", {"summary": "no title"}) != []
