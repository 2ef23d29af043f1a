"""The linter behind ``check``: each rule with a case that fires (at the right line) and one that does not."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from course.build.pipeline import check_course
from course.cli import main
from course.lint import RULES, LintSettings, lint_course
from course.lint.bidi import starts_left_to_right
from course.lint.blocks import units
from course.problems import WARNING

REPO = Path(__file__).resolve().parents[2]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def found(root: Path, rule_id: str, settings: LintSettings | None = None) -> list[str]:
    """``PATH:LINE: message`` of each problem ``rule_id`` reports on the course at ``root``."""
    course, problems = check_course(root)
    assert course is not None, "\n".join(map(str, problems))
    return [str(p) for p in lint_course(course, settings) if p.message.endswith(f"[{rule_id}]")]


def test_the_english_fixture_is_clean(english_copy):
    course, _ = check_course(english_copy)
    assert lint_course(course) == []


def test_every_rule_is_registered_with_an_id_a_description_and_a_severity():
    assert set(RULES) >= {
        "unused-term",
        "module-without-quiz",
        "objective-not-assessed",
        "objective-unknown",
        "duplicate-question",
        "long-prompt",
        "giveaway-option",
        "quote-not-found",
        "source-unchecked",
        "placeholder",
        "bidi-start",
        "deprecated-term",
    }
    for rule_id, rule in RULES.items():
        assert rule.id == rule_id and rule.description and rule.severity == WARNING


def test_the_author_guide_lists_every_rule():
    guide = (REPO / "docs" / "authoring.md").read_text(encoding="utf-8")
    missing = [rule_id for rule_id in RULES if f"`{rule_id}`" not in guide]
    assert not missing, f"docs/authoring.md does not describe {missing}"


# --- glossary ------------------------------------------------------------------


def test_a_glossary_term_no_module_uses(english_copy):
    _append(english_copy / "glossary.yaml", "- term: Bill of lading\n  definition: A receipt for cargo.\n")
    assert found(english_copy, "unused-term") == [
        "glossary.yaml:6: warning: the term `Bill of lading` is used in no module: use it, or drop it from the glossary [unused-term]"
    ]


def test_a_term_is_used_through_its_abbreviation_standing_as_a_word(english_copy):
    _append(english_copy / "glossary.yaml", "- term: Bill of lading\n  abbreviation: BL\n  definition: A receipt for cargo.\n")
    _edit(english_copy / "modules/risk-profiling.md", "An unusual route.", "An unusual route on the BLUE line.")
    assert len(found(english_copy, "unused-term")) == 1, "BL inside BLUE is not a use"
    _edit(english_copy / "modules/risk-profiling.md", "An unusual route", "A BL for an unusual route")
    assert found(english_copy, "unused-term") == []


def test_arabic_terms_are_found_through_spelling_variants(tmp_path):
    root = _rtl_course(tmp_path, "## مقدمة\n\nتتلقى وحدة معلومات المسافرين البيانات.\n")
    _append(root / "glossary.yaml", "- term: وحدة معلومات المسافرين\n  definition: جهة تتلقى البيانات.\n")
    _append(root / "glossary.yaml", "- term: الحمايه\n  definition: كلمة بتاء مربوطة مكتوبة هاءً.\n")
    _edit(root / "modules/intro.md", "البيانات.", "البيانات مع الحماية.")
    assert found(root, "unused-term") == []


def _deprecate(root: Path, forms: str) -> None:
    _edit(root / "glossary.yaml", "  abbreviation: RA\n", f"  abbreviation: RA\n  deprecated: {forms}\n")


def test_a_deprecated_form_is_reported_where_it_is_used(english_copy):
    _deprecate(english_copy, "[Risk assessment, risk scoring]")
    _edit(english_copy / "modules/risk-profiling.md", "- An unusual route.", "- An unusual route (a risk assessment flag).")
    _edit(
        english_copy / "quizzes/risk-profiling-quiz.yaml",
        "explanation: A new importer has no compliance history.",
        "explanation: In risk scoring, a new importer has no history.",
    )
    _append(english_copy / "glossary.yaml", "- term: Profile\n  definition: A set of indicators used in risk assessment.\n")
    (english_copy / "trainer").mkdir()
    (english_copy / "trainer/risk-profiling.md").write_text("# Plan\n\nTen minutes.\n\nRisk Assessment first.\n", encoding="utf-8")
    advice = "is deprecated: write «Risk analysis» (docs/terminology.md) [deprecated-term]"
    assert found(english_copy, "deprecated-term") == [
        f"glossary.yaml:8: warning: «Risk assessment» {advice}",
        f"modules/risk-profiling.md:21: warning: «Risk assessment» {advice}",
        f"quizzes/risk-profiling-quiz.yaml:9: warning: «risk scoring» {advice}",
        f"trainer/risk-profiling.md:5: warning: «Risk assessment» {advice}",
    ]


def test_quotations_sources_and_the_deprecated_list_itself_are_not_reported(english_copy):
    _deprecate(english_copy, "\n    - Risk assessment\n    - المرفق 9")
    _edit(
        english_copy / "modules/risk-profiling.md",
        "- An unusual route.",
        '- An unusual route ("a risk assessment flag", as the manual says); المرفق 90.',
    )
    _edit(
        english_copy / "quizzes/risk-profiling-quiz.yaml",
        "    explanation: A new importer has no compliance history.\n",
        "    explanation: A new importer has no compliance history.\n"
        "    source:\n      document: Risk assessment manual\n      quote: Risk assessment comes first\n",
    )
    assert found(english_copy, "deprecated-term") == []


def test_a_deprecated_arabic_form_is_found_with_prefixes_and_spelling_folded(english_copy):
    _deprecate(english_copy, "[سجل بيانات المسافر]")
    _edit(english_copy / "modules/risk-profiling.md", "- An unusual route.", "- An unusual route وبسجلّ بيانات المسافرين.")
    assert [line.split(": warning")[0] for line in found(english_copy, "deprecated-term")] == ["modules/risk-profiling.md:21"]


# --- coverage ------------------------------------------------------------------


def test_a_module_without_a_quiz(english_copy):
    (english_copy / "quizzes/risk-profiling-quiz.yaml").unlink()
    assert found(english_copy, "module-without-quiz") == [
        "modules/risk-profiling.md:1: warning: module `risk-profiling` has no quiz: "
        "add quizzes/risk-profiling-quiz.yaml with `module: risk-profiling` [module-without-quiz]"
    ]


def test_an_objective_no_question_assesses(english_copy):
    quiz = english_copy / "quizzes/customs-basics-quiz.yaml"
    _edit(quiz, "  - id: q1\n    type: single\n", "  - id: q1\n    type: single\n    objective: 1\n")
    assert found(english_copy, "objective-not-assessed") == [
        "modules/customs-basics.md:6: warning: objective 2 is assessed by no question: "
        "add a question with `objective: 2` [objective-not-assessed]"
    ]
    _edit(quiz, "  - id: q3\n    type: true_false\n", "  - id: q3\n    type: true_false\n    objective: 2\n")
    assert found(english_copy, "objective-not-assessed") == []


def test_modules_whose_questions_name_no_objective_are_not_held_to_it(english_copy):
    assert found(english_copy, "objective-not-assessed") == []


def test_a_question_naming_an_objective_the_module_does_not_have(english_copy):
    _edit(
        english_copy / "quizzes/customs-basics-quiz.yaml",
        "  - id: q1\n    type: single\n",
        "  - id: q1\n    type: single\n    objective: 3\n",
    )
    assert found(english_copy, "objective-unknown") == [
        "quizzes/customs-basics-quiz.yaml:6: warning: question `q1` names objective 3, "
        "but module `customs-basics` has 2 [objective-unknown]"
    ]


# --- questions -----------------------------------------------------------------


def test_the_same_question_in_two_quizzes(english_copy):
    _edit(
        english_copy / "quizzes/risk-profiling-quiz.yaml",
        "prompt: Which indicator raises risk most for a new importer?",
        "prompt: '**Who** files the  list of EVERYTHING a vessel carries'",
    )
    assert found(english_copy, "duplicate-question") == [
        "quizzes/risk-profiling-quiz.yaml:6: warning: question `r1` asks the same as question `q1` "
        "(quizzes/customs-basics-quiz.yaml:6) [duplicate-question]"
    ]


def test_matching_questions_sharing_an_instruction_are_not_duplicates(english_copy):
    other = (
        "  - id: r3\n    type: matching\n    prompt: Match each document to who files it.\n"
        "    prompts: [Certificate of origin, Manifest]\n    choices: [Exporter, Carrier]\n    answer: [a, b]\n"
    )
    _append(english_copy / "quizzes/risk-profiling-quiz.yaml", other)
    assert found(english_copy, "duplicate-question") == []
    _edit(
        english_copy / "quizzes/risk-profiling-quiz.yaml", "prompts: [Certificate of origin, Manifest]", "prompts: [Manifest, Declaration]"
    )
    assert len(found(english_copy, "duplicate-question")) == 1


def test_a_prompt_over_400_characters(english_copy):
    quiz = english_copy / "quizzes/customs-basics-quiz.yaml"
    start = "Who files the list of everything a vessel carries? "
    padding = "x" * (400 - len(start))
    _edit(quiz, "prompt: Who files the list of everything a vessel carries?", f"prompt: {start}{padding}")
    assert found(english_copy, "long-prompt") == []
    _edit(quiz, padding, padding + "y")
    assert found(english_copy, "long-prompt") == [
        "quizzes/customs-basics-quiz.yaml:6: warning: the prompt of `q1` is 401 characters long (over 400): "
        "move the context into the module or split the question [long-prompt]"
    ]


def test_a_correct_option_that_gives_itself_away_by_its_length(english_copy):
    quiz = english_copy / "quizzes/customs-basics-quiz.yaml"
    _edit(quiz, "- text: The carrier\n", "- text: The carrier that brought the goods, as the law requires\n")
    assert found(english_copy, "giveaway-option") == [
        "quizzes/customs-basics-quiz.yaml:11: warning: option a of `q1`, the correct one, is far longer than the others: "
        "a test-wise learner picks it unread; even out the lengths [giveaway-option]"
    ]
    _edit(quiz, "- text: The port authority\n", "- text: The port authority, which runs the quay and its cranes\n")
    assert found(english_copy, "giveaway-option") == [], "a distractor as long as the answer hides it"


def test_only_single_questions_are_held_to_option_lengths(english_copy):
    _edit(
        english_copy / "quizzes/customs-basics-quiz.yaml",
        "- text: The cargo manifest\n",
        "- text: The cargo manifest, listing everything the vessel carries on this voyage\n",
    )
    assert found(english_copy, "giveaway-option") == []


# --- sources -------------------------------------------------------------------

QUOTED = """    source:
      document: {document}
      quote: {quote}
"""


def _quote(root: Path, document: str, quote: str) -> None:
    _edit(
        root / "quizzes/customs-basics-quiz.yaml",
        "    explanation: The carrier lists everything it carries.\n",
        "    explanation: The carrier lists everything it carries.\n" + QUOTED.format(document=document, quote=quote),
    )


def test_a_quote_found_in_its_document_in_the_sources_folder(english_copy):
    (english_copy / "sources").mkdir()
    (english_copy / "sources/handbook.txt").write_text(
        "Chapter 1.\nThe carrier files the\ncargo manifest before arrival.\n", encoding="utf-8"
    )
    _quote(english_copy, "handbook.txt", "The carrier files the cargo manifest")
    assert found(english_copy, "quote-not-found") == [] and found(english_copy, "source-unchecked") == []


def test_a_quote_that_is_not_in_its_document(english_copy):
    (english_copy / "handbook.md").write_text("The carrier files the manifest.\n", encoding="utf-8")
    _quote(english_copy, "handbook.md", "The importer files the manifest")
    assert found(english_copy, "quote-not-found") == [
        "quizzes/customs-basics-quiz.yaml:12: warning: the quote of `q1` is not in `handbook.md`: quote it word for word [quote-not-found]"
    ]


def test_sources_option_adds_a_folder(english_copy, tmp_path):
    elsewhere = tmp_path / "library"
    elsewhere.mkdir()
    (elsewhere / "handbook.txt").write_text("The carrier files the manifest.\n", encoding="utf-8")
    _quote(english_copy, "handbook.txt", "The importer files the manifest")
    assert found(english_copy, "quote-not-found") == []
    assert len(found(english_copy, "source-unchecked")) == 1
    settings = LintSettings(source_dirs=(elsewhere,))
    assert len(found(english_copy, "quote-not-found", settings)) == 1
    assert found(english_copy, "source-unchecked", settings) == []


def test_a_file_name_that_cannot_be_found_is_reported_a_citation_is_not(english_copy):
    _quote(english_copy, "missing.pdf", "The carrier files the manifest")
    assert found(english_copy, "source-unchecked") == [
        "quizzes/customs-basics-quiz.yaml:12: warning: cannot check the quote of `q1`: `missing.pdf` is not in the course root, "
        "sources/, ../shared/seeds/ (add --sources DIR) [source-unchecked]"
    ]
    _edit(english_copy / "quizzes/customs-basics-quiz.yaml", "document: missing.pdf", "document: Example Customs Handbook, 2nd edition")
    assert found(english_copy, "source-unchecked") == []


def test_the_shipped_quotes_are_in_the_seed_documents(shared_dir):
    assert found(REPO, "quote-not-found") == []
    assert found(REPO, "source-unchecked") == []


# --- placeholders --------------------------------------------------------------


def test_todo_left_in_a_module_or_a_question(english_copy):
    _edit(english_copy / "modules/risk-profiling.md", "- A new importer with no history.", "- TODO: one more indicator.")
    _edit(english_copy / "quizzes/risk-profiling-quiz.yaml", "feedback: Brands are not", "feedback: TODO Brands are not")
    assert found(english_copy, "placeholder") == [
        "modules/risk-profiling.md:22: warning: placeholder text (TODO) left in the module [placeholder]",
        "quizzes/risk-profiling-quiz.yaml:6: warning: question `r1` still has placeholder text (TODO): "
        "write the real question [placeholder]",
    ]


# --- bidi ----------------------------------------------------------------------

RTL_COURSE = "title: دورة\nlanguage: ar\nmodules:\n  - intro\n"
RTL_QUIZ = """id: intro-quiz
module: intro
title: اختبار
questions:
  - id: q1
    type: true_false
    prompt: {prompt}
    answer: true
"""


def _rtl_course(tmp_path: Path, body: str, prompt: str = "سؤال") -> Path:
    root = tmp_path / "rtl"
    (root / "modules").mkdir(parents=True)
    (root / "quizzes").mkdir()
    (root / "course.yaml").write_text(RTL_COURSE, encoding="utf-8")
    (root / "glossary.yaml").write_text("", encoding="utf-8")
    (root / "modules/intro.md").write_text(f"---\ntitle: مقدمة\n---\n\n{body}", encoding="utf-8")
    (root / "quizzes/intro-quiz.yaml").write_text(RTL_QUIZ.format(prompt=prompt), encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("API تحمل بيانات وثيقة السفر", "API"),
        ("ICAO Doc 9303، وثائق السفر المقروءة آلياً", "ICAO"),
        ("2017 ETIAS نظام أوروبي", "ETIAS"),
        ("(iAPI) صيغة تفاعلية", "iAPI)"),
        ("المعلومات المسبقة عن المسافرين (API)", None),
        ("تُرسل برسالة PAXLST بصيغة UN/EDIFACT.", None),
        ("23 تشرين الأول/أكتوبر 2017", None),
        ("PNRGOV", None),
        ("Customs officers protect revenue.", None),
        ("\u200fAPI تحمل بيانات", None),
        ("\u2068API\u2069 تحمل بيانات", None),
        ("\u2066ICAO Doc 9303\u2069، وثائق السفر", None),
        ("", None),
    ],
)
def test_which_texts_start_left_to_right(text, word):
    assert starts_left_to_right(text) == word


def test_markdown_units_and_their_lines():
    body = (
        "## ETIAS والنظام\n\nفقرة أولى\nتستمر هنا\n\n- API بند\n  يستمر\n- بند ثان\n\n| PNR | سجل |\n| --- | --- |\n| نص | PKD بيانات |\n\n"
        '```\nAPI داخل الشيفرة\n```\n\n!!! note "API عنوان"\n    نص التنبيه\n\n> PNR في اقتباس\n> يستمر\n\n'
        "[رابط](other.md) ثم نص\n\n*[API]: Advance Passenger Information\n"
    )
    got = [(u.line, u.text) for u in units(body, first_line=10)]
    assert got == [
        (10, "ETIAS والنظام"),
        (12, "فقرة أولى تستمر هنا"),
        (15, "API بند يستمر"),
        (17, "بند ثان"),
        (19, "PNR"),
        (19, "سجل"),
        (21, "نص"),
        (21, "PKD بيانات"),
        (27, "API عنوان"),
        (28, "نص التنبيه"),
        (30, "PNR في اقتباس يستمر"),
        (33, "رابط ثم نص"),
    ]


def test_an_arabic_paragraph_that_starts_with_latin(tmp_path):
    body = (
        "المعلومات المسبقة عن المسافرين (API) بيانات من وثيقة السفر.\n\n"
        "- API بيانات وثيقة السفر برسالة PAXLST.\n"
        "- \u200fPNR بيانات الحجز.\n\n"
        "## ETIAS والتصريح المسبق\n\n"
        "[ETIAS](https://example.org) نظام أوروبي.\n"
    )
    root = _rtl_course(tmp_path, body, prompt="iAPI صيغة تفاعلية؟")
    lines = [p.split(" warning:")[0] for p in found(root, "bidi-start")]
    assert lines == ["modules/intro.md:7:", "modules/intro.md:10:", "modules/intro.md:12:", "quizzes/intro-quiz.yaml:7:"]


def test_left_to_right_courses_are_not_checked_for_direction(english_copy):
    _append(english_copy / "modules/risk-profiling.md", "\nAPI تحمل بيانات\n")
    assert found(english_copy, "bidi-start") == []


def test_the_shipped_prose_with_latin_abbreviations_inside_is_not_flagged():
    flagged = {p.split(": warning")[0] for p in found(REPO, "bidi-start")}
    course, _ = check_course(REPO)
    for module in course.modules:
        for unit in units(module.body_markdown, module.body_line):
            if "(API)" in unit.text and not unit.text.startswith("API"):
                assert f"modules/{module.id}.md:{unit.line}" not in flagged


# --- check: hook, JSON, strict ---------------------------------------------------


def test_check_reports_lint_warnings_and_strict_makes_them_fail(english_copy, capsys):
    (english_copy / "quizzes/risk-profiling-quiz.yaml").unlink()
    assert main(["check", "--course", str(english_copy)]) == 0
    err = capsys.readouterr().err
    assert "modules/risk-profiling.md:1: warning: module `risk-profiling` has no quiz" in err
    assert "0 error(s), 1 warning(s)" in err
    assert main(["check", "--course", str(english_copy), "--strict"]) == 1


def test_check_json_lists_every_problem_on_stdout(english_copy, capsys):
    (english_copy / "quizzes/risk-profiling-quiz.yaml").unlink()
    _append(english_copy / "glossary.yaml", "- term: Bill of lading\n  definition: A receipt for cargo.\n")
    assert main(["check", "--course", str(english_copy), "--format", "json"]) == 0
    out, err = capsys.readouterr()
    rows = json.loads(out)
    assert err == ""
    assert [set(row) for row in rows] == [{"path", "line", "severity", "message"}] * 2
    assert {(r["path"], r["line"], r["severity"]) for r in rows} == {
        ("glossary.yaml", 6, "warning"),
        ("modules/risk-profiling.md", 1, "warning"),
    }
    assert main(["check", "--course", str(english_copy), "--format", "json", "--strict"]) == 1


def test_check_json_carries_load_errors_too(english_copy, capsys):
    _edit(english_copy / "modules/risk-profiling.md", "customs-basics.md#the-three-first-documents", "ghost.md")
    assert main(["check", "--course", str(english_copy), "--format", "json"]) == 1
    rows = json.loads(capsys.readouterr().out)
    assert [(r["path"], r["line"], r["severity"]) for r in rows] == [("modules/risk-profiling.md", 25, "error")]
    assert "names no module" in rows[0]["message"]


def test_structural_link_and_image_problems_are_reported_once(english_copy, capsys):
    _edit(english_copy / "modules/customs-basics.md", "![A container terminal seen from the quay]", "![]")
    assert main(["check", "--course", str(english_copy)]) == 0
    err = capsys.readouterr().err
    assert err.count("has no alt text") == 1


def test_lint_does_not_run_on_a_course_with_errors(english_copy, capsys):
    (english_copy / "quizzes/risk-profiling-quiz.yaml").unlink()
    _edit(english_copy / "modules/customs-basics.md", "duration_minutes: 30", "duration_minutes: soon")
    assert main(["check", "--course", str(english_copy)]) == 1
    err = capsys.readouterr().err
    assert "must be a whole number" in err and "[module-without-quiz]" not in err


def test_the_shipped_course_has_no_errors(capsys):
    assert main(["check", "--course", str(REPO)]) == 0
    assert " 0 error(s)" in capsys.readouterr().err


def test_a_copy_without_its_seeds_reports_quotes_as_unchecked(tmp_path):
    root = tmp_path / "shipped"
    root.mkdir()
    for name in ("course.yaml", "glossary.yaml", "modules", "quizzes"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, root / name)
    assert found(root, "source-unchecked"), "quotes from seed files that cannot be found are reported"
