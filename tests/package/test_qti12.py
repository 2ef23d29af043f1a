"""QTI 1.2 (``<quiz-id>-qti12.zip``): valid, and read by Canvas as the course means it.

Three third-party checks:

- the IMS QTI 1.2.1 DTD (``schemas/qti12/ims_qtiasiv1p2p1.dtd``, from
  instructure/QTIMigrationTool) validates every assessment file; the IMS CP
  1.1 XSD validates the manifest;
- Canvas's own QTI 1.2 -> 2.1 converter (``tools/qti_migration_tool``, the
  program Canvas runs on every QTI 1.2 import) converts every package, and
  the result is read with the rules of Canvas's Ruby importer
  (canvas-lms ``gems/plugins/qti_exporter/lib/qti/*.rb``, cited per rule):
  question type, points, every right answer, numeric ranges, feedback;
- Canvas's scoring of the question types it builds (``canvas_score``) on the
  shared grading vectors and sample responses agrees with the course's
  grading core, or is the documented stricter case (short answers are not
  normalised, numbers in Arabic-Indic digits are not read).
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest
from lxml import etree

from course.model import Course, Question, letter
from course.package import EXPORTERS
from course.package.answers import accepted_answers

from .test_exports import (
    ARABIC_QUIZ,
    ENGLISH,
    STRICTER,
    VECTORS,
    expected,
    load,
    probe_course,
    sample_responses,
    shipped_course,
    vector_cases,
)

HERE = Path(__file__).parent
DTD = HERE / "schemas" / "qti12" / "ims_qtiasiv1p2p1.dtd"
CP_XSD = HERE.parents[1] / "course" / "package" / "scorm_schemas" / "scorm2004" / "imscp_v1p1.xsd"
TOOL = HERE / "tools" / "qti_migration_tool" / "migrate.py"
QTI12 = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
CANVAS_TYPES = {
    "single": "multiple_choice_question",
    "multiple": "multiple_answers_question",
    "true_false": "true_false_question",
    "short": "short_answer_question",
    "numeric": "numerical_question",
    "matching": "matching_question",
    "ordering": "matching_question",
}


@pytest.fixture(scope="module")
def english() -> Course:
    return load(ENGLISH)


@pytest.fixture
def arabic(tmp_path) -> Course:
    """The Arabic quiz of test_exports (every question type, letter variants, feedback) in a small course."""
    root = tmp_path / "arabic-course"
    (root / "modules").mkdir(parents=True)
    (root / "quizzes").mkdir()
    (root / "course.yaml").write_text("title: دورة تجريبية\nlanguage: ar\n", encoding="utf-8")
    (root / "modules" / "asas.md").write_text("---\ntitle: الأساسيات\n---\nنص الوحدة.\n", encoding="utf-8")
    (root / "quizzes" / "arabic-quiz.yaml").write_text(ARABIC_QUIZ, encoding="utf-8")
    return load(root)


def packages(course: Course, out: Path) -> dict[str, Path]:
    return {w.quiz: w.path for w in EXPORTERS["qti12"](course, out)}


def unpack(package: Path, into: Path) -> Path:
    with zipfile.ZipFile(package) as archive:
        archive.extractall(into)
    return into


# == the IMS DTD and CP schema ================================================


def without_namespace(tree: etree._ElementTree) -> etree._Element:
    """The DTD binding of QTI 1.2 predates namespaces: validate the same tree with the namespace taken off."""
    root = etree.fromstring(etree.tostring(tree))
    for node in root.iter():
        if isinstance(node.tag, str):
            node.tag = etree.QName(node).localname
        for name in [n for n in node.attrib if n.startswith("{http://www.w3.org/2001/XMLSchema-instance}")]:
            del node.attrib[name]
    etree.cleanup_namespaces(root)
    return root


def check_valid(package: Path, tmp: Path) -> None:
    folder = unpack(package, tmp / package.stem)
    dtd = etree.DTD(str(DTD))
    manifest = etree.parse(str(folder / "imsmanifest.xml"))
    schema = etree.XMLSchema(etree.parse(str(CP_XSD)))
    assert schema.validate(manifest), schema.error_log
    for resource in manifest.iter("{http://www.imsglobal.org/xsd/imscp_v1p1}resource"):
        assert resource.get("type") == "imsqti_xmlv1p2"
        document = etree.parse(str(folder / resource.get("href")))
        assert document.getroot().tag == f"{QTI12}questestinterop"
        assert dtd.validate(without_namespace(document)), dtd.error_log.filter_from_errors()


def test_every_qti12_package_is_valid_against_the_ims_dtd_and_cp_schema(tmp_path, english, arabic):
    for course in (english, arabic):
        for package in packages(course, tmp_path / course.language).values():
            check_valid(package, tmp_path)


# == what Canvas makes of it ==================================================


def canvas_convert(package: Path, tmp: Path) -> Path:
    """Run Canvas's QTI 1.2 -> 2.1 converter as Canvas runs it (qti_exporter ``Qti.get_conversion_command``)."""
    return run_converter(unpack(package, tmp / "in"), tmp / "out")


def run_converter(source: Path, target: Path) -> Path:
    run = subprocess.run(
        [sys.executable, str(TOOL), "--ucvars", "--nogui", "--overwrite", f"--cpout={target}", str(source)],
        cwd=TOOL.parent,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return target


def local(node) -> str:
    return etree.QName(node).localname


def find_all(node, name: str) -> list:
    return [n for n in node.iter() if isinstance(n.tag, str) and local(n) == name]


def field_value(node, name: str) -> str | None:
    for f in find_all(node, "instructureField"):
        if f.get("name") == name:
            return f.get("value")
    return None


def set_score_positive(condition) -> bool:
    """``get_response_weight``: a condition whose SCORE is set to (or summed with) a positive value marks a right answer."""
    for setter in find_all(condition, "setOutcomeValue"):
        if setter.get("identifier") == "SCORE":
            values = [v for v in find_all(setter, "baseValue") if v.get("baseType") in ("float", "integer")]
            return any(float(v.text) > 0 for v in values)
    return False


def feedback_id(condition) -> str | None:
    """``get_feedback_id``: the identifier a condition adds to FEEDBACK, unless it is general feedback."""
    for setter in find_all(condition, "setOutcomeValue"):
        if setter.get("identifier") == "FEEDBACK":
            for value in find_all(setter, "baseValue"):
                if value.get("baseType") == "identifier":
                    text = value.text.strip()
                    return None if any(w in text.lower() for w in ("general_", "_all", "correct", "wrong")) else text
    return None


def modal_texts(doc) -> dict[str, str]:
    return {m.get("identifier"): "".join(m.itertext()).strip() for m in find_all(doc, "modalFeedback")}


def read_choice(doc, question: dict) -> None:
    """``ChoiceInteraction#process_response_conditions`` for our items."""
    answers = {c.get("identifier"): {"weight": 0, "text": "".join(c.itertext()).strip()} for c in find_all(doc, "simpleChoice")}
    for condition in find_all(doc, "responseCondition"):
        response_if = next(n for n in condition if local(n) == "responseIf")
        test = response_if[0]
        if local(test) == "and" and any(local(n) == "member" for n in test):
            for member in (n for n in test if local(n) == "member"):  # responseIf > and > member
                answers[find_all(member, "baseValue")[0].text.strip()]["weight"] = 100
            continue
        chosen = [v for v in find_all(test, "baseValue") if v.get("baseType") == "identifier"]
        if chosen and chosen[0].text.strip() in answers:
            answer = answers[chosen[0].text.strip()]
            answer["weight"] = 100 if set_score_positive(response_if) else answer["weight"]
            answer.setdefault("feedback_id", feedback_id(response_if))
    texts = modal_texts(doc)
    for answer in answers.values():
        if answer.get("feedback_id") in texts:  # attach_feedback_values
            answer["comments"] = texts[answer["feedback_id"]]
    question["answers"] = answers


def read_text(doc, question: dict) -> None:
    """``ExtendedTextInteraction#process_response_conditions``: every stringMatch is a right answer."""
    question["answers"] = [m.text for s in find_all(doc, "stringMatch") for m in find_all(s, "baseValue") if m.get("baseType") == "string"]


def read_numeric(doc, question: dict) -> None:
    """``NumericInteraction#get_answer_values``: gte/lte make a range answer."""
    gte, lte = find_all(doc, "gte"), find_all(doc, "lte")
    ends = [float(find_all(n, "baseValue")[0].text) for n in (gte[0], lte[0])] if gte and lte else None
    question["answers"] = [{"start": ends[0], "end": ends[1]}] if ends else []


def read_matching(doc, question: dict) -> None:
    """Canvas's matching from one choiceInteraction per prompt: the right choice is the one whose match adds to SCORE."""
    pairs = {}
    for interaction in find_all(doc, "choiceInteraction"):
        pairs[interaction.get("responseIdentifier")] = None
    for condition in find_all(doc, "responseCondition"):
        for match in find_all(condition, "match"):
            variable = find_all(match, "variable")[0].get("identifier")
            if variable in pairs and set_score_positive(condition):
                pairs[variable] = find_all(match, "baseValue")[0].text.strip()
    question["answers"] = pairs


READERS = {
    "multiple_choice_question": read_choice,
    "multiple_answers_question": read_choice,
    "true_false_question": read_choice,
    "short_answer_question": read_text,
    "numerical_question": read_numeric,
    "matching_question": read_matching,
}


def canvas_questions(converted: Path) -> dict[str, dict]:
    """Each item as Canvas's importer reads it: type and metadata from the manifest and item, then answers."""
    manifest = etree.parse(str(converted / "imsmanifest.xml"))
    questions = {}
    for resource in find_all(manifest, "resource"):
        if not (resource.get("type") or "").startswith("imsqti_item"):
            continue
        doc = etree.parse(str(converted / resource.get("href")))
        question_type = field_value(resource, "question_type")
        points = field_value(doc, "points_possible")  # parse_instructure_metadata
        question = {
            "type": question_type,
            "points": max(float(points), 0.0) if points is not None else 1.0,  # DEFAULT_POINTS_POSSIBLE
            "neutral_comments": modal_texts(doc).get("general_fb"),  # get_feedback: /general_|_all/
            "text": "".join(find_all(doc, "itemBody")[0].itertext()),
        }
        if question_type is None:  # a Common Cartridge item: routed by its interaction (create_instructure_question)
            interaction = "".join(find_all(resource, "interactionType")[0].itertext()).strip()
            question_type = "short_answer_question" if interaction == "extendedTextInteraction" else "choice"
        if question_type == "choice":  # ChoiceInteraction#set_question_type: one right answer or several
            read_choice(doc, question)
            right = sum(a["weight"] == 100 for a in question["answers"].values())
            question_type = "multiple_choice_question" if right == 1 else "multiple_answers_question"
        else:
            READERS[question_type](doc, question)
        question["type"] = question_type
        questions[resource.get("identifier")] = question
    return questions


def plain_text(html: str) -> str:
    return " ".join(etree.fromstring(f"<x>{html}</x>", etree.HTMLParser()).xpath("string()").split()) if html else ""


def test_canvas_reads_points_answers_ranges_and_feedback_of_every_question(tmp_path, english, arabic):
    for course in (english, arabic):
        for quiz in course.quizzes:
            read = canvas_questions(canvas_convert(packages(course, tmp_path / course.language)[quiz.id], tmp_path / quiz.id))
            assert len(read) == len(quiz.questions)
            for q in quiz.questions:
                got = read[f"{quiz.id}-{q.id}"]
                assert got["type"] == CANVAS_TYPES[q.type], q.id
                assert got["points"] == q.points, q.id
                if q.explanation:
                    assert got["neutral_comments"], q.id
                if q.type in ("single", "multiple"):
                    right = {letter(i) for i, o in enumerate(q.options) if o.correct}
                    assert {k for k, a in got["answers"].items() if a["weight"] == 100} == right, q.id
                    for i, option in enumerate(q.options):
                        if option.feedback:
                            assert got["answers"][letter(i)].get("comments"), (q.id, letter(i))
                if q.type == "short":
                    assert got["answers"] == accepted_answers(q)
                if q.type == "numeric":
                    t = Decimal(repr(float(q.tolerance or 0)))
                    a = Decimal(repr(float(q.answer)))
                    assert got["answers"] == [{"start": float(a - t), "end": float(a + t)}]


def test_arabic_questions_reach_canvas_right_to_left_with_every_spelling(tmp_path, arabic):
    quiz = arabic.quizzes[0]
    read = canvas_questions(canvas_convert(packages(arabic, tmp_path)[quiz.id], tmp_path / "c"))
    assert all('dir="rtl"' in q["text"] for q in read.values())
    assert read[f"{quiz.id}-q4"]["answers"] == ["الإقرار الجمركي", "الاقرار الجمركي", "الإقرار", "الاقرار"]


# == Canvas's scoring on the shared vectors ===================================


def canvas_number(response) -> Decimal | None:
    """Canvas reads a numerical answer with Ruby's BigDecimal/Float of the typed text: Western digits only."""
    try:
        return Decimal(str(response).strip())
    except InvalidOperation:
        return None


def canvas_score(question: Question, read: dict, response) -> float | None:
    """The score Canvas Classic gives, by the rules of its question types (canvas-lms
    ``app/models/quizzes/quiz_question/*_question.rb``): multiple choice all or nothing; multiple
    answers +1/K per right and -1/K per wrong option chosen, floored at 0; short answer equal to an
    answer after strip and downcase; numerical inside a range, ends included; matching points/n per
    right pair."""
    kind, answers, points = read["type"], read["answers"], read["points"]
    if response in (None, "", []):
        return 0.0
    if kind in ("multiple_choice_question", "true_false_question"):
        if isinstance(response, list):  # a multiple question with one right option: Canvas shows radio buttons
            if len(response) != 1:
                return None  # a response Canvas's page cannot give
            response = response[0]
        chosen = ("true" if response else "false") if question.type == "true_false" else response
        return points if answers.get(chosen, {}).get("weight") == 100 else 0.0
    if kind == "multiple_answers_question":
        right = {k for k, a in answers.items() if a["weight"] == 100}
        hits, misses = len(right & set(response)), len(set(response) - right)
        return points * max(0.0, (hits - misses) / len(right))
    if kind == "short_answer_question":
        return points if str(response).strip().lower() in {a.strip().lower() for a in answers} else 0.0
    if kind == "numerical_question":
        value = canvas_number(response)
        return points if value is not None and any(a["start"] <= value <= a["end"] for a in answers) else 0.0
    if kind == "matching_question":
        prompts = list(answers)
        given = list(response) + [None] * (len(prompts) - len(response))
        return points * sum(answers[p] == g for p, g in zip(prompts, given, strict=False)) / len(prompts)
    raise AssertionError(kind)


@pytest.mark.skipif(not VECTORS.is_dir(), reason="tests/vectors is not there")
def test_canvas_scores_the_shared_vectors_like_the_core_or_documented_stricter(tmp_path):
    cases = vector_cases()
    questions = [Question.from_dict({"prompt": "", **case["question"], "id": f"v{n}"}) for n, case in enumerate(cases)]
    course = probe_course(tmp_path, questions)
    read = canvas_questions(canvas_convert(packages(course, tmp_path / "out")["probe"], tmp_path / "c"))
    differ = []
    for n, case in enumerate(cases):
        got = canvas_score(questions[n], read[f"probe-v{n}"], case["response"])
        if got is not None and got != pytest.approx(case["points"], abs=1e-6):
            differ.append((case["question"]["type"], case["name"], got, case["points"]))
    unexpected = [d for d in differ if d[0] not in STRICTER or d[2] > d[3]]
    assert not unexpected, unexpected
    assert {d[0] for d in differ} <= STRICTER


def test_canvas_scores_every_sample_response_of_the_fixture_and_arabic_quizzes_like_the_core(tmp_path, english, arabic):
    for course in (english, arabic):
        for quiz in course.quizzes:
            read = canvas_questions(canvas_convert(packages(course, tmp_path / course.language)[quiz.id], tmp_path / quiz.id))
            for q in quiz.questions:
                for response in sample_responses(q):
                    if q.type == "numeric" and isinstance(response, float) and response != q.answer:
                        continue  # a float edge (a +- t) is typed as its shortest text; checked by the vectors
                    got, want = canvas_score(q, read[f"{quiz.id}-{q.id}"], response), expected(q, response)
                    assert got == pytest.approx(want, abs=1e-9) or (q.type in STRICTER and got < want), (quiz.id, q.id, response)


@pytest.mark.skipif(not list((HERE.parents[1] / "quizzes").glob("*.yaml")), reason="no shipped quizzes")
def test_every_shipped_quiz_converts_in_canvas_with_its_points(tmp_path):
    course = shipped_course()
    for quiz, package in zip(course.quizzes, packages(course, tmp_path / "out").values(), strict=True):
        check_valid(package, tmp_path)
        read = canvas_questions(canvas_convert(package, tmp_path / quiz.id))
        assert [read[f"{quiz.id}-{q.id}"]["points"] for q in quiz.questions] == [q.points for q in quiz.questions]


# == Canvas on the QTI 2.1 package ============================================


def test_canvas_makes_a_quiz_of_the_arabic_qti2_package_with_every_questions_points(tmp_path, arabic):
    """qti_exporter ``Qti.convert_assessments`` takes only ``imsqti_test_xmlv2p1`` resources (a 2.2 test was
    never a quiz); ``AssessmentTestConverter#process_question`` reads points only from ``assessmentItemRef/weight``;
    ``get_feedback`` keeps modal feedback named ``general_…`` as the question's general feedback; an option's
    feedback is attached when a condition on that option adds its identifier to FEEDBACK."""
    package = EXPORTERS["qti"](arabic, tmp_path)[0].path
    with zipfile.ZipFile(package) as archive:
        manifest = etree.fromstring(archive.read("imsmanifest.xml"))
        tests = [r for r in find_all(manifest, "resource") if r.get("type") == "imsqti_test_xmlv2p1"]
        assert len(tests) == 1
        test = etree.fromstring(archive.read(tests[0].get("href")))
        weights = {ref.get("identifier"): float(find_all(ref, "weight")[0].get("value")) for ref in find_all(test, "assessmentItemRef")}
        # process_section: a visible section's title becomes an extra text-only question
        assert all(section.get("visible") == "false" for section in find_all(test, "assessmentSection"))
        quiz = arabic.quizzes[0]
        assert weights == {f"item-{quiz.id}-{q.id}": q.points for q in quiz.questions}
        for q in quiz.questions:
            item = etree.fromstring(archive.read(f"items/{q.id}.xml"))
            modals = {m.get("identifier") for m in find_all(item, "modalFeedback")}
            assert ("general_fb" in modals) == bool(q.explanation)
            if q.type in ("single", "multiple"):  # ChoiceInteraction: get_feedback_id + attach_feedback_values
                read: dict = {}
                read_choice(item, read)
                for i, option in enumerate(q.options):
                    assert bool(read["answers"][letter(i)].get("comments")) == bool(option.feedback), (q.id, letter(i))
