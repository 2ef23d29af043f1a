"""Errors in one round, with the right cause (UX review, trial 1, findings 6 and 8).

A file saved in another encoding is named as such before anything tries to
parse it (never "must start with YAML front matter" or "quiz file is
empty"), and a file that does not load does not hide the other files'
problems, including those only rendering finds (missing images).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from course.cli import main

NOT_UTF8 = re.compile(r"file is not UTF-8 \(byte 0x[0-9a-f]{2} at offset \d+\); save it as UTF-8$")
WRONG_CAUSES = ("must start with YAML front matter", "quiz file is empty", "course.yaml is empty", "YAML does not parse", "Traceback")


def _check(root: Path, capsys) -> tuple[int, list[str]]:
    status = main(["check", "--course", str(root)])
    return status, capsys.readouterr().err.splitlines()


def _save(path: Path, encoding: str, old: str = "", new: str = "") -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture changed: {old!r} not in {path}"
    path.write_bytes(text.replace(old, new, 1).encode(encoding))


def _only(lines: list[str], path: str) -> list[str]:
    return [line for line in lines if line.startswith(path + ":")]


# (file, encoding, text put in so the file has a byte UTF-8 cannot read)
LEGACY = [
    ("modules/risk-profiling.md", "latin-1", "title: Risk profiling", "title: Risk profiling (1ère partie)"),
    ("modules/customs-basics.md", "cp1252", "title: ", "title: \u2018Customs\u2019 "),
    ("quizzes/customs-basics-quiz.yaml", "cp1252", "title: Customs basics check", "title: Customs basics \u2013 check"),
    ("quizzes/risk-profiling-quiz.yaml", "latin-1", "id: ", "# Révision\nid: "),
    ("course.yaml", "cp1252", "title: Port Health", "title: Port Health \u2013"),
    ("glossary.yaml", "latin-1", "definition: The carrier's", "definition: The carrier's manifeste, déclaré"),
]


@pytest.mark.parametrize(("rel", "encoding", "old", "new"), LEGACY, ids=[f"{r}-{e}" for r, e, _, _ in LEGACY])
def test_a_latin1_or_cp1252_file_is_named_not_utf8_with_its_byte(english_copy, capsys, rel, encoding, old, new):
    _save(english_copy / rel, encoding, old, new)
    status, lines = _check(english_copy, capsys)
    assert status == 1
    mine = _only(lines, rel)
    assert len(mine) == 1 and NOT_UTF8.search(mine[0]), lines
    assert not any(cause in line for line in lines for cause in WRONG_CAUSES), lines


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
@pytest.mark.parametrize("rel", ["modules/risk-profiling.md", "quizzes/customs-basics-quiz.yaml", "course.yaml", "glossary.yaml"])
def test_a_utf16_or_utf32_file_with_a_byte_order_mark_is_reported_as_such(english_copy, capsys, rel, encoding):
    path = english_copy / rel
    text = path.read_text(encoding="utf-8")
    mark = {"utf-16-be": b"\xfe\xff"}.get(encoding, b"")  # Python's utf-16 and utf-32 write the mark themselves
    path.write_bytes(mark + text.encode(encoding))
    status, lines = _check(english_copy, capsys)
    assert status == 1
    wide = "UTF-32" if encoding == "utf-32" else "UTF-16"
    assert _only(lines, rel) == [f"{rel}:1: file is not UTF-8 but {wide} (it starts with a {wide} byte-order mark); save it as UTF-8"]
    assert not any(cause in line for line in lines for cause in WRONG_CAUSES), lines
    # and nothing that follows from it: the key terms are not "missing" because the glossary did not load
    assert not any("is not in glossary.yaml" in line for line in lines), lines


def test_two_broken_files_and_a_missing_image_are_reported_in_one_run(english_copy, capsys):
    quiz = english_copy / "quizzes/risk-profiling-quiz.yaml"
    quiz.write_text(quiz.read_text(encoding="utf-8").replace("title: Risk profiling check", "title: [unclosed", 1), encoding="utf-8")
    _save(english_copy / "modules/risk-profiling.md", "latin-1", "title: Risk profiling", "title: Risk profiling (1ère partie)")
    module = english_copy / "modules/customs-basics.md"
    module.write_text(
        module.read_text(encoding="utf-8").replace("customs-basics/terminal.png", "customs-basics/missing.png"), encoding="utf-8"
    )
    status, lines = _check(english_copy, capsys)
    assert status == 1
    assert any(line.startswith("quizzes/risk-profiling-quiz.yaml:") and "YAML does not parse" in line for line in lines), lines
    assert any(line.startswith("modules/risk-profiling.md:") and NOT_UTF8.search(line) for line in lines), lines
    assert any(line.startswith("modules/customs-basics.md:") and "customs-basics/missing.png" in line for line in lines), lines
    # customs-basics links to risk-profiling.md, which did not load: that is not one more error
    assert not any("names no module" in line for line in lines), lines
    assert lines[-1].endswith(": 3 error(s), 0 warning(s)"), lines


def test_build_reports_the_same_round_and_writes_nothing(english_copy, capsys, tmp_path):
    _save(english_copy / "quizzes/customs-basics-quiz.yaml", "cp1252", "title: Customs basics check", "title: Customs basics \u2013 check")
    module = english_copy / "modules/risk-profiling.md"
    module.write_text(module.read_text(encoding="utf-8") + "\n![A chart](risk-profiling/chart.png)\n", encoding="utf-8")
    assert main(["build", "--course", str(english_copy), "--out", str(tmp_path / "out"), "--no-pdf", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "quizzes/customs-basics-quiz.yaml:" in err and "not UTF-8" in err
    assert "risk-profiling/chart.png" in err
    assert not (tmp_path / "out").exists()


def test_a_tab_in_the_indentation_gets_the_spaces_hint(english_copy, capsys):
    glossary = english_copy / "glossary.yaml"
    glossary.write_text(glossary.read_text(encoding="utf-8").replace("  abbreviation: RA", "\tabbreviation: RA", 1), encoding="utf-8")
    quiz = english_copy / "quizzes/customs-basics-quiz.yaml"
    quiz.write_text(quiz.read_text(encoding="utf-8").replace("    type: single", "\t  type: single", 1), encoding="utf-8")
    status, lines = _check(english_copy, capsys)
    assert status == 1
    for rel in ("glossary.yaml", "quizzes/customs-basics-quiz.yaml"):
        (line,) = _only(lines, rel)
        assert "YAML does not parse" in line and line.endswith("; indent with spaces, not tabs"), lines
    assert not any("is not in glossary.yaml" in line for line in lines), lines


def test_a_colon_in_a_text_gets_the_quotes_hint(english_copy, capsys):
    quiz = english_copy / "quizzes/customs-basics-quiz.yaml"
    old = "prompt: Who files the list of everything a vessel carries?"
    quiz.write_text(
        quiz.read_text(encoding="utf-8").replace(old, "prompt: Who files: the list of everything a vessel carries?"), encoding="utf-8"
    )
    status, lines = _check(english_copy, capsys)
    (line,) = _only(lines, "quizzes/customs-basics-quiz.yaml")
    assert status == 1 and "mapping values are not allowed" in line and "must be in quotes" in line


def test_a_quiz_naming_a_misspelt_module_gets_did_you_mean_and_every_module(english_copy, capsys):
    _save(english_copy / "modules/risk-profiling.md", "latin-1", "title: Risk profiling", "title: Risk profiling (1ère partie)")
    quiz = english_copy / "quizzes/customs-basics-quiz.yaml"
    quiz.write_text(quiz.read_text(encoding="utf-8").replace("module: customs-basics", "module: risk-profilng", 1), encoding="utf-8")
    status, lines = _check(english_copy, capsys)
    (line,) = _only(lines, "quizzes/customs-basics-quiz.yaml")
    assert status == 1 and "(customs-basics, risk-profiling): did you mean `risk-profiling`?" in line, lines
