"""Interface strings in any language: ids, course.yaml `interface`, fallback to English, labels, numbers (course-format.md 1, 4, 5)."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from course.load.course import load_course
from course.load.interface import AUTHOR_ONLY, LOCALE_FOLDERS, PLACEHOLDER, catalogue_messages, markdown_table, read_registry
from course.render.environment import display_letter, environment, number
from course.render.i18n import LRI, PDI, translate

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"
HOW_TO_ADD = (
    "every English message id of the catalogues needs exactly one interface id in course/locale/interface-ids.yaml: "
    "run `python scripts/interface_ids.py` (it adds `<domain>.<first-words>` ids and rewrites the table in "
    'docs/course-format.md), or add a line `<domain>.<words>: "<msgid>"` by hand'
)


def _catalogues():
    return [po for folder in LOCALE_FOLDERS for po in sorted(folder.glob("*/LC_MESSAGES/*.po"))]


def test_every_catalogue_message_has_exactly_one_interface_id():
    registry = read_registry()
    messages = catalogue_messages()
    by_message: dict[str, list[str]] = {}
    for key, msgid in registry.items():
        by_message.setdefault(msgid, []).append(key)
    missing = sorted(set(messages) - set(by_message))
    twice = {msgid: keys for msgid, keys in by_message.items() if len(keys) > 1}
    stale = sorted(set(by_message) - set(messages))
    assert not missing, f"{HOW_TO_ADD}; without an id: {missing}"
    assert not twice, f"one id per message: {twice}"
    assert not stale, f"ids whose message no catalogue holds (run `python scripts/interface_ids.py`): {stale}"
    assert all(re.fullmatch(r"[a-z]+\.[a-z0-9]+(?:-[a-z0-9]+)*", key) for key in registry), "ids are <domain>.<lower-case-words>"


def test_the_documentation_lists_every_interface_id_with_its_english_text():
    docs = (REPO / "docs" / "course-format.md").read_text(encoding="utf-8")
    table = docs.split("<!-- interface-ids:begin -->\n", 1)[1].split("<!-- interface-ids:end -->", 1)[0]
    assert table == markdown_table(), "docs/course-format.md's table of ids is out of date: run `python scripts/interface_ids.py`"


@pytest.mark.parametrize("language", ["ar", "fr", "fa"])
def test_shipped_catalogues_are_complete_with_the_english_placeholders(language):
    domains = {po.stem for po in _catalogues() if po.parent.parent.name == "ar"}
    for domain in domains:
        found = [po for po in _catalogues() if po.stem == domain and po.parent.parent.name == language]
        assert found, f"no {language} catalogue for the domain {domain}"
    for po in (p for p in _catalogues() if p.parent.parent.name == language):
        for message in read_po(io.BytesIO(po.read_bytes())):
            if not message.id:
                continue
            english = message.id[-1] if isinstance(message.id, tuple) else message.id
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            for text in strings:
                assert text and not message.fuzzy, f"{po}: {message.id!r} is not translated"
                names = set(PLACEHOLDER.findall(english)) - {"num"}
                assert names <= set(PLACEHOLDER.findall(text)), f"{po}: {message.id!r} loses a placeholder: {text!r}"
                text % dict.fromkeys(PLACEHOLDER.findall(english), 1)  # a stray % would break the page


def _course(tmp_path: Path, source: str, course_yaml: str | None = None, extra: str = "") -> Path:
    target = tmp_path / "course"
    shutil.copytree(FIXTURES / source, target)
    if course_yaml is not None:
        (target / "course.yaml").write_text(course_yaml, encoding="utf-8")
    elif extra:
        with (target / "course.yaml").open("a", encoding="utf-8") as handle:
            handle.write(extra)
    return target


def _messages(problems) -> list[str]:
    return [str(p) for p in problems]


def test_interface_overrides_a_string_after_the_catalogue_on_the_page(tmp_path):
    root = _course(tmp_path, "french-course", extra='interface:\n  quiz.check-my-answers: "Corriger ma copie"\n')
    course, problems = load_course(root)
    assert course is not None, _messages(problems)
    assert course.interface == (("quiz.check-my-answers", "Corriger ma copie"),)
    env = environment(course.language, course.interface)
    assert env.from_string("{{ _('Check my answers') }}").render() == "Corriger ma copie"
    assert env.from_string("{{ _('Try again') }}").render() == "Recommencer"  # the catalogue still gives the rest
    assert translate(course.language, "Check my answers") == "Vérifier mes réponses"  # another course: untouched


def test_an_unknown_interface_id_is_a_warning_naming_the_closest(tmp_path):
    root = _course(tmp_path, "french-course", extra="interface:\n  quiz.check-my-answer: Corriger\n")
    course, problems = load_course(root)
    assert course is not None
    assert "course.yaml:10: warning: unknown interface id 'quiz.check-my-answer': did you mean 'quiz.check-my-answers'?" in _messages(
        problems
    )


def test_an_interface_value_that_is_not_text_is_an_error(tmp_path):
    root = _course(tmp_path, "french-course", extra="interface:\n  quiz.try-again: [a, b]\n  quiz.question-n: 'Q %(x)s'\n")
    course, problems = load_course(root)
    assert course is None
    shown = "\n".join(_messages(problems))
    assert "course.yaml:10: interface id 'quiz.try-again' must be text, found a list" in shown
    assert "course.yaml:11: interface id 'quiz.question-n': use only the placeholders of the English text (%(n)s)" in shown


def test_a_language_without_a_catalogue_warns_once_naming_every_string_that_falls_back(tmp_path):
    root = _course(tmp_path, "english-course")
    text = (root / "course.yaml").read_text(encoding="utf-8").replace("language: en", "language: es")
    (root / "course.yaml").write_text(text + 'interface:\n  site.glossary: "Glosario"\n', encoding="utf-8")
    course, problems = load_course(root)
    warnings = [m for m in _messages(problems) if "back to English" in m]
    assert len(warnings) == 1
    total = len([key for key in read_registry() if not key.startswith(AUTHOR_ONLY)])  # the skeletons' words are no course's
    assert f"no interface catalogue for `es`: {total - 1} interface strings fall back to English: site.skip-content," in warnings[0]
    assert "site.glossary," not in warnings[0] and "quiz.check-my-answers" in warnings[0]
    assert warnings[0].endswith("(give them in course.yaml `interface`)")


def test_the_urdu_course_warns_about_what_its_interface_map_leaves_in_english():
    course, problems = load_course(FIXTURES / "urdu-course")
    warning = next(m for m in _messages(problems) if "back to English" in m)
    shown_in_courses = [key for key in read_registry() if not key.startswith(AUTHOR_ONLY)]
    assert course.interface and f"{len(shown_in_courses) - len(course.interface)} interface strings" in warning
    assert "quiz.check-my-answers" not in warning and "quiz.try-again" in warning


@pytest.mark.parametrize("name", ["french-course", "persian-course", "english-course"])
def test_a_language_with_a_complete_catalogue_does_not_warn(name):
    course, problems = load_course(FIXTURES / name)
    assert course is not None
    assert not [m for m in _messages(problems) if "back to English" in m]


def test_english_left_in_a_right_to_left_page_is_isolated():
    urdu = translate("ur", "Your answer (a number)")
    assert urdu == f"{LRI}Your answer (a number){PDI}"
    assert translate("fa", "Your answer (a number)") == "پاسخ شما (یک عدد)"  # translated: nothing to isolate
    assert translate("fr", "Your answer (a number)") == "Votre réponse (un nombre)"
    assert translate("ur", ", ") == ", "  # no letters: nothing to isolate


@pytest.mark.parametrize(
    ("language", "labels"),
    [
        ("ar", ["أ", "ب", "ج", "د", "هـ", "و", "ز", "ح", "ط", "ي"]),
        ("fa", ["الف", "ب", "ج", "د", "هـ", "و", "ز", "ح", "ط", "ی"]),
        ("ur", ["الف", "ب", "ج", "د", "ہ", "و", "ز", "ح", "ط", "ی"]),
        ("fr", list("abcdefghij")),
        ("en", list("abcdefghij")),
    ],
)
def test_option_labels_follow_the_script(language, labels):
    assert [display_letter(i, language) for i in range(10)] == labels


def test_scores_are_shown_with_the_languages_decimal_mark():
    assert number(5.5, "fr") == "5,5"
    assert number(5.5, "de-CH") in ("5,5", "5.5")  # CLDR decides; de-CH writes a point
    assert number(5.5, "en") == "5.5"
    assert number(12.345, "fr") == "12,35"


def test_grade_reads_a_french_decimal_comma_as_the_course_language_says(tmp_path):
    from course.commands.grade import run_grade

    answers = tmp_path / "answers.csv"
    answers.write_text("learner;q5\nAmélie;5,5\nBruno;5.5\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    quiz = FIXTURES / "french-course" / "quizzes" / "brulures-quiz.yaml"
    assert run_grade(quiz, answers, out=out, stderr=err) == 0
    rows = [line.split(",") for line in out.getvalue().splitlines()]
    header = rows[0]
    q5 = header.index("q5")
    assert rows[1][0] == "Amélie" and float(rows[1][q5]) == 1  # 5,5 is five and a half in French
    assert float(rows[2][q5]) == 0  # 5.5 is not a French number: unreadable, never silently 55


def test_grade_reads_persian_option_labels(tmp_path):
    from course.commands.grade import run_grade

    quiz = tmp_path / "sukhtegi-quiz.yaml"  # printed in file order, so that the sheet's letters are the file's
    source = (FIXTURES / "persian-course" / "quizzes" / "sukhtegi-quiz.yaml").read_text(encoding="utf-8")
    quiz.write_text(source.replace("versions: ۲\n", ""), encoding="utf-8")
    answers = tmp_path / "answers.csv"
    answers.write_text("learner,version,q1,q2\nسارا,,ب,الف ب\nعلی,الف,الف,ب;الف\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert run_grade(quiz, answers, out=out, stderr=err) == 0, err.getvalue()
    rows = [line.split(",") for line in out.getvalue().splitlines()]
    q1, q2 = rows[0].index("q1"), rows[0].index("q2")
    assert float(rows[1][q1]) == 2 and float(rows[1][q2]) == 1, err.getvalue()
    assert "not a letter" not in err.getvalue()


def test_a_label_colon_follows_french_typography():
    french = environment("fr").from_string("{{ _('Duration') }}{{ colon }} 45").render()
    assert french == "Durée\u00a0: 45"
    assert environment("ar").from_string("{{ _('Duration') }}{{ colon }} 45").render() == "المدة: 45"


def test_changing_interface_rebuilds_the_pages_that_show_the_string(tmp_path):
    from course.build.pipeline import BuildOptions, build_course

    root = _course(tmp_path, "french-course")
    out = tmp_path / "dist"
    build_course(root, BuildOptions(out=out, pdf=False))
    assert "Vérifier mes réponses" in (out / "quizzes" / "brulures-quiz.html").read_text(encoding="utf-8")
    with (root / "course.yaml").open("a", encoding="utf-8") as handle:
        handle.write('interface:\n  quiz.check-my-answers: "Corriger ma copie"\n')
    build_course(root, BuildOptions(out=out, pdf=False))  # an incremental build: the key holds `interface`
    page = (out / "quizzes" / "brulures-quiz.html").read_text(encoding="utf-8")
    assert "Corriger ma copie" in page and "Vérifier mes réponses" not in page
