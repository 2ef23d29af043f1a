"""Malformed courses: every problem at its PATH:LINE, exit 1, output untouched."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from course.cli import main


def _tree_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture changed: {old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def no_front_matter(root):
    path = root / "modules/customs-basics.md"
    path.write_text("## Just a heading\n\nText.\n", encoding="utf-8")


def unclosed_front_matter(root):
    _edit(root / "modules/customs-basics.md", "  - Risk analysis\n---\n", "  - Risk analysis\n")


def missing_title(root):
    _edit(root / "modules/risk-profiling.md", "title: Risk profiling\n", "")


def yaml_syntax_error(root):
    _edit(root / "quizzes/risk-profiling-quiz.yaml", "title: Risk profiling check\n", "title: [unclosed\n")


def unknown_module_listed(root):
    _edit(root / "course.yaml", "  - risk-profiling\n", "  - risk-profiling\n  - ghost\n")


def duplicate_quiz_id(root):
    _edit(root / "quizzes/risk-profiling-quiz.yaml", "id: risk-profiling-quiz", "id: customs-basics-quiz")


def bad_module_id(root):
    (root / "modules/risk-profiling.md").rename(root / "modules/Risk_Profiling.md")
    _edit(root / "course.yaml", "  - risk-profiling\n", "  - Risk_Profiling\n")


def broken_link(root):
    _edit(root / "modules/risk-profiling.md", "## Indicators\n", "## Indicators\n\nSee [the annex](annex.md).\n")


def broken_anchor(root):
    _edit(root / "modules/risk-profiling.md", "customs-basics.md#the-three-first-documents", "customs-basics.md#no-such-heading")


def missing_image(root):
    (root / "modules/customs-basics/terminal.png").unlink()


def unknown_key(root):
    _edit(
        root / "quizzes/customs-basics-quiz.yaml",
        "      - text: The carrier\n        correct: true\n",
        "      - text: The carrier\n        corect: true\n        correct: true\n",
    )


def wrong_type(root):
    _edit(root / "modules/customs-basics.md", "duration_minutes: 30", "duration_minutes: half an hour")


def not_utf8(root):
    path = root / "modules/risk-profiling.md"
    path.write_bytes(path.read_bytes().replace(b"An unusual route.", "An unusual route \u2014 caf\u00e9.".encode("latin-1", "replace")))


def empty_module(root):
    (root / "modules/risk-profiling.md").write_text("---\ntitle: Risk profiling\n---\n\n", encoding="utf-8")


def quiz_for_no_module(root):
    _edit(root / "quizzes/risk-profiling-quiz.yaml", "module: risk-profiling", "module: risk-profile")


def two_correct_in_single(root):
    _edit(root / "quizzes/customs-basics-quiz.yaml", "      - text: The importer\n", "      - text: The importer\n        correct: true\n")


def letter_names_no_choice(root):
    _edit(root / "quizzes/customs-basics-quiz.yaml", "    answer: [a, b]\n", "    answer: [a, f]\n")


def ordering_not_permutation(root):
    _edit(root / "quizzes/customs-basics-quiz.yaml", "    answer: [b, a, c]\n", "    answer: [b, b, c]\n")


# (mutation, expected "PATH:LINE: ..." prefix, a fragment of the message, needs --strict)
CASES = [
    (no_front_matter, "modules/customs-basics.md:1: ", "front matter", False),
    (unclosed_front_matter, "modules/customs-basics.md:1: ", "never closed", False),
    (missing_title, "modules/risk-profiling.md:2: ", "needs `title`", False),
    (yaml_syntax_error, "quizzes/risk-profiling-quiz.yaml:4: ", "YAML does not parse", False),
    (unknown_module_listed, "course.yaml:10: ", "no modules/ghost.md", False),
    (duplicate_quiz_id, "quizzes/risk-profiling-quiz.yaml:1: ", "also used by quizzes/customs-basics-quiz.yaml", False),
    (bad_module_id, "modules/Risk_Profiling.md: ", "malformed", False),
    (broken_link, "modules/risk-profiling.md:21: ", "names no module", False),
    (broken_anchor, "modules/risk-profiling.md:25: ", "no heading with the anchor", False),
    (missing_image, "modules/customs-basics.md:23: ", "not found", False),
    (unknown_key, "quizzes/customs-basics-quiz.yaml:12: ", "did you mean `correct`?", True),
    (wrong_type, "modules/customs-basics.md:7: ", "must be a whole number", False),
    (not_utf8, "modules/risk-profiling.md:21: ", "not UTF-8", False),
    (empty_module, "modules/risk-profiling.md:4: ", "no content", False),
    (quiz_for_no_module, "quizzes/risk-profiling-quiz.yaml:2: ", "not a module of this course", False),
    (two_correct_in_single, "quizzes/customs-basics-quiz.yaml:10: ", "exactly one option", False),
    (letter_names_no_choice, "quizzes/customs-basics-quiz.yaml:49: ", "names no choice", False),
    (ordering_not_permutation, "quizzes/customs-basics-quiz.yaml:55: ", "permutation", False),
]


@pytest.mark.parametrize(("mutate", "where", "fragment", "strict"), CASES, ids=[c[0].__name__ for c in CASES])
def test_bad_input_is_reported_at_its_line_and_leaves_output_alone(english_copy, tmp_path, capsys, mutate, where, fragment, strict):
    out = tmp_path / "out"
    assert main(["build", "--course", str(english_copy), "--out", str(out), "--no-pdf", "--quiet"]) == 0
    before = _tree_digest(out)
    capsys.readouterr()

    mutate(english_copy)
    flags = ["--strict"] if strict else []
    assert main(["build", "--course", str(english_copy), "--out", str(out), "--no-pdf", "--quiet", *flags]) == 1
    err = capsys.readouterr().err
    assert any(line.startswith(where) and fragment in line for line in err.splitlines()), err
    assert "Traceback" not in err
    assert _tree_digest(out) == before, "a failed build changed the output folder"
    assert not list(out.parent.glob(".out.building-*")), "a failed build left its temporary folder behind"

    assert main(["check", "--course", str(english_copy), *flags]) == 1
    assert where in capsys.readouterr().err


def test_every_problem_is_reported_at_once(english_copy, capsys):
    missing_title(english_copy)
    yaml_syntax_error(english_copy)
    two_correct_in_single(english_copy)
    assert main(["check", "--course", str(english_copy)]) == 1
    err = capsys.readouterr().err
    for where in ("modules/risk-profiling.md:2: ", "quizzes/risk-profiling-quiz.yaml:4: ", "quizzes/customs-basics-quiz.yaml:10: "):
        assert where in err, err


def test_warnings_pass_unless_strict(english_copy, capsys):
    unknown_key(english_copy)
    assert main(["check", "--course", str(english_copy)]) == 0
    assert "warning: unknown key `corect`: did you mean `correct`?" in capsys.readouterr().err
    assert main(["check", "--course", str(english_copy), "--strict"]) == 1


def test_not_a_course_folder(tmp_path, capsys):
    assert main(["check", "--course", str(tmp_path)]) == 1
    assert "course.yaml: no course.yaml" in capsys.readouterr().err


def test_modules_list_of_mappings_is_an_error_not_a_crash(english_copy, capsys):
    _edit(english_copy / "course.yaml", "  - customs-basics\n", "  - id: customs-basics\n")
    assert main(["check", "--course", str(english_copy)]) == 1
    err = capsys.readouterr().err
    assert "course.yaml:8: entry 1 of `modules` must be text, found a mapping" in err, err
    assert "Traceback" not in err
