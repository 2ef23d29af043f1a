"""Hostile and malformed courses (security review A.1, A.1b; issue 16 item 7).

Each row is a small mutation of a copy of the English fixture course. For a
course that must be refused: ``check`` and ``build`` exit 1 with the expected
``PATH:LINE: message``, in under ``SECONDS``, with no traceback, and a build
leaves a pre-existing output folder exactly as it was. For a valid edge case
(a byte-order mark, CRLF, a link inside the course, a YAML alias): it checks
and, where the row says so, builds.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from course.cli import main

ENGLISH = Path(__file__).resolve().parents[1] / "fixtures" / "english-course"
SECONDS = 10
QUIZ = "quizzes/customs-basics-quiz.yaml"
RISK_QUIZ = "quizzes/risk-profiling-quiz.yaml"
MODULE = "modules/customs-basics.md"
RISK = "modules/risk-profiling.md"
SECRET = "root:x:0:0:root:/root:/bin/bash\n"

Mutation = Callable[[Path, Path], None]  # (course root, a folder outside the course)


# --- mutations -------------------------------------------------------------------


def edit(rel: str, old: str, new: str) -> Mutation:
    def mutate(root: Path, outside: Path) -> None:
        path = root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, f"fixture changed: {old!r} not in {rel}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return mutate


def write(rel: str, content: str | bytes) -> Mutation:
    def mutate(root: Path, outside: Path) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))

    return mutate


def transform(rel: str, change: Callable[[bytes], bytes]) -> Mutation:
    def mutate(root: Path, outside: Path) -> None:
        path = root / rel
        path.write_bytes(change(path.read_bytes()))

    return mutate


def remove(rel: str) -> Mutation:
    def mutate(root: Path, outside: Path) -> None:
        path = root / rel
        shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()

    return mutate


def rename(old: str, new: str) -> Mutation:
    return lambda root, outside: (root / old).rename(root / new)


def link(rel: str, target: str, outside_target: bool = True) -> Mutation:
    """Make ``rel`` a symlink to ``target`` (in the outside folder, or in the course)."""

    def mutate(root: Path, outside: Path) -> None:
        path = root / rel
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to((outside if outside_target else root) / target)

    return mutate


def both(*mutations: Mutation) -> Mutation:
    def mutate(root: Path, outside: Path) -> None:
        for mutation in mutations:
            mutation(root, outside)

    return mutate


def fifo(rel: str) -> Mutation:
    def mutate(root: Path, outside: Path) -> None:
        (root / rel).unlink()
        os.mkfifo(root / rel)

    return mutate


def sparse(rel: str, size: int) -> Mutation:
    """A file of ``size`` bytes that takes no disk (a valid module start, then zeros)."""

    def mutate(root: Path, outside: Path) -> None:
        with open(root / rel, "r+b") as handle:
            handle.truncate(size)

    return mutate


def _bomb(levels: int) -> str:
    """A billion-laughs document: each level an anchored list of nine aliases to the one below."""
    names = [f"l{i}" for i in range(levels + 1)]
    lines = [f"{names[0]}: &{names[0]} [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for below, name in zip(names, names[1:], strict=False):
        lines.append(f"{name}: &{name} [{', '.join(['*' + below] * 9)}]")
    return "\n".join(lines) + "\n"


def _nested(kind: str, depth: int) -> str:
    return "[" * depth + "]" * depth if kind == "list" else "{a: " * depth + "1" + "}" * depth


FRONT_END = "  - Risk analysis\n---\n"  # the last lines of the customs-basics front matter
OPTION = "      - text: The carrier\n        correct: true\n"
LONG_ID = "q" * 250
ID_64 = "a" * 64
ID_65 = "a" * 65


@dataclass(frozen=True)
class Case:
    name: str
    mutate: Mutation
    rc: int  # 1: refused; 0: valid
    expect: str | None  # a regex over stderr (re.M), e.g. r"^course\.yaml:5: `pass_mark` must be at most 100"
    build: bool = True  # also build (refused rows: output untouched; valid rows: the build succeeds)
    strict: bool = False


CASES = [
    # --- course.yaml -----------------------------------------------------------------
    Case("01-course-yaml-missing", remove("course.yaml"), 1, r"^course\.yaml: no course\.yaml in .*is this a course folder"),
    Case("02-course-yaml-empty", write("course.yaml", ""), 1, r"^course\.yaml:1: course\.yaml is empty"),
    Case(
        "03-course-yaml-unclosed-bracket",
        edit("course.yaml", "modules:\n  - customs-basics\n", "modules: [customs-basics,\n"),
        1,
        r"^course\.yaml:\d+: YAML does not parse",
    ),
    Case(
        "04-course-yaml-is-list",
        write("course.yaml", "- title\n- modules\n"),
        1,
        r"^course\.yaml:1: course\.yaml must be a mapping of keys, found a list",
    ),
    Case(
        "05-course-title-is-list",
        edit("course.yaml", "title: Port Health and Customs Basics", "title: [a, b]"),
        1,
        r"^course\.yaml:1: `title` must be text, found a list",
    ),
    Case(
        "06-pass-mark-string",
        edit("course.yaml", "pass_mark: 60", "pass_mark: seventy"),
        1,
        r"^course\.yaml:5: `pass_mark` must be a number, found `seventy`",
    ),
    Case(
        "07-pass-mark-150",
        edit("course.yaml", "pass_mark: 60", "pass_mark: 150"),
        1,
        r"^course\.yaml:5: `pass_mark` must be at most 100, found `150`",
    ),
    Case(
        "08-pass-mark-negative",
        edit("course.yaml", "pass_mark: 60", "pass_mark: -5"),
        1,
        r"^course\.yaml:5: `pass_mark` must be at least 0",
    ),
    Case(
        "09-tabs-indentation",
        edit("course.yaml", "  - customs-basics\n", "\t- customs-basics\n"),
        1,
        r"^course\.yaml:\d+: YAML does not parse",
    ),
    Case("10-bom-course-yaml", transform("course.yaml", lambda b: b"\xef\xbb\xbf" + b), 0, None),
    Case("11-utf16-course-yaml", transform("course.yaml", lambda b: b.decode().encode("utf-16")), 1, r"^course\.yaml:1: file is not UTF-8"),
    Case(
        "11b-utf16-no-bom-course-yaml",
        transform("course.yaml", lambda b: b.decode().encode("utf-16-le")),
        1,
        r"^course\.yaml:1: file is UTF-16, not UTF-8",
    ),
    Case(
        "12-cp1256-arabic-module",
        transform(RISK, lambda b: b.replace(b"## Indicators", "## مؤشرات".encode("cp1256"))),
        1,
        r"^modules/risk-profiling\.md:\d+: file is not UTF-8",
    ),
    Case(
        "13-nul-bytes-in-module",
        edit(MODULE, "Customs officers protect", "Customs\0officers\0protect"),
        1,
        r"^modules/customs-basics\.md:18: a NUL byte \(U\+0000\) in the file",
    ),
    # --- module files ----------------------------------------------------------------
    Case(
        "14-module-front-matter-broken-yaml",
        edit(MODULE, "keywords: [customs, declaration, manifest]", "keywords: [customs, declaration"),
        1,
        r"^modules/customs-basics\.md:\d+: YAML does not parse",
    ),
    Case(
        "15-module-no-front-matter",
        write(MODULE, "## Just a heading\n\nText.\n"),
        1,
        r"^modules/customs-basics\.md:1: the module must start with YAML front matter",
    ),
    Case(
        "16-module-front-matter-unclosed",
        edit(MODULE, FRONT_END, "  - Risk analysis\n"),
        1,
        r"^modules/customs-basics\.md:1: the front matter opened here is never closed",
    ),
    Case(
        "17-module-title-missing",
        edit(RISK, "title: Risk profiling\n", ""),
        1,
        r"^modules/risk-profiling\.md:2: module front matter needs `title`",
    ),
    Case("18-module-empty-file", write(MODULE, ""), 1, r"^modules/customs-basics\.md:1: the module must start"),
    Case(
        "19-modules-list-names-missing",
        edit("course.yaml", "  - risk-profiling\n", "  - risk-profiling\n  - ghost-module\n"),
        1,
        r"^course\.yaml:10: `modules` names `ghost-module`, but there is no modules/ghost-module\.md",
    ),
    Case(
        "20-modules-list-duplicate",
        edit("course.yaml", "  - risk-profiling\n", "  - risk-profiling\n  - customs-basics\n"),
        1,
        r"^course\.yaml:10: module `customs-basics` is listed twice",
    ),
    # --- quizzes ---------------------------------------------------------------------
    Case(
        "21-quiz-duplicate-id-across-files",
        edit(RISK_QUIZ, "id: risk-profiling-quiz", "id: customs-basics-quiz"),
        1,
        r"^quizzes/risk-profiling-quiz\.yaml:1: quiz id `customs-basics-quiz` is also used by quizzes/customs-basics-quiz\.yaml",
    ),
    Case(
        "22-question-duplicate-id",
        edit(QUIZ, "  - id: q2\n", "  - id: q1\n"),
        1,
        r"^quizzes/customs-basics-quiz\.yaml:16: question id `q1` is used twice in this quiz \(first at line 6\)",
    ),
    Case(
        "23-quiz-names-missing-module",
        edit(QUIZ, "module: customs-basics", "module: no-such-module"),
        1,
        r"^quizzes/customs-basics-quiz\.yaml:2: `module` names `no-such-module`, which is not a module",
    ),
    Case(
        "24-matching-letter-names-no-option",
        edit(QUIZ, "    answer: [a, b]\n", "    answer: [a, z]\n"),
        1,
        r"^quizzes/customs-basics-quiz\.yaml:49: answer `z` names no choice",
    ),
    Case(
        "25-ordering-not-permutation",
        edit(QUIZ, "    answer: [b, a, c]\n", "    answer: [b, b, c]\n"),
        1,
        r"^quizzes/customs-basics-quiz\.yaml:55: `answer` must be a permutation",
    ),
    Case(
        "26-single-two-correct",
        edit(QUIZ, "      - text: The importer\n", "      - text: The importer\n        correct: true\n"),
        1,
        r"^quizzes/customs-basics-quiz\.yaml:10: a `single` question needs exactly one option",
    ),
    Case(
        "27-options-is-string",
        edit(QUIZ, "    options:\n      - text: The carrier\n", "    options: The carrier\n    optionz:\n      - text: The carrier\n"),
        1,
        r"^quizzes/customs-basics-quiz\.yaml:10: `options` must be a list, found `The carrier`",
    ),
    Case("28-quiz-file-empty", write(QUIZ, ""), 1, r"^quizzes/customs-basics-quiz\.yaml:1: quiz file is empty"),
    Case(
        "29-utf16-quiz",
        transform(QUIZ, lambda b: b.decode().encode("utf-16-le")),
        1,
        r"^quizzes/customs-basics-quiz\.yaml:1: file is UTF-16, not UTF-8",
    ),
    # --- YAML aliases and nesting ----------------------------------------------------
    Case(
        "30-billion-laughs-quiz",
        edit(QUIZ, "pass_mark: 60\n", "pass_mark: 60\n" + _bomb(9)),
        1,
        r"^quizzes/customs-basics-quiz\.yaml:\d+: this value holds more than 100,000 values once its aliases",
    ),
    Case(
        "31-billion-laughs-front-matter",
        edit(MODULE, FRONT_END, "  - Risk analysis\n" + _bomb(9) + "---\n"),
        1,
        r"^modules/customs-basics\.md:\d+: this value holds more than 100,000 values once its aliases",
    ),
    Case(
        "32-deeply-nested-lists-quiz",
        edit(QUIZ, "pass_mark: 60\n", "pass_mark: 60\nx: " + _nested("list", 5000) + "\n"),
        1,
        r"^quizzes/customs-basics-quiz\.yaml:5: "
        r"(YAML does not parse: exceeded maximum nesting depth|lists and mappings are nested more than 50)",
    ),
    Case(
        "33-deeply-nested-front-matter",
        edit(MODULE, FRONT_END, "  - Risk analysis\nx: " + _nested("map", 5000) + "\n---\n"),
        1,
        r"^modules/customs-basics\.md:14: (YAML does not parse: exceeded maximum nesting depth|lists and mappings are nested more than 50)",
    ),
    Case(
        "34-huge-module-50MB",
        sparse(MODULE, 50 * 1024 * 1024),
        1,
        r"^modules/customs-basics\.md: the file is 50\.0 MB, over the limit of 512 KB",
    ),
    # --- ids and file names ----------------------------------------------------------
    Case(
        "35-module-id-dotdot-in-course-yaml",
        edit("course.yaml", "  - risk-profiling\n", "  - risk-profiling\n  - ../../../etc/passwd\n"),
        1,
        r"^course\.yaml:10: `modules` names `\.\./\.\./\.\./etc/passwd`, but there is no",
    ),
    Case(
        "36-module-file-unicode-id",
        write("modules/وحدة.md", "---\ntitle: X\n---\n\nText.\n"),
        1,
        r"^modules/وحدة\.md: module id `وحدة` is malformed",
    ),
    Case(
        "37-module-file-name-with-space",
        both(rename(RISK, "modules/risk profiling.md")),
        1,
        r"^modules/risk profiling\.md: module id `risk profiling` is malformed",
    ),
    # --- symlinks out of the course (A.1 38-41, A.1b) -------------------------------
    Case(
        "38-symlink-module-outside-course",
        both(link("modules/outside.md", "outside.md"), edit("course.yaml", "  - risk-profiling\n", "  - risk-profiling\n  - outside\n")),
        1,
        r"^modules/outside\.md: symlink to a file outside the course folder \(.*/outside/outside\.md\)",
    ),
    Case(
        "39-symlink-image-to-etc-passwd",
        both(
            link("modules/customs-basics/passwd.png", "secret.txt"),
            edit(MODULE, "## The three first documents\n", "![x](customs-basics/passwd.png)\n\n## The three first documents\n"),
        ),
        1,
        r"^modules/customs-basics/passwd\.png: symlink to a file outside the course folder",
    ),
    Case(
        "40-symlink-asset-to-etc-passwd-unreferenced",
        link("modules/customs-basics/notes.txt", "secret.txt"),
        1,
        r"^modules/customs-basics/notes\.txt: symlink to a file outside the course folder \(.*/outside/secret\.txt\)",
    ),
    Case(
        "41-symlink-asset-dir-to-outside", link("modules/customs-basics/etc", "", True), 0, None
    ),  # a linked folder below a module's folder is never walked nor copied
    Case(
        "41b-module-folder-is-a-link-outside",
        both(link("modules/customs-basics", "assets"), write("../outside/assets/terminal.png", b"x")),
        1,
        r"^modules/customs-basics: symlink to a folder outside the course folder",
    ),
    Case(
        "41c-trainer-notes-link-to-passwd",
        link("trainer/customs-basics.md", "secret.txt"),
        1,
        r"^trainer/customs-basics\.md: symlink to a file outside the course folder",
    ),
    Case(
        "41d-quiz-file-link-outside",
        link(QUIZ, "quiz.yaml"),
        1,
        r"^quizzes/customs-basics-quiz\.yaml: symlink to a file outside the course folder",
    ),
    Case(
        "41e-course-yaml-link-outside", link("course.yaml", "course.yaml"), 1, r"^course\.yaml: symlink to a file outside the course folder"
    ),
    Case(
        "41f-glossary-link-outside",
        link("glossary.yaml", "glossary.yaml"),
        1,
        r"^glossary\.yaml: symlink to a file outside the course folder",
    ),
    Case("41g-modules-folder-link-outside", link("modules", "modules"), 1, r"^modules: symlink to a folder outside the course folder"),
    Case(
        "41h-sources-file-link-outside",
        both(write("sources/handbook.txt", "A handbook.\n"), link("sources/passwd.txt", "secret.txt")),
        1,
        r"^sources/passwd\.txt: symlink to a file outside the course folder",
    ),
    Case(
        "41i-asset-link-inside-course",
        both(write("media/photo.png", b"\x89PNG"), link("modules/customs-basics/photo.png", "media/photo.png", outside_target=False)),
        0,
        None,
    ),
    Case(
        "41j-trainer-notes-link-inside-course",
        both(write("notes/cb.md", "Notes.\n"), link("trainer/customs-basics.md", "notes/cb.md", outside_target=False)),
        0,
        None,
    ),
    Case(
        "41k-asset-link-to-nested-outside-path",
        link("modules/customs-basics/deep/notes.txt", "assets/../secret.txt"),
        1,
        r"^modules/customs-basics/deep/notes\.txt: symlink to a file outside the course folder",
    ),
    # --- images ----------------------------------------------------------------------
    Case(
        "42-image-missing",
        remove("modules/customs-basics/terminal.png"),
        1,
        r"^modules/customs-basics\.md:23: image `?customs-basics/terminal\.png`? not found",
    ),
    Case(
        "44-image-arabic-name-with-space",
        both(
            lambda root, outside: shutil.copy(root / "modules/customs-basics/terminal.png", root / "modules/customs-basics/صورة ميناء.png"),
            edit(MODULE, "## The three first documents\n", "![ميناء](<customs-basics/صورة ميناء.png>)\n\n## The three first documents\n"),
        ),
        0,
        None,
    ),
    Case(
        "45-image-dotdot-path",
        edit(MODULE, "(customs-basics/terminal.png)", "(../../../../etc/passwd)"),
        1,
        r"^modules/customs-basics\.md:23: image .*not found",
    ),
    # --- YAML types and keys ---------------------------------------------------------
    Case(
        "46-yaml-complex-key",
        edit("course.yaml", 'version: "1.0"\n', 'version: "1.0"\n? [a, b]\n: c\n'),
        1,
        r"^course\.yaml:7: a key must be a plain name, found a list",
    ),
    Case(
        "46b-yaml-complex-mapping-key-quiz",
        edit(QUIZ, "pass_mark: 60\n", "pass_mark: 60\n? {a: 1}\n: c\n"),
        1,
        r"^quizzes/customs-basics-quiz\.yaml:5: a key must be a plain name, found a mapping",
    ),
    Case(
        "46c-yaml-complex-key-front-matter",
        edit(MODULE, FRONT_END, "  - Risk analysis\n? [x]\n: y\n---\n"),
        1,
        r"^modules/customs-basics\.md:14: a key must be a plain name",
    ),
    Case(
        "47-yaml-python-tag",
        edit("course.yaml", 'version: "1.0"\n', 'version: !!python/object/apply:os.system ["echo pwned"]\n'),
        1,
        r"^course\.yaml:6: YAML does not parse: could not determine a constructor",
    ),
    Case(
        "48-yaml-duplicate-keys",
        edit("course.yaml", "subtitle:", "title: Another title\nsubtitle:"),
        1,
        r"^course\.yaml:2: the key `title` is given twice in this mapping \(first at line 1\)",
    ),
    Case(
        "48b-duplicate-key-in-question",
        edit(QUIZ, "    prompt: Who files the list of everything a vessel carries?\n", "    prompt: Who?\n    prompt: Who files it?\n"),
        1,
        r"^quizzes/customs-basics-quiz\.yaml:9: the key `prompt` is given twice in this mapping \(first at line 8\)",
    ),
    Case(
        "48c-duplicate-key-in-front-matter",
        edit(MODULE, "duration_minutes: 30\n", "duration_minutes: 30\nduration_minutes: 45\n"),
        1,
        r"^modules/customs-basics\.md:8: the key `duration_minutes` is given twice in this mapping \(first at line 7\)",
    ),
    Case(
        "48d-duplicate-key-in-glossary",
        edit("glossary.yaml", "  abbreviation: RA\n", "  abbreviation: RA\n  abbreviation: R.A.\n"),
        1,
        r"^glossary\.yaml:5: the key `abbreviation` is given twice in this mapping \(first at line 4\)",
    ),
    Case(
        "48e-merge-key-is-not-a-duplicate",
        edit(
            QUIZ,
            "    options:\n      - text: The carrier\n        correct: true\n",
            "    options:\n      - &carrier {text: The carrier, correct: false}\n"
            "      - <<: *carrier\n        text: The carrier himself\n        correct: true\n",
        ),
        0,
        None,
        build=False,
    ),
    Case(
        "49-module-id-uppercase",
        both(rename(RISK, "modules/Risk-Profiling.md")),
        1,
        r"^modules/Risk-Profiling\.md: module id `Risk-Profiling` is malformed",
    ),
    Case(
        "50-numeric-answer-string",
        edit(QUIZ, "    answer: 3\n", "    answer: three\n"),
        1,
        r"^quizzes/customs-basics-quiz\.yaml:41: `answer` must be a number, found `three`",
    ),
    Case(
        "51-negative-tolerance",
        edit(QUIZ, "    tolerance: 0\n", "    tolerance: -1\n"),
        1,
        r"^quizzes/customs-basics-quiz\.yaml:42: `tolerance` must be at least 0",
    ),
    Case(
        "52-points-zero",
        edit(QUIZ, "    points: 2\n", "    points: 0\n"),
        1,
        r"^quizzes/customs-basics-quiz\.yaml:18: `points` must be greater than 0",
    ),
    Case(
        "53-glossary-duplicate-term",
        edit("glossary.yaml", "- term: Risk analysis\n", "- term: Manifest\n  definition: Again.\n- term: Risk analysis\n"),
        1,
        r"^glossary\.yaml:3: the term `Manifest` is defined twice \(first at line 1\)",
    ),
    Case(
        "54-glossary-not-a-list",
        write("glossary.yaml", "term: Manifest\ndefinition: A list.\n"),
        1,
        r"^glossary\.yaml:1: the glossary must be a list of entries, found a mapping",
    ),
    Case(
        "55-unknown-question-type",
        edit(QUIZ, "    type: single\n", "    type: essay\n"),
        1,
        r"^quizzes/customs-basics-quiz\.yaml:7: unknown question type `essay`",
    ),
    Case(
        "56-questions-null",
        edit(QUIZ, "questions:\n", "questions:\nqs:\n"),
        1,
        r"^quizzes/customs-basics-quiz\.yaml:1: a quiz needs `questions`",
    ),
    # --- ids: trailing newline, length, control characters ---------------------------
    Case(
        "57-quiz-id-trailing-newline",
        edit(QUIZ, "id: customs-basics-quiz\n", 'id: "customs-basics-quiz\\n"\n'),
        1,
        r"^quizzes/customs-basics-quiz\.yaml:1: `id` `customs-basics-quiz\\n` is malformed",
    ),
    Case(
        "57b-question-id-trailing-newline",
        edit(QUIZ, "  - id: q1\n", '  - id: "q1\\n"\n'),
        1,
        r"^quizzes/customs-basics-quiz\.yaml:6: question id `q1\\n` is malformed",
    ),
    Case(
        "57c-modules-entry-trailing-newline",
        edit("course.yaml", "  - risk-profiling\n", '  - "risk-profiling\\n"\n'),
        1,
        r"^course\.yaml:9: `modules` names `risk-profiling\\n`",
    ),
    # --- numbers ---------------------------------------------------------------------
    Case(
        "58-pass-mark-nan",
        edit("course.yaml", "pass_mark: 60", "pass_mark: .nan"),
        1,
        r"^course\.yaml:5: `pass_mark` must be a finite number, found `nan`",
    ),
    Case(
        "59-pass-mark-huge-int",
        edit("course.yaml", "pass_mark: 60", "pass_mark: " + "9" * 5000),
        1,
        r"^course\.yaml:5: a number of 5000 digits is out of range \(at most 30\)",
    ),
    Case(
        "59b-points-huge-int",
        edit(QUIZ, "    points: 2\n", "    points: " + "1" * 4400 + "\n"),
        1,
        r"^quizzes/customs-basics-quiz\.yaml:18: a number of 4400 digits is out of range",
    ),
    Case(
        "59c-question-id-huge-int",
        edit(QUIZ, "  - id: q1\n", "  - id: " + "7" * 5000 + "\n"),
        1,
        r"^quizzes/customs-basics-quiz\.yaml:6: a number of 5000 digits is out of range",
    ),
    Case(
        "59d-huge-float-points",
        edit(QUIZ, "    points: 2\n", "    points: 1.0e+999\n"),
        1,
        r"^quizzes/customs-basics-quiz\.yaml:18: `points` must be a finite number, found `inf`",
    ),
    Case(
        "60-yaml-recursive-alias-front-matter",
        edit(MODULE, FRONT_END, "  - Risk analysis\nloop: &loop [*loop]\n---\n"),
        1,
        r"^modules/customs-basics\.md:14: (an alias \(`\*name`\) refers to a value that contains it|YAML does not parse)",
    ),
    Case(
        "61-yaml-recursive-alias-quiz",
        edit(QUIZ, "pass_mark: 60\n", "pass_mark: 60\nloop: &loop {a: *loop}\n"),
        1,
        r"^quizzes/customs-basics-quiz\.yaml:5: (an alias \(`\*name`\) refers to a value that contains it|YAML does not parse)",
    ),
    Case(
        "62-trainer-notes-not-utf8",
        write("trainer/customs-basics.md", b"Notes\n\xff\xfe broken\n"),
        1,
        r"^trainer/customs-basics\.md:2: file is not UTF-8",
    ),
    Case("63-module-file-is-directory", both(write("modules/dir-module.md/x.txt", "x")), 1, r"^modules/dir-module\.md: cannot read file"),
    Case("63b-module-file-is-a-fifo", fifo(RISK), 1, r"^modules/risk-profiling\.md: cannot read file: it is not a regular file"),
    Case(
        "65-crlf-and-cr-only-line-endings",
        both(transform(MODULE, lambda b: b.replace(b"\n", b"\r\n")), transform(QUIZ, lambda b: b.replace(b"\n", b"\r\n"))),
        0,
        None,
    ),
    Case(
        "66-option-text-is-mapping",
        edit(QUIZ, "      - text: The carrier\n", "      - text: {a: 1}\n"),
        1,
        r"^quizzes/customs-basics-quiz\.yaml:11: option text must be text, found a mapping",
    ),
    Case(
        "66b-option-text-is-list",
        edit(QUIZ, "      - text: The importer\n", "      - text: [The, importer]\n"),
        1,
        r"^quizzes/customs-basics-quiz\.yaml:13: option text must be text, found a list",
    ),
    Case(
        "66c-option-text-is-yes",
        edit(QUIZ, "      - text: The importer\n", "      - text: yes\n"),
        1,
        r"^quizzes/customs-basics-quiz\.yaml:13: option text must be text, found `true` \(YAML reads yes/no",
    ),
    Case(
        "66d-matching-choice-is-mapping",
        edit(QUIZ, "    choices: [Carrier, Importer, Customs broker]\n", "    choices: [Carrier, {a: b}, Customs broker]\n"),
        1,
        r"^quizzes/customs-basics-quiz\.yaml:48: entry 2 of `choices` must be non-empty text, found a mapping",
    ),
    Case(
        "66e-short-answer-is-no",
        edit(QUIZ, "    answers: [customs, the customs, customs authority]\n", "    answers: [customs, no]\n"),
        1,
        r"^quizzes/customs-basics-quiz\.yaml:36: accepted answer `false` must be non-empty text \(YAML reads",
    ),
    Case(
        "67-answer-letter-arabic-and-int",
        edit(QUIZ, "    answer: [b, a, c]\n", "    answer: [ب, 1, c]\n"),
        1,
        r"^quizzes/customs-basics-quiz\.yaml:55: answer `ب` names no item",
    ),
    Case(
        "68-duplicate-question-ids-second-quiz",
        lambda root, outside: _dup_risk_ids(root),
        1,
        r"^quizzes/risk-profiling-quiz\.yaml:\d+: question id `\w+` is used twice",
    ),
    Case(
        "69-glossary-broken-yaml",
        edit("glossary.yaml", "- term: Risk analysis\n", "- term: [Risk analysis\n"),
        1,
        r"^glossary\.yaml:\d+: YAML does not parse",
    ),
    Case(
        "70-many-options-11",
        edit(QUIZ, OPTION, OPTION + "".join(f"      - text: Option {i}\n" for i in range(9))),
        1,
        r"^quizzes/customs-basics-quiz\.yaml:10: need 2 to 10 options, found 12",
    ),
    Case(
        "71-link-to-missing-module",
        edit(MODULE, "(risk-profiling.md)", "(ghost.md#nowhere)"),
        1,
        r"^modules/customs-basics\.md:20: link `?ghost\.md#nowhere`? names no module",
    ),
    Case(
        "72-zero-width-and-rtl-override-in-id",
        edit(QUIZ, "  - id: q3\n", '  - id: "q3\u202e\u200b"\n'),
        1,
        r"^quizzes/customs-basics-quiz\.yaml:28: question id `q3.+` is malformed",
    ),
    Case("73-modules-folder-missing", remove("modules"), 1, r"^modules: the course has no modules"),
    Case(
        "74-quiz-yaml-multi-document",
        edit(QUIZ, "pass_mark: 60\n", "pass_mark: 60\n---\nid: other\n"),
        1,
        r"^quizzes/customs-basics-quiz\.yaml:\d+: YAML does not parse: but found another document",
    ),
    Case(
        "75-key-terms-not-in-glossary",
        edit(MODULE, "  - Risk analysis\n---", "  - Nonexistent term\n---"),
        1,
        r"^modules/customs-basics\.md:\d+: warning: key term `Nonexistent term` is not in glossary\.yaml",
        build=False,
        strict=True,
    ),
    Case(
        "76-nested-lists-depth-900-quiz",
        edit(QUIZ, "pass_mark: 60\n", "pass_mark: 60\nx: " + _nested("list", 900) + "\n"),
        1,
        r"^quizzes/customs-basics-quiz\.yaml:5: lists and mappings are nested more than 50 levels deep",
    ),
    Case(
        "77-nested-mappings-depth-900-front-matter",
        edit(MODULE, FRONT_END, "  - Risk analysis\nx: " + _nested("map", 900) + "\n---\n"),
        1,
        r"^modules/customs-basics\.md:14: lists and mappings are nested more than 50 levels deep",
    ),
    Case(
        "77b-nesting-51-through-aliases",
        edit(QUIZ, "pass_mark: 60\n", "pass_mark: 60\na: &a " + _nested("list", 30) + "\nb: " + "[" * 25 + "*a" + "]" * 25 + "\n"),
        1,
        r"^quizzes/customs-basics-quiz\.yaml:\d+: lists and mappings are nested more than 50 levels deep",
    ),
    Case(
        "78-billion-laughs-depth7-front-matter",
        edit(MODULE, FRONT_END, "  - Risk analysis\n" + _bomb(7) + "---\n"),
        1,
        r"^modules/customs-basics\.md:\d+: this value holds more than 100,000 values",
    ),
    Case(
        "78b-small-aliases-are-fine",
        both(
            edit(MODULE, "keywords: [customs", "keywords: &k [customs"),
            edit(MODULE, "sources:\n  - Example Customs Handbook, 2nd edition\n", "sources: *k\n"),
        ),
        0,
        None,
        build=False,
    ),
    Case(
        "79-pass-mark-inf",
        edit("course.yaml", "pass_mark: 60", "pass_mark: .inf"),
        1,
        r"^course\.yaml:5: `pass_mark` must be a finite number, found `inf`",
    ),
    Case(
        "79b-quiz-pass-mark-101",
        edit(QUIZ, "pass_mark: 60", "pass_mark: 101"),
        1,
        r"^quizzes/customs-basics-quiz\.yaml:4: `pass_mark` must be at most 100",
    ),
    Case(
        "79c-quiz-pass-mark-nan",
        edit(QUIZ, "pass_mark: 60", "pass_mark: .NaN"),
        1,
        r"^quizzes/customs-basics-quiz\.yaml:4: `pass_mark` must be a finite number",
    ),
    Case(
        "80-points-inf",
        edit(QUIZ, "    points: 2\n", "    points: .inf\n"),
        1,
        r"^quizzes/customs-basics-quiz\.yaml:18: `points` must be a finite number, found `inf`",
    ),
    Case(
        "81-tolerance-nan",
        edit(QUIZ, "    tolerance: 0\n", "    tolerance: .nan\n"),
        1,
        r"^quizzes/customs-basics-quiz\.yaml:42: `tolerance` must be a finite number",
    ),
    Case(
        "81b-numeric-answer-minus-inf",
        edit(QUIZ, "    answer: 3\n", "    answer: -.inf\n"),
        1,
        r"^quizzes/customs-basics-quiz\.yaml:41: `answer` must be a finite number",
    ),
    Case(
        "81c-tolerance-inf",
        edit(QUIZ, "    tolerance: 0\n", "    tolerance: .inf\n"),
        1,
        r"^quizzes/customs-basics-quiz\.yaml:42: `tolerance` must be a finite number",
    ),
    Case(
        "82-quiz-id-250-chars",
        edit(QUIZ, "id: customs-basics-quiz", "id: " + LONG_ID),
        1,
        r"^quizzes/customs-basics-quiz\.yaml:1: `id` `q+\.\.\.` is 250 characters long: an id has at most 64",
    ),
    Case(
        "82b-quiz-id-65-chars",
        edit(QUIZ, "id: customs-basics-quiz", "id: " + ID_65),
        1,
        r"^quizzes/customs-basics-quiz\.yaml:1: `id` .* is 65 characters long: an id has at most 64",
    ),
    Case("82c-quiz-id-64-chars-builds", edit(QUIZ, "id: customs-basics-quiz", "id: " + ID_64), 0, None),
    Case(
        "82d-question-id-65-chars",
        edit(QUIZ, "  - id: q1\n", f"  - id: {ID_65}\n"),
        1,
        r"^quizzes/customs-basics-quiz\.yaml:6: question id .* is 65 characters long: an id has at most 64",
    ),
    Case(
        "83-module-id-250-chars",
        both(rename(RISK, "modules/" + "m" * 250 + ".md"), edit("course.yaml", "  - risk-profiling\n", "  - " + "m" * 250 + "\n")),
        1,
        r"^modules/m+\.md: module id `m+\.\.\.` is 250 characters long: an id has at most 64",
    ),
    Case(
        "85-option-text-10MB",
        edit(QUIZ, "      - text: The port authority\n", "      - text: " + "x" * (10 * 1024 * 1024) + "\n"),
        1,
        r"^quizzes/customs-basics-quiz\.yaml: the file is 10\.0 MB, over the limit of 1\.0 MB",
    ),
    Case(
        "86-glossary-slug-collision",
        edit(
            "glossary.yaml",
            "- term: Risk analysis\n",
            "- term: risk-analysis\n  definition: The same, spelt otherwise.\n- term: Risk analysis\n",
        ),
        0,
        None,
    ),
    Case("87-course-yaml-version-date", edit("course.yaml", 'version: "1.0"', "version: 2024-01-01"), 0, None, build=False),
    Case(
        "87b-course-yaml-version-impossible-date",
        edit("course.yaml", 'version: "1.0"', "version: 2024-13-45"),
        1,
        r"^course\.yaml:6: `2024-13-45` is not a valid date",
    ),
    Case(
        "88-language-garbage",
        edit("course.yaml", "language: en", "language: ../../etc/passwd"),
        1,
        r"^course\.yaml:4: `language` must be a BCP 47 language tag .*found `\.\./\.\./etc/passwd`",
    ),
    Case(
        "88b-language-trailing-newline",
        edit("course.yaml", "language: en", 'language: "en\\n"'),
        1,
        r"^course\.yaml:4: `language` must be a BCP 47 language tag",
    ),
    Case(
        "88c-language-underscore",
        edit("course.yaml", "language: en", "language: en_GB"),
        1,
        r"^course\.yaml:4: `language` must be a BCP 47 language tag",
    ),
    Case(
        "88e-language-root",
        edit("course.yaml", "language: en", "language: root"),
        1,
        r"^course\.yaml:4: `language` must be a BCP 47 language tag",
    ),
    Case("88d-language-region-and-script-fine", edit("course.yaml", "language: en", "language: en-Latn-GB"), 0, None, build=False),
    # --- sizes and control characters beyond the review ------------------------------
    Case(
        "90-module-just-over-512KB",
        edit(RISK, "## Indicators\n", "## Indicators\n\n" + "word " * (512 * 1024 // 5) + "\n"),
        1,
        r"^modules/risk-profiling\.md: the file is 51\d KB, over the limit of 512 KB",
    ),
    Case(
        "91-course-yaml-over-1MB",
        edit("course.yaml", "subtitle: A", "subtitle: A" + "b" * (1024 * 1024)),
        1,
        r"^course\.yaml: the file is 1\.0 MB, over the limit of 1\.0 MB",
    ),
    Case(
        "92-glossary-over-1MB",
        edit("glossary.yaml", "  definition: The carrier's", "  definition: " + "c" * (1024 * 1024) + " The carrier's"),
        1,
        r"^glossary\.yaml: the file is 1\.0 MB, over the limit",
    ),
    Case(
        "93-trainer-notes-over-512KB",
        write("trainer/customs-basics.md", "n" * (600 * 1024)),
        1,
        r"^trainer/customs-basics\.md: the file is 600 KB, over the limit of 512 KB",
    ),
    Case(
        "94-escape-in-module-body",
        edit(MODULE, "Customs officers protect", "Customs \x1b[31mofficers protect"),
        1,
        r"^modules/customs-basics\.md:18: a control character \(U\+001B\) in the file",
    ),
    Case(
        "95-del-in-quiz",
        edit(QUIZ, "title: Customs basics check", "title: Customs\x7f basics check"),
        1,
        r"^quizzes/customs-basics-quiz\.yaml:3: a control character \(U\+007F\)",
    ),
    Case(
        "96-nul-escape-in-quiz-string",
        edit(QUIZ, "title: Customs basics check", 'title: "Customs\\0 basics check"'),
        1,
        r"^quizzes/customs-basics-quiz\.yaml:3: a NUL byte \(U\+0000\) in the text",
    ),
    Case(
        "97-control-char-in-glossary",
        edit("glossary.yaml", "- term: Manifest", "- term: Mani\x08fest"),
        1,
        r"^glossary\.yaml:1: a control character \(U\+0008\)",
    ),
    Case(
        "98-nul-in-trainer-notes",
        write("trainer/customs-basics.md", "Notes\n\nline\0three\n"),
        1,
        r"^trainer/customs-basics\.md:3: a NUL byte",
    ),
    Case("99-tab-and-crlf-are-fine", edit(MODULE, "Customs officers protect", "Customs\tofficers protect"), 0, None, build=False),
    Case(
        "100-every-problem-at-once",
        both(
            edit("course.yaml", "pass_mark: 60", "pass_mark: .nan"),
            link("modules/customs-basics/notes.txt", "secret.txt"),
            edit(QUIZ, "    points: 2\n", "    points: .inf\n"),
        ),
        1,
        r"(?s)^course\.yaml:5: .*finite.*^modules/customs-basics/notes\.txt: symlink.*^quizzes/customs-basics-quiz\.yaml:18: .*finite",
    ),
    Case(
        "101-question-id-negative",
        edit(QUIZ, "  - id: q1\n", "  - id: -1\n"),
        1,
        r"^quizzes/customs-basics-quiz\.yaml:6: question id `-1` is malformed",
    ),
    Case(
        "102-alias-reused-list-fine",
        both(
            edit(QUIZ, "    choices: [Carrier", "    choices: &three [Carrier"),
            edit(QUIZ, "    items: [Score the data, Collect the data, Act on the result]", "    items: *three"),
        ),
        0,
        None,
    ),
]


def _dup_risk_ids(root: Path) -> None:
    path = root / RISK_QUIZ
    text = path.read_text(encoding="utf-8")
    ids = re.findall(r"^  - id: (\S+)$", text, re.M)
    assert len(ids) >= 2, "fixture changed: the risk quiz needs two questions"
    path.write_text(text.replace(f"  - id: {ids[1]}\n", f"  - id: {ids[0]}\n", 1), encoding="utf-8")


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def good_build(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("good") / "out"
    assert main(["build", "--course", str(ENGLISH), "--out", str(out), "--no-pdf", "--no-lms", "--quiet"]) == 0
    return out


def _run(args: list[str], capsys) -> tuple[int, str, float]:
    start = time.monotonic()
    rc = main(args)
    elapsed = time.monotonic() - start
    captured = capsys.readouterr()
    return rc, captured.out + captured.err, elapsed


def test_the_table_has_at_least_80_rows():
    assert len(CASES) >= 80
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_course(case: Case, tmp_path, good_build, capsys):
    root = tmp_path / "course"
    shutil.copytree(ENGLISH, root)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET, encoding="utf-8")
    (outside / "outside.md").write_text("---\ntitle: Outside\n---\n\n" + SECRET, encoding="utf-8")
    (outside / "assets").mkdir()
    for name in ("course.yaml", "glossary.yaml"):
        shutil.copy(ENGLISH / name, outside / name)
    shutil.copy(ENGLISH / QUIZ, outside / "quiz.yaml")
    shutil.copytree(ENGLISH / "modules", outside / "modules")
    case.mutate(root, outside)
    strict = ["--strict"] if case.strict else []

    rc, output, elapsed = _run(["check", "--course", str(root), *strict], capsys)
    assert "Traceback" not in output, output
    assert elapsed < SECONDS, f"check took {elapsed:.1f} s"
    assert rc == case.rc, output
    if case.expect:
        assert re.search(case.expect, output, re.M), output
    assert SECRET.strip() not in output, "a file outside the course was printed"
    if not case.build:
        return

    out = tmp_path / "out"
    shutil.copytree(good_build, out)
    before = _digest(out)
    rc, output, elapsed = _run(["build", "--course", str(root), "--out", str(out), "--no-pdf", "--no-lms", "--quiet", *strict], capsys)
    assert "Traceback" not in output, output
    assert elapsed < SECONDS * 3, f"build took {elapsed:.1f} s"
    assert rc == case.rc, output
    if case.rc:
        assert re.search(case.expect, output, re.M), output
        assert _digest(out) == before, "a failed build changed the output folder"
        assert not list(out.parent.glob(".out.building-*")), "a failed build left its temporary folder behind"
    else:
        leaked = [p for p in out.rglob("*") if p.is_file() and SECRET.encode() in p.read_bytes()]
        assert not leaked, f"a file outside the course was copied: {leaked}"


def test_linked_folder_below_a_module_folder_is_not_copied(tmp_path, capsys):
    root = tmp_path / "course"
    shutil.copytree(ENGLISH, root)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET, encoding="utf-8")
    (root / "modules/customs-basics/etc").symlink_to(outside)
    out = tmp_path / "out"
    assert main(["build", "--course", str(root), "--out", str(out), "--no-pdf", "--no-lms", "--quiet"]) == 0
    assert not (out / "modules/customs-basics/etc").exists()
    assert (out / "modules/customs-basics/terminal.png").is_file()


def test_glossary_terms_that_slug_alike_get_distinct_anchors(tmp_path):
    from course.load import load_course

    root = tmp_path / "course"
    shutil.copytree(ENGLISH, root)
    edit(
        "glossary.yaml",
        "- term: Risk analysis\n",
        "- term: risk-analysis\n  definition: The same, spelt otherwise.\n- term: Risk analysis\n",
    )(root, tmp_path)
    course, problems = load_course(root)
    anchors = [e.anchor for e in course.glossary]
    assert len(anchors) == len(set(anchors)), anchors
