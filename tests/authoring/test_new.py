"""``new module``: skeletons that pass ``check`` (with warnings until filled in), never an overwrite."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from course.authoring import scaffold
from course.authoring.course_yaml import ListingError, add_module
from course.build.pipeline import check_course
from course.cli import main
from course.lint import lint_course

REPO = Path(__file__).resolve().parents[2]

COMMENTED = """# The course as learners meet it.
title: Port Health and Customs Basics   # shown on every page
language: en
pass_mark: 60
modules:          # in teaching order
  - customs-basics
  # risk profiling comes after the basics
  - risk-profiling  # last one so far

version: "1.0"
"""


def _new(root: Path, module_id: str, title: str = "Border basics") -> int:
    return main(["new", "module", "--title", title, "--course", str(root), "--", module_id])


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_new_module_writes_the_module_and_its_quiz_and_lists_it(english_copy, capsys):
    (english_copy / "course.yaml").write_text(COMMENTED, encoding="utf-8")
    assert _new(english_copy, "border-basics", "Border basics: the first day") == 0
    err = capsys.readouterr().err
    assert "wrote modules/border-basics.md" in err and "wrote quizzes/border-basics-quiz.yaml" in err
    expected = COMMENTED.replace("  - risk-profiling  # last one so far\n", "  - risk-profiling  # last one so far\n  - border-basics\n")
    assert (english_copy / "course.yaml").read_text(encoding="utf-8") == expected, "comments and layout were not kept"

    module = (english_copy / "modules/border-basics.md").read_text(encoding="utf-8")
    front = yaml.safe_load(module.split("---\n")[1])
    assert front["title"] == "Border basics: the first day" and len(front["objectives"]) == 1
    quiz = yaml.safe_load((english_copy / "quizzes/border-basics-quiz.yaml").read_text(encoding="utf-8"))
    assert (quiz["id"], quiz["module"]) == ("border-basics-quiz", "border-basics")
    assert [(q["type"], q["objective"]) for q in quiz["questions"]] == [("single", 1)]


def test_the_result_passes_check_and_warns_until_the_skeleton_is_replaced(english_copy, capsys, tmp_path):
    assert _new(english_copy, "border-basics") == 0
    capsys.readouterr()
    assert main(["check", "--course", str(english_copy)]) == 0
    err = capsys.readouterr().err
    assert "0 error(s)" in err
    assert "quizzes/border-basics-quiz.yaml:7: warning: question `q1` still has placeholder text (TODO)" in err
    assert "modules/border-basics.md:" in err and "[placeholder]" in err
    assert main(["check", "--course", str(english_copy), "--strict"]) == 1
    assert main(["build", "--course", str(english_copy), "--out", str(tmp_path / "out"), "--no-pdf", "--quiet"]) == 0
    assert (tmp_path / "out/modules/border-basics.html").is_file() and (tmp_path / "out/quizzes/border-basics-quiz.html").is_file()


def test_filling_in_the_skeleton_leaves_no_warning(english_copy):
    assert _new(english_copy, "border-basics") == 0
    for name in ("modules/border-basics.md", "quizzes/border-basics-quiz.yaml"):
        path = english_copy / name
        path.write_text(path.read_text(encoding="utf-8").replace("TODO", "Done"), encoding="utf-8")
    course, problems = check_course(english_copy)
    assert problems == [] and lint_course(course) == []


def test_an_arabic_course_gets_arabic_skeletons_without_direction_hazards(tmp_path):
    root = tmp_path / "shipped"
    root.mkdir()
    for name in ("course.yaml", "glossary.yaml", "modules", "quizzes"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, root / name)
    assert _new(root, "sea-borders", "الحدود البحرية") == 0
    course, problems = check_course(root)
    assert course is not None, problems
    new = [p for p in lint_course(course) if "sea-borders" in p.path]
    assert new and all(p.message.endswith("[placeholder]") for p in new), new
    quiz = yaml.safe_load((root / "quizzes/sea-borders-quiz.yaml").read_text(encoding="utf-8"))
    assert quiz["title"] == "الحدود البحرية", "the pages add their own “Quiz:” label (UX review, trial 1, finding 10)"
    assert "استبدل السؤال المثال" in (root / "quizzes/sea-borders-quiz.yaml").read_text(encoding="utf-8")
    assert (root / "course.yaml").read_text(encoding="utf-8").endswith("  - digital-borders\n  - sea-borders\n")


def test_the_quiz_skeleton_validates_against_the_quiz_schema(english_copy):
    assert _new(english_copy, "border-basics") == 0
    schema = json.loads((REPO / "schema/quiz.schema.json").read_text(encoding="utf-8"))
    data = yaml.safe_load((english_copy / "quizzes/border-basics-quiz.yaml").read_text(encoding="utf-8"))
    assert list(Draft202012Validator(schema).iter_errors(data)) == []


def test_the_quiz_skeleton_names_the_schema_by_a_relative_path_inside_the_engine(tmp_path, monkeypatch):
    engine = tmp_path / "engine"
    (engine / "schema").mkdir(parents=True)
    (engine / "schema/quiz.schema.json").write_text("{}", encoding="utf-8")
    monkeypatch.setattr(scaffold, "QUIZ_SCHEMA", engine / "schema/quiz.schema.json")
    inside = engine / "courses/customs"
    shutil.copytree(REPO / "tests/fixtures/english-course", inside)
    assert _new(inside, "border-basics") == 0
    first = (inside / "quizzes/border-basics-quiz.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../../schema/quiz.schema.json"

    outside = tmp_path / "elsewhere"
    shutil.copytree(REPO / "tests/fixtures/english-course", outside)
    assert _new(outside, "border-basics") == 0
    text = (outside / "quizzes/border-basics-quiz.yaml").read_text(encoding="utf-8")
    assert "yaml-language-server" not in text, "no path that only this machine has"


def test_refuses_to_overwrite_and_changes_nothing(english_copy, capsys):
    (english_copy / "quizzes/risk-profiling-quiz.yaml").rename(english_copy / "quizzes/kept.yaml")
    (english_copy / "quizzes/risk-profiling-quiz.yaml").write_text("# the author's draft\n", encoding="utf-8")
    before = _snapshot(english_copy)
    assert _new(english_copy, "risk-profiling") == 1
    err = capsys.readouterr().err
    assert "modules/risk-profiling.md: already exists; `new` never overwrites a file" in err
    assert "quizzes/risk-profiling-quiz.yaml: already exists" in err
    assert _snapshot(english_copy) == before
    assert "Traceback" not in err


def test_refuses_when_only_the_quiz_exists(english_copy, capsys):
    (english_copy / "quizzes/border-basics-quiz.yaml").write_text("# draft\n", encoding="utf-8")
    before = _snapshot(english_copy)
    assert _new(english_copy, "border-basics") == 1
    assert "quizzes/border-basics-quiz.yaml: already exists" in capsys.readouterr().err
    assert _snapshot(english_copy) == before, "nothing is written when one file is in the way"


@pytest.mark.parametrize("bad", ["Border", "-border", "border_basics", "border basics", "bördér", "../border", "border/basics", ""])
def test_a_malformed_id_is_refused(english_copy, capsys, bad):
    before = _snapshot(english_copy)
    assert _new(english_copy, bad) == 1
    assert "is malformed: use lower-case letters, digits and `-`" in capsys.readouterr().err
    assert _snapshot(english_copy) == before


def test_an_empty_title_is_refused(english_copy, capsys):
    assert _new(english_copy, "border-basics", "  ") == 1
    assert "the title is empty" in capsys.readouterr().err


def test_not_a_course_folder(tmp_path, capsys):
    assert _new(tmp_path, "border-basics") == 1
    assert "course.yaml: no course.yaml" in capsys.readouterr().err
    assert not (tmp_path / "modules").exists()


def test_an_id_yaml_would_read_as_a_number_is_quoted(english_copy):
    assert _new(english_copy, "2024") == 0
    assert '  - "2024"\n' in (english_copy / "course.yaml").read_text(encoding="utf-8")
    course, problems = check_course(english_copy)
    assert course is not None, problems
    assert [m.id for m in course.modules][-1] == "2024" and course.quizzes_for("2024")


# --- editing the `modules` list as text ----------------------------------------


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("title: T\nmodules: [a, b]  # order\nversion: 1\n", "title: T\nmodules: [a, b, new]  # order\nversion: 1\n"),
        ("title: T\nmodules: []\n", "title: T\nmodules: [new]\n"),
        ("title: T\nmodules:\n  - a\n  - b", "title: T\nmodules:\n  - a\n  - b\n  - new\n"),
        (
            "title: T\nmodules:\n- a\n- 'b'   # quoted\n# a comment\nversion: 2\n",
            "title: T\nmodules:\n- a\n- 'b'   # quoted\n- new\n# a comment\nversion: 2\n",
        ),
        ("title: T\r\nmodules:\r\n    - a\r\n", "title: T\r\nmodules:\r\n    - a\r\n    - new\r\n"),
        ("title: T\nmodules:\n  - a\n  - new\n", "title: T\nmodules:\n  - a\n  - new\n"),
        ("title: T\n", "title: T\n"),
        ("title: T\nmodules:\n", "title: T\nmodules:\n"),
    ],
    ids=["flow", "empty-flow", "no-final-newline", "comments", "crlf-and-indent", "already-listed", "no-list", "empty-key"],
)
def test_adding_to_the_modules_list_keeps_the_text(before, after):
    assert add_module(before, "new") == after


@pytest.mark.parametrize("text", ["title: T\nmodules: cooperation\n", "- a\n- b\n", "title: [unclosed\n"])
def test_a_modules_list_that_cannot_be_edited_is_refused(text):
    with pytest.raises(ListingError):
        add_module(text, "new")
