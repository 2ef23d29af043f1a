"""``new course DIR``: a course that builds and passes ``check --strict`` as written, in its language's words; never beside other files."""

from __future__ import annotations

import pytest
import yaml

from course.build.pipeline import check_course
from course.cli import main
from course.lint import lint_course
from course.render.i18n import available_languages
from course.resources import version

WORDS = {  # a text of each file, in the language's catalogue (scaffold.po); English where the engine has none
    "en": ("Getting started", "Where is a module of this course kept?", "Module"),
    "ar": ("كيف تبدأ", "أين تُحفظ الوحدة في هذا المقرر؟", "وحدة"),
    "fr": ("Premiers pas", "Où est rangé un module de ce cours\u00a0?", "Module"),
    "fa": ("شروع کار", "هر ماژول این دوره کجا نگهداری می\u200cشود؟", "ماژول"),
    "ur": ("Getting started", "Where is a module of this course kept?", "Module"),
}


def _new_course(folder, language="en", title="First aid") -> int:
    return main(["new", "course", str(folder), "--title", title, "--language", language])


@pytest.mark.parametrize("language", sorted(WORDS))
def test_new_course_writes_a_course_that_passes_check_strict_in_its_language(tmp_path, language, capsys):
    folder = tmp_path / "first-aid"
    assert _new_course(folder, language, "Premiers secours: l'essentiel") == 0
    err = capsys.readouterr().err
    for rel in ("course.yaml", "modules/getting-started.md", "quizzes/getting-started-quiz.yaml", "glossary.yaml", ".gitignore"):
        assert f"{rel}" in err and (folder / rel).is_file()
    settings = yaml.safe_load((folder / "course.yaml").read_text(encoding="utf-8"))
    assert settings["title"] == "Premiers secours: l'essentiel" and settings["language"] == language
    title, prompt, term = WORDS[language]
    module = (folder / "modules/getting-started.md").read_text(encoding="utf-8")
    assert yaml.safe_load(module.split("---\n")[1])["title"] == title
    quiz = yaml.safe_load((folder / "quizzes/getting-started-quiz.yaml").read_text(encoding="utf-8"))
    assert quiz["questions"][0]["prompt"] == prompt and quiz["module"] == "getting-started"
    assert yaml.safe_load((folder / "glossary.yaml").read_text(encoding="utf-8"))[0]["term"] == term
    course, problems = check_course(folder)
    if language in (*available_languages(), "en"):
        assert problems == [] and lint_course(course) == []
        assert main(["check", "--strict", "--course", str(folder)]) == 0
    else:  # no catalogue: the one warning names the interface strings to give in course.yaml `interface`
        assert [p.message.split(":")[0] for p in problems] == [f"the engine has no interface catalogue for `{language}`"]
        assert lint_course(course) == [] and main(["check", "--course", str(folder)]) == 0


def test_new_course_builds_with_a_module_added(tmp_path, capsys):
    folder = tmp_path / "course"
    assert _new_course(folder, "ar") == 0
    assert main(["new", "module", "burns", "--title", "الحروق", "--course", str(folder)]) == 0
    assert main(["build", "--course", str(folder), "--out", str(tmp_path / "out"), "--no-pdf", "--quiet"]) == 0
    assert (tmp_path / "out/modules/getting-started.html").is_file() and (tmp_path / "out/modules/burns.html").is_file()


def test_new_course_refuses_a_folder_that_is_not_empty(tmp_path, capsys):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("my notes", encoding="utf-8")
    assert _new_course(folder) == 1
    err = capsys.readouterr().err
    assert f"{folder}: the folder is not empty" in err and "Traceback" not in err
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]


def test_new_course_accepts_an_empty_folder_and_refuses_a_bad_language_tag(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert _new_course(empty, "fr") == 0
    assert _new_course(tmp_path / "other", "not a tag!") == 1
    assert "is not a language tag" in capsys.readouterr().err
    assert not (tmp_path / "other").exists()


def test_new_module_in_an_empty_folder_says_how_to_start_a_course(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["new", "module", "cpr", "--title", "CPR basics"]) == 1
    err = capsys.readouterr().err
    assert "course new course DIR" in err and "two lines" in err and "StopIteration" not in err
    assert list(tmp_path.iterdir()) == []


def test_course_version_prints_the_version(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"course-engine {version()}" and version()[0].isdigit()


SKELETON_WORDS = {  # the module skeleton's first heading and a quiz comment, per language
    "fr": ("## Pourquoi c’est important", "# Le quiz du module `burns`. Remplacez la question d’exemple ci-dessous\u00a0:"),
    "fa": ("## چرا این موضوع مهم است؟", "# آزمون ماژول `burns`. پرسش نمونهٔ زیر را با پرسشی واقعی جایگزین کنید:"),
    "ar": ("## لماذا يهمّنا هذا الموضوع؟", "# اختبار الوحدة `burns`. استبدل السؤال المثال أدناه بسؤال حقيقي:"),
    "en": ("## Why this matters", "# The quiz of module `burns`. Replace the example question below:"),
}


@pytest.mark.parametrize("language", sorted(SKELETON_WORDS))
def test_new_module_skeletons_speak_the_course_language_and_only_warn_for_placeholders(tmp_path, language, capsys):
    folder = tmp_path / "course"
    assert _new_course(folder, language) == 0
    assert main(["new", "module", "burns", "--title", "Burns", "--course", str(folder)]) == 0
    heading, comment = SKELETON_WORDS[language]
    assert heading in (folder / "modules/burns.md").read_text(encoding="utf-8").splitlines()
    quiz_text = (folder / "quizzes/burns-quiz.yaml").read_text(encoding="utf-8")
    assert comment in quiz_text.splitlines() and "docs/course-format.md" in quiz_text
    quiz = yaml.safe_load(quiz_text)
    assert quiz["title"] == "Burns" and "Burns" in quiz["questions"][0]["prompt"]
    course, problems = check_course(folder)
    assert problems == [] and course is not None
    found = lint_course(course)
    assert found and all(p.message.endswith("[placeholder]") for p in found), found


def test_every_scaffold_text_is_in_the_arabic_french_and_persian_catalogues():
    import re

    from babel.messages.pofile import read_po

    from course.resources import PACKAGE, TEMPLATES

    said = re.compile(r'_\("((?:[^"\\]|\\.)*)"')
    ids = {m.replace('\\"', '"') for path in (TEMPLATES / "scaffold").rglob("*.j2") for m in said.findall(path.read_text(encoding="utf-8"))}
    assert len(ids) > 30
    for language in ("ar", "fr", "fa"):
        with open(PACKAGE / "locale" / language / "LC_MESSAGES" / "scaffold.po", "rb") as handle:
            catalogue = {m.id: m.string for m in read_po(handle) if m.id}
        assert ids - set(catalogue) == set(), language
        for message in ids:  # placeholders kept, TODO kept where the English has it
            assert sorted(re.findall(r"%\(\w+\)s", catalogue[message])) == sorted(re.findall(r"%\(\w+\)s", message)), (language, message)
            assert ("TODO" in catalogue[message]) == ("TODO" in message), (language, message)


def test_the_new_course_ignores_what_the_engine_writes_into_it(tmp_path):
    import subprocess

    folder = tmp_path / "course"
    assert _new_course(folder, "fa") == 0
    assert main(["build", "--course", str(folder), "--no-pdf", "--quiet"]) == 0  # dist/ and .dist-cache/ in the folder
    (folder / ".classroom").mkdir()
    (folder / ".classroom" / "classroom.db").write_bytes(b"learners")
    (folder / "class.db").write_bytes(b"learners")
    subprocess.run(["git", "init", "-q", str(folder)], check=True)
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"], cwd=folder, capture_output=True, text=True, check=True
    )
    listed = sorted(line[3:] for line in status.stdout.splitlines())
    assert listed == [".gitignore", "course.yaml", "glossary.yaml", "modules/getting-started.md", "quizzes/getting-started-quiz.yaml"]
    assert "آنچه موتور کنار منابع می\u200cنویسد" in (folder / ".gitignore").read_text(encoding="utf-8")


def test_check_in_an_empty_folder_says_how_to_start_a_course(tmp_path, capsys):
    assert main(["check", "--course", str(tmp_path)]) == 1
    assert "start one with `course new course DIR" in capsys.readouterr().err
