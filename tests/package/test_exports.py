"""LMS quiz exports (QTI, Moodle XML, GIFT): read back, checked, and graded like the core.

No registry we can reach ships the IMS QTI 2.1/2.2 XSDs (PyPI, npm and Debian
were searched), so QTI is held to golden files plus structural checks of the
QTI content model. Every export is read back (lxml for XML, a small parser
for GIFT that follows Moodle's importer) and the questions, right answers and
points compared with the model; each format's scoring (QTI response
processing, Moodle's grading of its question types) is run on the shared
vectors and on every subset of options, against ``course.grading.rules``.

Regenerate the golden files after an intended change with:

    UPDATE_GOLDEN=1 python -m pytest tests/package/test_exports.py -k golden
"""

from __future__ import annotations

import itertools
import json
import os
import re
import zipfile
from pathlib import Path

import lxml.html
import pytest
import yaml
from lxml import etree

from course.grading.rules import grade_question
from course.load import load_course
from course.load.quizzes import load_quiz_file
from course.model import Course, Option, Question, Quiz, letter, letter_index
from course.package import EXPORTERS, Written, export_all, exporter
from course.package.markup import block_html, inline_html, number, plain
from course.package.moodle import FRACTIONS
from course.package.qti_content import TAGS

REPO = Path(__file__).resolve().parents[2]
ENGLISH = REPO / "tests" / "fixtures" / "english-course"
GOLDEN = REPO / "tests" / "golden" / "lms"
VECTORS = REPO / "tests" / "vectors"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
QTI21 = "http://www.imsglobal.org/xsd/imsqti_v2p1"
QTI22 = "http://www.imsglobal.org/xsd/imsqti_v2p2"
CP = "http://www.imsglobal.org/xsd/imscp_v1p1"
NCNAME = re.compile(r"^[A-Za-z_][\w.-]*$")


# == courses ==================================================================


def load(root: Path) -> Course:
    course, problems = load_course(root)
    assert course is not None, "\n".join(map(str, problems))
    return course


@pytest.fixture(scope="module")
def english() -> Course:
    return load(ENGLISH)


ARABIC_QUIZ = """\
id: arabic-quiz
module: asas
title: "اختبار: الأساسيات"
shuffle: true
questions:
  - id: q1
    type: single
    prompt: من يقدّم **بيان الحمولة**؟
    explanation: الناقل يقدّم البيان.
    options:
      - {text: الناقل, correct: true}
      - {text: المستورد, feedback: المستورد يقدّم الإقرار الجمركي.}
  - id: q2
    type: multiple
    points: 3
    prompt: أيّ هذه وثائق جمركية؟
    options:
      - {text: بيان الحمولة, correct: true}
      - {text: الإقرار الجمركي, correct: true}
      - {text: شهادة المنشأ, correct: true}
      - {text: قائمة المشتريات, feedback: ليست وثيقة جمركية.}
  - id: q3
    type: true_false
    prompt: تُقارن الإقرارات ببيانات الحمولة.
    answer: true
  - id: q4
    type: short
    prompt: ما اسم الوثيقة التي يقدّمها المستورد؟
    answers: [الإقرار الجمركي, الإقرار]
  - id: q5
    type: numeric
    prompt: كم عدد الوثائق الأولى؟
    answer: 3
    tolerance: 0.5
  - id: q6
    type: matching
    prompt: صِل كل وثيقة بمن يقدّمها.
    prompts: [بيان الحمولة, الإقرار الجمركي]
    choices: [الناقل, المستورد, الوسيط]
    answer: [a, b]
  - id: q7
    type: ordering
    prompt: رتّب خطوات تحليل المخاطر.
    items: [تحليل البيانات, جمع البيانات, اتخاذ الإجراء]
    answer: [b, a, c]
"""


@pytest.fixture
def arabic(tmp_path) -> Course:
    root = tmp_path / "arabic-course"
    (root / "modules").mkdir(parents=True)
    (root / "quizzes").mkdir()
    (root / "course.yaml").write_text("title: دورة تجريبية\nlanguage: ar\n", encoding="utf-8")
    (root / "modules" / "asas.md").write_text("---\ntitle: الأساسيات\n---\nنص الوحدة.\n", encoding="utf-8")
    (root / "quizzes" / "arabic-quiz.yaml").write_text(ARABIC_QUIZ, encoding="utf-8")
    return load(root)


def probe_course(root: Path, questions: list[Question], language: str = "en") -> Course:
    quiz = Quiz(id="probe", module="m", title="Probe", questions=questions, pass_mark=70)
    return Course(root=root, title="Probe", language=language, quizzes=[quiz])


def export(course: Course, out: Path, kind: str) -> Path:
    """Export a course and return the file of its first quiz."""
    return EXPORTERS[kind](course, out)[0].path


SUFFIXES = {"qti": "-qti.zip", "moodle-xml": ".moodle.xml", "gift": ".gift"}


def exported(course: Course, out: Path, kind: str) -> dict[str, Path]:
    """Export a course; the file of each quiz by quiz id."""
    EXPORTERS[kind](course, out)
    return {quiz.id: out / "lms" / f"{quiz.id}{SUFFIXES[kind]}" for quiz in course.quizzes}


# == reading QTI back =========================================================


class QtiItem:
    """One assessmentItem, read back: its question and a scorer for its response processing."""

    def __init__(self, data: bytes):
        self.root = etree.fromstring(data)
        self.ns = etree.QName(self.root).namespace
        self.declaration = self.find("responseDeclaration")

    def find(self, path: str, node=None):
        """The first element at ``path`` (tag names, ``/``-separated) below ``node``."""
        return (self.root if node is None else node).find(self._qualify(path))

    def findall(self, path: str, node=None):
        return (self.root if node is None else node).findall(self._qualify(path))

    def _qualify(self, path: str) -> str:
        return ".//" + "/".join(f"{{{self.ns}}}{part}" for part in path.split("/"))

    @property
    def points(self) -> float:
        maximum = next(d for d in self.findall("outcomeDeclaration") if d.get("identifier") == "MAXSCORE")
        return float(self.find("value", maximum).text)

    def correct(self):
        values = [v.text for v in self.findall("correctResponse/value", self.declaration)]
        return typed(self.declaration, values)

    def mapping(self) -> dict[str, float]:
        return {e.get("mapKey"): float(e.get("mappedValue")) for e in self.findall("mapEntry", self.declaration)}

    def score(self, response) -> float:
        env = {"RESPONSE": response, "SCORE": 0.0}
        for rule in self.find("responseProcessing"):
            run_rule(rule, env, self)
        return env["SCORE"]


def typed(declaration, values: list[str]):
    base, cardinality = declaration.get("baseType"), declaration.get("cardinality")
    values = [float(v) if base == "float" else v for v in values]
    if cardinality == "single":
        return values[0] if values else None
    return tuple(values) if cardinality == "ordered" else frozenset(values)


def local(node) -> str:
    return etree.QName(node).localname


def run_rule(rule, env: dict, item: QtiItem) -> None:
    if local(rule) == "setOutcomeValue":
        env[rule.get("identifier")] = evaluate(rule[0], env, item)
        return
    for branch in rule:  # responseCondition: responseIf, responseElseIf*, responseElse?
        has_test = local(branch) != "responseElse"
        if not has_test or evaluate(branch[0], env, item) is True:
            for inner in list(branch)[1 if has_test else 0 :]:
                run_rule(inner, env, item)
            return


def _map_response(node, env, item):
    value, mapping = env["RESPONSE"], item.find("mapping", item.declaration)
    if value is None:
        return 0.0
    folded = {
        (k if e.get("caseSensitive") != "false" else k.casefold()): float(e.get("mappedValue")) for e in mapping for k in [e.get("mapKey")]
    }
    insensitive = any(e.get("caseSensitive") == "false" for e in mapping)
    lookup = lambda v: folded.get(v.casefold() if insensitive else v, float(mapping.get("defaultValue", "0")))  # noqa: E731
    total = sum(lookup(v) for v in value) if isinstance(value, frozenset) else lookup(value)
    total = max(total, float(mapping.get("lowerBound", "-inf")))
    return min(total, float(mapping.get("upperBound", "inf")))


def _null_safe(function):
    return lambda node, env, item: (lambda args: None if None in args else function(node, *args))([evaluate(c, env, item) for c in node])


def _and(node, env, item):
    values = [evaluate(c, env, item) for c in node]
    return False if False in values else (None if None in values else True)


def is_null(value) -> bool:
    return value is None or (isinstance(value, (frozenset, tuple, str)) and not value)


def _base_value(node, env, item):
    return float(node.text) if node.get("baseType") == "float" else node.text


EXPRESSIONS = {
    "variable": lambda node, env, item: env.get(node.get("identifier")),
    "correct": lambda node, env, item: item.correct(),
    "baseValue": _base_value,
    "isNull": lambda node, env, item: (lambda v: v is None or (isinstance(v, (frozenset, tuple, str)) and not v))(
        evaluate(node[0], env, item)
    ),
    "match": _null_safe(lambda node, a, b: a == b),
    "gte": _null_safe(lambda node, a, b: a >= b),
    "lte": _null_safe(lambda node, a, b: a <= b),
    "and": _and,
    "sum": _null_safe(lambda node, *values: sum(values)),
    "index": _null_safe(lambda node, v: v[int(node.get("n")) - 1] if len(v) >= int(node.get("n")) else None),
    "mapResponse": _map_response,
    "member": _null_safe(lambda node, a, b: a in b),
    "multiple": lambda node, env, item: frozenset(v for c in node for v in _as_set(evaluate(c, env, item))),
}


def _as_set(value) -> frozenset:
    return frozenset() if value is None else value if isinstance(value, frozenset) else frozenset([value])


def evaluate(node, env, item):
    return EXPRESSIONS[local(node)](node, env, item)


def qti_kind(item: QtiItem) -> str:
    """The question type an item was made from, as an importer would see it."""
    if item.find("orderInteraction") is not None:
        return "ordering"
    if item.find("matchInteraction") is not None:
        return "matching"
    if item.find("textEntryInteraction") is not None:
        return "numeric" if item.declaration.get("baseType") == "float" else "short"
    choices = [c.get("identifier") for c in item.findall("simpleChoice")]
    if choices == ["true", "false"]:
        return "true_false"
    return "single" if item.find("choiceInteraction").get("maxChoices") == "1" else "multiple"


def qti_response(question: Question, response):
    """A canonical response (course.grading.rules's form) as the QTI response variable."""
    return QTI_RESPONSES[question.type](question, response)


NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def parse_ascii_number(response):
    if isinstance(response, (int, float)) and not isinstance(response, bool):
        return float(response)
    return float(response.strip()) if isinstance(response, str) and NUMBER.match(response.strip()) else None


QTI_RESPONSES = {
    "single": lambda q, r: r,
    "multiple": lambda q, r: frozenset(r) or None,
    "true_false": lambda q, r: "true" if r else "false",
    "short": lambda q, r: r or None,
    "numeric": lambda q, r: parse_ascii_number(r),
    "matching": lambda q, r: frozenset(f"p{n} {a}" for n, a in enumerate(r, start=1) if a) or None,
    "ordering": lambda q, r: tuple(a or "" for a in r) or None,
}


def qti_items(path: Path) -> dict[str, QtiItem]:
    with zipfile.ZipFile(path) as archive:
        return {Path(n).stem: QtiItem(archive.read(n)) for n in archive.namelist() if n.startswith("items/")}


# == reading Moodle XML back ==================================================


def moodle_questions(path: Path) -> dict[str, etree._Element]:
    root = etree.parse(str(path)).getroot()
    return {q.findtext("name/text"): q for q in root.findall("question") if q.get("type") != "category"}


def moodle_answers(element) -> list[tuple[float, str]]:
    return [(float(a.get("fraction")), a.findtext("text") or "") for a in element.findall("answer")]


def moodle_wildcard_match(pattern: str, response: str) -> bool:
    """qtype_shortanswer's comparison, case-insensitive: ``*`` is a wildcard, ``\\*`` a star.

    PCRE's caseless matching pairs simple case mappings (so ``ı`` is not ``i``,
    unlike Python's ``re.IGNORECASE``): both sides are lower-cased instead.
    """
    parts = re.split(r"(?<!\\)\*+", pattern.lower())
    regex = ".*".join(re.escape(p.replace("\\*", "*")) for p in parts)
    return re.fullmatch(regex, response.strip().lower()) is not None


def _multichoice(element, question, response) -> float:
    fractions = [f / 100 for f, _ in moodle_answers(element)]
    if element.findtext("single") == "true":
        return fractions[letter_index(response)]
    return min(1.0, max(0.0, sum(fractions[letter_index(r)] for r in set(response))))


def _truefalse(element, question, response) -> float:
    return next(f / 100 for f, text in moodle_answers(element) if text == ("true" if response else "false"))


def _shortanswer(element, question, response) -> float:
    return max([f / 100 for f, text in moodle_answers(element) if moodle_wildcard_match(text, response)], default=0.0)


def _numerical(element, question, response) -> float:
    value, right = parse_ascii_number(response), element.find("answer")
    if value is None:
        return 0.0
    answer, tolerance = float(right.findtext("text")), float(right.findtext("tolerance"))
    return 1.0 if abs(value - answer) <= tolerance + 1e-12 else 0.0  # Moodle widens by PHP's precision


def _ordering(element, question, response) -> float:
    """qtype_ordering, grading type ABSOLUTE_POSITION (question.php): items in their right place / items.
    The answers are the items in their right order; the response puts item texts in places."""
    texts = (lxml.html.fragment_fromstring(a.findtext("text"), create_parent="div").text_content() for a in element.findall("answer"))
    right = [" ".join(text.split()) for text in texts]
    given = [plain(question.items[letter_index(r)]) if r else None for r in response]
    return sum(g == r for g, r in zip(given, right, strict=False)) / len(right)


def _match(element, question, response) -> float:
    """Right subquestions / subquestions with text; the response picks choice texts."""
    texts = question.choices if question.type == "matching" else question.items
    stems = [s for s in element.findall("subquestion") if s.findtext("text")]
    given = [plain(texts[letter_index(r)]) if r else None for r in response] + [None] * len(stems)
    return sum(given[i] == s.findtext("answer/text") for i, s in enumerate(stems)) / len(stems)


MOODLE_GRADERS = {
    "multichoice": _multichoice,
    "truefalse": _truefalse,
    "shortanswer": _shortanswer,
    "numerical": _numerical,
    "matching": _match,
    "ordering": _ordering,
}


def moodle_score(element, question: Question, response) -> float:
    fraction = MOODLE_GRADERS[element.get("type")](element, question, response)
    return fraction * float(element.findtext("defaultgrade"))


# == reading GIFT back (the steps of Moodle's qformat_gift::readquestion) ======

ESCAPES = {c: chr(0xE000 + i) for i, c in enumerate("\\~=#{}:n")}
UNESCAPE = {v: ("\n" if k == "n" else k) for k, v in ESCAPES.items()}


def protect(text: str) -> str:
    return re.sub(r"\\([\\~=#{}:n])", lambda m: ESCAPES[m.group(1)], text)


def unescape(text: str) -> str:
    return "".join(UNESCAPE.get(c, c) for c in text).strip()


def parse_gift(text: str) -> list[dict]:
    questions = []
    for block in re.split(r"\n[ \t]*\n", text):
        lines = block.splitlines()
        points = [float(m.group(1)) for line in lines if (m := re.search(r"^//.*points: (\S+)$", line.strip()))]
        ids = [m.group(1) for line in lines if (m := re.search(r"^//.*\[id:([^\]]+)\]", line.strip()))]
        body = protect("\n".join(line for line in lines if not line.strip().startswith("//")).strip())
        if body and not body.startswith("$CATEGORY:"):
            questions.append(dict(gift_question(body), points=points[0] if points else None, idnumber=ids[0] if ids else None))
    return questions


def gift_question(body: str) -> dict:
    name, body = re.fullmatch(r"::(.*?)::(.*)", body, re.S).groups()
    start, end = body.index("{"), body.index("}")
    answers, head = body[start + 1 : end].strip(), body[:start]
    answers, _, general = answers.rpartition("####") if "####" in answers else (answers, "", "")
    assert head.startswith("[html]"), head
    found = {"name": unescape(name), "questiontext": unescape(head[6:]), "generalfeedback": unescape(general)}
    return found | GIFT_ANSWERS[gift_type(answers.strip())](answers.strip())


def gift_type(answers: str) -> str:
    if answers.startswith("#"):
        return "numerical"
    if "~" in answers:
        return "multichoice"
    if "=" in answers and "->" in answers:
        return "matching"
    return "truefalse" if answers.split("#")[0].strip() in ("T", "TRUE", "F", "FALSE") else "shortanswer"


def _gift_choices(answers: str) -> dict:
    found = []
    for part in [p.strip() for p in answers.replace("=", "~=").split("~") if p.strip()]:
        weight = re.match(r"^%(-?[0-9.]+)%", part)
        fraction = 100.0 if part.startswith("=") else float(weight.group(1)) if weight else 0.0
        text, _, feedback = part.lstrip("=")[weight.end() if weight else 0 :].partition("#")
        found.append((fraction, unescape(text), unescape(feedback)))
    return {"type": "multichoice", "single": "=" in answers, "answers": found}


GIFT_ANSWERS = {
    "numerical": lambda a: {"type": "numerical", "numeric": tuple(float(x) for x in a[1:].split(":"))},
    "multichoice": _gift_choices,
    "matching": lambda a: {"type": "matching", "pairs": [tuple(unescape(x) for x in p.split("->", 1)) for p in a.split("=")[1:]]},
    "truefalse": lambda a: {"type": "truefalse", "answer": a.split("#")[0].strip() in ("T", "TRUE")},
    "shortanswer": lambda a: {"type": "shortanswer", "answers": [unescape(p) for p in a.split("=")[1:]]},
}


def moodle_like_gift(path: Path) -> Path:
    """The Moodle XML file GIFT matches: GIFT has no ordering type, so a quiz with one compares with the pre-4.4 file."""
    older = path.with_name(path.name.replace(".moodle.xml", ".moodle-pre44.xml"))
    return older if older.is_file() else path


def moodle_as_gift(element) -> dict:
    """The same fields read from a Moodle XML question, to compare with the GIFT file."""
    qtype = element.get("type")
    found = {
        "name": element.findtext("name/text"),
        "questiontext": (element.findtext("questiontext/text") or "").strip(),
        "generalfeedback": (element.findtext("generalfeedback/text") or "").strip(),
        "points": float(element.findtext("defaultgrade")),
        "idnumber": element.findtext("idnumber"),
        "type": qtype,
    }
    return found | MOODLE_AS_GIFT[qtype](element)


MOODLE_AS_GIFT = {
    "numerical": lambda e: {"numeric": (float(e.findtext("answer/text")), float(e.findtext("answer/tolerance")))},
    "multichoice": lambda e: {
        "single": e.findtext("single") == "true",
        "answers": [
            (float(a.get("fraction")), a.findtext("text"), (a.findtext("feedback/text") or "").strip()) for a in e.findall("answer")
        ],
    },
    "matching": lambda e: {"pairs": [(s.findtext("text") or "", s.findtext("answer/text")) for s in e.findall("subquestion")]},
    "ordering": lambda e: {"order": [a.findtext("text") for a in e.findall("answer")]},
    "truefalse": lambda e: {"answer": next(a.findtext("text") for a in e.findall("answer") if a.get("fraction") == "100") == "true"},
    "shortanswer": lambda e: {"answers": [a.findtext("text") for a in e.findall("answer")]},
}


# == responses to try =========================================================


def sample_responses(question: Question) -> list:
    return RESPONSES[question.type](question)


def _subsets(question: Question) -> list:
    letters = [letter(i) for i in range(len(question.options))]
    return [list(s) for n in range(len(letters) + 1) for s in itertools.combinations(letters, n)]


def _short(question: Question) -> list:
    return [*question.answers, *(a.upper() for a in question.answers), "something else"]


def _numeric(question: Question) -> list:
    a, t = question.answer, question.tolerance or 0
    return [a, a + t, a - t, a + t + 1, str(a), "x"]


def _assignments(question: Question) -> list:
    letters = [letter(i) for i in range(len(question.choices))] + [None]
    return [list(r) for r in itertools.islice(itertools.product(letters, repeat=len(question.prompts)), 300)]


def _orders(question: Question) -> list:
    letters = [letter(i) for i in range(len(question.items))]
    return [list(p) for p in itertools.islice(itertools.permutations(letters), 200)] + [letters[:1]]


RESPONSES = {
    "single": lambda q: [letter(i) for i in range(len(q.options))],
    "multiple": _subsets,
    "true_false": lambda q: [True, False],
    "short": _short,
    "numeric": _numeric,
    "matching": _assignments,
    "ordering": _orders,
}


def expected(question: Question, response) -> float:
    return grade_question(question, response).points


# == the registry and the files ===============================================


def test_the_three_quiz_exporters_are_registered():
    assert {"qti", "moodle-xml", "gift"} <= set(EXPORTERS)


def test_an_exporter_registered_by_name_is_run_by_export_all(tmp_path, english):
    @exporter("test-probe")
    def probe(course: Course, out_dir: Path) -> list[Written]:
        return [Written(out_dir / "probe.txt", "probe", None)]

    try:
        assert export_all(english, tmp_path, ["test-probe"]) == [Written(tmp_path / "probe.txt", "probe", None)]
    finally:
        del EXPORTERS["test-probe"]


def test_one_file_per_quiz_and_format_in_lms(tmp_path, english):
    written = export_all(english, tmp_path, ["qti", "moodle-xml", "gift"])
    names = {(w.path.relative_to(tmp_path).as_posix(), w.kind, w.quiz) for w in written}
    for quiz in english.quizzes:
        assert (f"lms/{quiz.id}-qti.zip", "qti", quiz.id) in names
        assert (f"lms/{quiz.id}.moodle.xml", "moodle-xml", quiz.id) in names
        assert (f"lms/{quiz.id}.gift", "gift", quiz.id) in names
    with_ordering = [q for q in english.quizzes if any(x.type == "ordering" for x in q.questions)]
    for quiz in with_ordering:  # Moodle before 4.4 (no qtype_ordering): ordering as matching of positions
        assert (f"lms/{quiz.id}.moodle-pre44.xml", "moodle-xml", quiz.id) in names
    assert len(written) == 3 * len(english.quizzes) + len(with_ordering)
    assert all(w.path.is_file() for w in written)


def test_exports_are_reproducible(tmp_path, english):
    first = {w.path.name: w.path.read_bytes() for w in export_all(english, tmp_path / "one", ["qti", "moodle-xml", "gift"])}
    second = {w.path.name: w.path.read_bytes() for w in export_all(english, tmp_path / "two", ["qti", "moodle-xml", "gift"])}
    assert first == second


def golden_files(written: list[Written]) -> dict[str, str]:
    files = {}
    for w in written:
        if w.path.suffix == ".zip":
            with zipfile.ZipFile(w.path) as archive:
                files |= {f"{w.path.stem}/{n}": archive.read(n).decode("utf-8") for n in archive.namelist()}
        else:
            files[w.path.name] = w.path.read_text(encoding="utf-8")
    return files


def test_golden_files_of_the_english_fixture(tmp_path, english):
    produced = golden_files(export_all(english, tmp_path, ["qti", "moodle-xml", "gift"]))
    if UPDATE:
        for name, text in produced.items():
            (GOLDEN / name).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / name).write_text(text, encoding="utf-8")
    stored = {p.relative_to(GOLDEN).as_posix(): p.read_text(encoding="utf-8") for p in GOLDEN.rglob("*") if p.is_file()}
    assert sorted(produced) == sorted(stored), "files differ from tests/golden/lms: see the module docstring to regenerate"
    for name, text in produced.items():
        assert text == stored[name], f"{name} differs from its golden file"


# == QTI: structure ===========================================================

ITEM_ORDER = ["responseDeclaration", "outcomeDeclaration", "itemBody", "responseProcessing", "modalFeedback"]
INTERACTION_TAGS = {
    "choiceInteraction", "simpleChoice", "orderInteraction", "matchInteraction", "simpleMatchSet",
    "simpleAssociableChoice", "textEntryInteraction",
}  # fmt: skip


def check_package(path: Path, namespace: str) -> list[QtiItem]:
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        manifest = etree.fromstring(archive.read("imsmanifest.xml"))
        resources = manifest.findall(f"{{{CP}}}resources/{{{CP}}}resource")
        hrefs = {f.get("href") for r in resources for f in r.findall(f"{{{CP}}}file")} | {r.get("href") for r in resources}
        assert hrefs == names - {"imsmanifest.xml"}
        test_href = next(r.get("href") for r in resources if r.get("type").startswith("imsqti_test"))
        test = etree.fromstring(archive.read(test_href))
        refs = {r.get("href") for r in test.iter(f"{{{namespace}}}assessmentItemRef")}
        assert refs == {r.get("href") for r in resources if r.get("type").startswith("imsqti_item")}
        items = [QtiItem(archive.read(n)) for n in sorted(refs)]
    for item in items:
        check_item(item, namespace)
    return items


def check_item(item: QtiItem, namespace: str) -> None:
    assert item.ns == namespace
    order = [ITEM_ORDER.index(local(child)) for child in item.root]
    assert order == sorted(order), "assessmentItem children out of QTI's order"
    declared = {d.get("identifier") for d in item.root if local(d) in ("responseDeclaration", "outcomeDeclaration")}
    for node in item.root.iter():
        assert etree.QName(node).namespace == namespace
        for attribute in ("identifier", "responseIdentifier", "outcomeIdentifier"):
            assert node.get(attribute) is None or NCNAME.match(node.get(attribute))
        assert node.get("responseIdentifier") in (None, *declared)
        assert node.get("outcomeIdentifier") in (None, *declared)
        if local(node) == "variable":
            assert node.get("identifier") in declared
        assert node.get("dir") is None or namespace == QTI22, "dir is QTI 2.2 only"
    for node in item.find("itemBody").iter():
        assert local(node) in TAGS | INTERACTION_TAGS | {"itemBody"}, local(node)


def test_qti_packages_are_well_formed_qti21_for_a_left_to_right_course(tmp_path, english):
    for written in EXPORTERS["qti"](english, tmp_path):
        check_package(written.path, QTI21)


def test_qti_items_give_back_the_questions(tmp_path, english):
    packages = exported(english, tmp_path, "qti")
    for quiz in english.quizzes:
        items = qti_items(packages[quiz.id])
        assert set(items) == {q.id for q in quiz.questions}
        for question in quiz.questions:
            item = items[question.id]
            assert qti_kind(item) == question.type
            assert item.points == question.points
            assert item.correct() == QTI_CORRECT[question.type](question)


QTI_CORRECT = {
    "single": lambda q: next(letter(i) for i, o in enumerate(q.options) if o.correct),
    "multiple": lambda q: frozenset(letter(i) for i, o in enumerate(q.options) if o.correct),
    "true_false": lambda q: "true" if q.answer else "false",
    "short": lambda q: q.answers[0],
    "numeric": lambda q: float(q.answer),
    "matching": lambda q: frozenset(f"p{n} {a}" for n, a in enumerate(q.answer, start=1)),
    "ordering": lambda q: tuple(q.answer),
}


def test_qti_scores_like_the_grading_core(tmp_path, english):
    packages = exported(english, tmp_path, "qti")
    for quiz in english.quizzes:
        items = qti_items(packages[quiz.id])
        for question in quiz.questions:
            for response in sample_responses(question):
                lms = items[question.id].score(qti_response(question, response))
                assert lms == pytest.approx(expected(question, response), abs=1e-9), (question.id, response)


def test_qti_option_feedback_and_explanation_are_modal_feedback(tmp_path, english):
    items = qti_items(export(english, tmp_path, "qti"))
    single = items["q1"]
    modals = {m.get("identifier"): m for m in single.findall("modalFeedback")}
    assert set(modals) == {"b", "general_fb"}  # general_fb: the identifier Canvas keeps as general feedback
    assert "declaration" in "".join(modals["b"].itertext())
    assert "lists everything" in "".join(modals["general_fb"].itertext())


# == Moodle XML ===============================================================

MOODLE_TYPES = {
    "single": "multichoice", "multiple": "multichoice", "true_false": "truefalse", "short": "shortanswer",
    "numeric": "numerical", "matching": "matching", "ordering": "ordering",
}  # fmt: skip


def test_moodle_xml_gives_back_the_questions(tmp_path, english):
    for written in EXPORTERS["moodle-xml"](english, tmp_path):
        if written.path.name.endswith(".moodle-pre44.xml"):
            continue
        quiz = next(q for q in english.quizzes if q.id == written.quiz)
        root = etree.parse(str(written.path)).getroot()
        assert root.find("question[@type='category']/category/text").text == "$course$/" + quiz.title
        questions = moodle_questions(written.path)
        assert list(questions) == [q.id for q in quiz.questions]
        for question in quiz.questions:
            element = questions[question.id]
            assert element.get("type") == MOODLE_TYPES[question.type]
            assert float(element.findtext("defaultgrade")) == question.points
            assert element.findtext("questiontext/text") == block_html(question.prompt)
            assert element.findtext("generalfeedback/text") == block_html(question.explanation)


def test_moodle_right_answers(tmp_path, english):
    questions = moodle_questions(export(english, tmp_path, "moodle-xml"))
    assert moodle_answers(questions["q1"])[0] == (100.0, "The carrier")
    assert [f for f, _ in moodle_answers(questions["q2"])] == [50.0, 50.0, -50.0]
    assert questions["q2"].findtext("single") == "false"
    assert moodle_answers(questions["q3"]) == [(100.0, "true"), (0.0, "false")]
    assert [t for _, t in moodle_answers(questions["q4"])] == ["customs", "the customs", "customs authority"]
    assert questions["q5"].findtext("answer/text") == "3" and questions["q5"].findtext("answer/tolerance") == "0"
    pairs = [(s.findtext("text"), s.findtext("answer/text")) for s in questions["q6"].findall("subquestion")]
    assert pairs == [("Manifest", "Carrier"), ("Declaration", "Importer"), ("", "Customs broker")]
    assert [a.findtext("text") for a in questions["q7"].findall("answer")] == ["Collect the data", "Score the data", "Act on the result"]
    settings = {name: questions["q7"].findtext(name) for name in ("layouttype", "selecttype", "selectcount", "gradingtype")}
    assert settings == {"layouttype": "VERTICAL", "selecttype": "ALL", "selectcount": "3", "gradingtype": "ABSOLUTE_POSITION"}
    older = moodle_questions(tmp_path / "lms" / "customs-basics-quiz.moodle-pre44.xml")
    assert older["q7"].get("type") == "matching"
    order = [(s.findtext("text"), s.findtext("answer/text")) for s in older["q7"].findall("subquestion")]
    assert order == [("Position 1", "Collect the data"), ("Position 2", "Score the data"), ("Position 3", "Act on the result")]
    feedback = questions["q1"].findall("answer")[1].findtext("feedback/text")
    assert feedback == "<p>The importer files the declaration, not the manifest.</p>"


def test_moodle_scores_like_the_grading_core(tmp_path, english):
    files = exported(english, tmp_path, "moodle-xml")
    for quiz in english.quizzes:
        older = tmp_path / "lms" / f"{quiz.id}.moodle-pre44.xml"
        for questions in [moodle_questions(files[quiz.id])] + ([moodle_questions(older)] if older.is_file() else []):
            for question in quiz.questions:
                for response in sample_responses(question):
                    lms = moodle_score(questions[question.id], question, response)
                    assert lms == pytest.approx(expected(question, response), abs=1e-6 * question.points), (question.id, response)


# == multiple: fractions on every subset ======================================


def multiple_questions() -> list[Question]:
    found = []
    for k in range(1, 5):
        for wrong in range(max(0, 2 - k), 3):
            options = [Option(f"right {i}", True) for i in range(k)] + [Option(f"wrong {i}", False) for i in range(wrong)]
            found.append(Question(id=f"k{k}w{wrong}", type="multiple", prompt="Which?", points=2.5, options=options))
    return found


def test_multiple_fractions_are_moodle_grades_and_reproduce_the_rule_on_every_subset(tmp_path):
    questions = multiple_questions()
    course = probe_course(tmp_path, questions)
    moodle = moodle_questions(export(course, tmp_path, "moodle-xml"))
    items = qti_items(export(course, tmp_path, "qti"))
    allowed = {round(100 * f, 5) for f in FRACTIONS} | {round(-100 * f, 5) for f in FRACTIONS}
    for question in questions:
        assert {f for f, _ in moodle_answers(moodle[question.id])} <= allowed
        for response in _subsets(question):
            want = expected(question, response)
            assert moodle_score(moodle[question.id], question, response) == pytest.approx(want, abs=1e-6 * question.points)
            assert items[question.id].score(qti_response(question, response)) == pytest.approx(want, abs=1e-9)


# == GIFT =====================================================================


def test_gift_gives_back_what_the_moodle_xml_export_holds(tmp_path, english):
    gifts, xmls = exported(english, tmp_path, "gift"), exported(english, tmp_path, "moodle-xml")
    for quiz in english.quizzes:
        gift = {q["name"]: q for q in parse_gift(gifts[quiz.id].read_text(encoding="utf-8"))}
        moodle = moodle_questions(moodle_like_gift(xmls[quiz.id]))
        assert list(gift) == list(moodle) == [q.id for q in quiz.questions]
        for name, element in moodle.items():
            assert gift[name] == moodle_as_gift(element)


SPECIAL = "Is `a = b`? {x} ~y #z c:d and a back\\\\slash.\n\nA second -> paragraph, 50% off."


def special_questions() -> list[Question]:
    options = [Option("~Tilde= {yes}: #1", True, "Right: {#1} = ~ok"), Option("No \\\\ way", False)]
    return [
        Question(id="s1", type="single", prompt=SPECIAL, explanation="a:b = {c} # ~", options=options),
        Question(id="s2", type="multiple", prompt=SPECIAL, options=[*options, Option("%50% more", True)]),
        Question(id="s3", type="short", prompt=SPECIAL, answers=["a=b", "x*y", "{k}:#~"]),
        Question(
            id="s4", type="matching", prompt=SPECIAL, prompts=["x -> y", "p = {q}"], choices=["A -> B", "c:d", "~e#"], answer=["b", "a"]
        ),
        Question(id="s5", type="numeric", prompt=SPECIAL, answer=-2.5, tolerance=0.25),
    ]


def test_gift_escapes_every_special_character(tmp_path):
    course = probe_course(tmp_path, special_questions())
    text = export(course, tmp_path, "gift").read_text(encoding="utf-8")
    gift = {q["name"]: q for q in parse_gift(text)}
    moodle = moodle_questions(export(course, tmp_path, "moodle-xml"))
    for question in course.quizzes[0].questions:
        assert gift[question.id]["questiontext"] == block_html(SPECIAL)
        assert gift[question.id] == moodle_as_gift(moodle[question.id])
    assert gift["s1"]["generalfeedback"] == block_html("a:b = {c} # ~")
    assert gift["s1"]["answers"][0] == (100.0, inline_html("~Tilde= {yes}: #1"), block_html("Right: {#1} = ~ok"))
    assert gift["s3"]["answers"] == ["a=b", "x\\*y", "{k}:#~", "k}:#~"]  # the last: normalize's spelling
    assert gift["s4"]["pairs"][0] == (inline_html("x -> y"), "c:d")


def test_gift_special_questions_still_score_like_the_core_in_moodle(tmp_path):
    course = probe_course(tmp_path, special_questions())
    moodle = moodle_questions(export(course, tmp_path, "moodle-xml"))
    for question in course.quizzes[0].questions:
        for response in sample_responses(question):
            lms = moodle_score(moodle[question.id], question, response)
            assert lms == pytest.approx(expected(question, response), abs=1e-6), (question.id, response)


# == the shared grading vectors ===============================================

QUESTION_FILES = ("single", "multiple", "true_false", "short", "numeric", "matching", "ordering")
STRICTER = {"short", "numeric"}  # documented: LMSs do not normalize text or read Arabic digits


def vector_cases() -> list[dict]:
    cases = [c for name in QUESTION_FILES for c in json.loads((VECTORS / f"{name}.json").read_text(encoding="utf-8"))]
    return [c for c in cases if not c["warning"]]


@pytest.mark.skipif(not VECTORS.is_dir(), reason="tests/vectors is not there")
def test_lms_scoring_on_the_shared_vectors_is_the_core_or_documented_stricter(tmp_path):
    differ = []
    for n, case in enumerate(vector_cases()):
        question = Question.from_dict({"prompt": "", **case["question"]})
        course = probe_course(tmp_path, [question])
        item = next(iter(qti_items(export(course, tmp_path / f"v{n}", "qti")).values()))
        element = next(iter(moodle_questions(export(course, tmp_path / f"v{n}", "moodle-xml")).values()))
        response = case["response"]
        answered = response not in (None, "", [])
        scores = {
            "qti": item.score(qti_response(question, response)) if answered else 0.0,
            "moodle": moodle_score(element, question, response) if answered else 0.0,
        }
        for lms, score in scores.items():
            if score != pytest.approx(case["points"], abs=1e-6):
                differ.append((question.type, case["name"], lms, score, case["points"]))
    unexpected = [d for d in differ if d[0] not in STRICTER or d[3] > d[4]]
    assert not unexpected, unexpected


# == right to left ============================================================


def test_arabic_quiz_marks_direction_in_every_format(tmp_path, arabic):
    qti = export(arabic, tmp_path, "qti")
    items = check_package(qti, QTI21)  # 2.1, the version Canvas makes a quiz of; 2.1 has no dir, so xml:lang marks it
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    for item in items:
        assert item.root.get(lang) == "ar"
        assert item.find("itemBody")[0].get(lang) == "ar"
        assert all(m[0].get(lang) == "ar" for m in item.findall("modalFeedback"))
    tf = qti_items(qti)["q3"]
    assert ["".join(c.itertext()) for c in tf.findall("simpleChoice")] == ["صح", "خطأ"]
    moodle = moodle_questions(export(arabic, tmp_path, "moodle-xml"))
    for element in moodle.values():
        assert element.findtext("questiontext/text").startswith('<div dir="rtl">')
    assert all(a.findtext("text").startswith('<span dir="rtl">') for a in moodle["q1"].findall("answer"))
    assert moodle["q7"].find("answer").findtext("text").startswith('<span dir="rtl">')
    older = moodle_questions(tmp_path / "lms" / "arabic-quiz.moodle-pre44.xml")
    assert older["q7"].find("subquestion").findtext("text") == '<span dir="rtl">المرتبة 1</span>'
    gift = export(arabic, tmp_path, "gift").read_text(encoding="utf-8")
    assert gift.count('[html]<div dir\\="rtl">') == len(arabic.quizzes[0].questions)


def test_arabic_short_answers_include_their_normalized_spelling(tmp_path, arabic):
    moodle = moodle_questions(export(arabic, tmp_path, "moodle-xml"))
    assert [t for _, t in moodle_answers(moodle["q4"])] == ["الإقرار الجمركي", "الاقرار الجمركي", "الإقرار", "الاقرار"]
    assert moodle_score(moodle["q4"], arabic.quizzes[0].questions[3], "الاقرار") == 1.0


def test_arabic_quiz_scores_like_the_core(tmp_path, arabic):
    quiz = arabic.quizzes[0]
    items = qti_items(export(arabic, tmp_path, "qti"))
    moodle = moodle_questions(export(arabic, tmp_path, "moodle-xml"))
    like_gift = moodle_questions(moodle_like_gift(tmp_path / "lms" / "arabic-quiz.moodle.xml"))
    gift = {q["name"]: q for q in parse_gift(export(arabic, tmp_path, "gift").read_text(encoding="utf-8"))}
    for question in quiz.questions:
        assert gift[question.id] == moodle_as_gift(like_gift[question.id])
        for response in sample_responses(question):
            want = expected(question, response)
            assert items[question.id].score(qti_response(question, response)) == pytest.approx(want, abs=1e-9)
            assert moodle_score(moodle[question.id], question, response) == pytest.approx(want, abs=1e-6 * question.points)


# == the shipped course =======================================================


def shipped_course() -> Course:
    """The course at the repository root; its quizzes alone if another part does not load yet."""
    course, _ = load_course(REPO)
    if course is not None:
        return course
    settings = yaml.safe_load((REPO / "course.yaml").read_text(encoding="utf-8")) or {}
    quizzes = []
    for path in sorted((REPO / "quizzes").glob("*.yaml")):
        quiz, problems = load_quiz_file(path, f"quizzes/{path.name}", settings.get("pass_mark", 70))
        assert quiz is not None, "\n".join(map(str, problems))
        quizzes.append(quiz)
    return Course(root=REPO, title=str(settings.get("title", "")), language=str(settings.get("language") or "ar"), quizzes=quizzes)


@pytest.mark.skipif(not list((REPO / "quizzes").glob("*.yaml")), reason="the shipped course has no quizzes/*.yaml yet")
def test_every_quiz_of_the_shipped_course_exports_and_scores_like_the_core(tmp_path):
    course = shipped_course()
    namespace = QTI21
    written = export_all(course, tmp_path, ["qti", "moodle-xml", "gift"])
    assert len(written) == 3 * len(course.quizzes) + sum(any(q.type == "ordering" for q in quiz.questions) for quiz in course.quizzes)
    for quiz in course.quizzes:
        items = {i.root.get("identifier"): i for i in check_package(tmp_path / "lms" / f"{quiz.id}-qti.zip", namespace)}
        moodle = moodle_questions(tmp_path / "lms" / f"{quiz.id}.moodle.xml")
        like_gift = moodle_questions(moodle_like_gift(tmp_path / "lms" / f"{quiz.id}.moodle.xml"))
        gift = {q["name"]: q for q in parse_gift((tmp_path / "lms" / f"{quiz.id}.gift").read_text(encoding="utf-8"))}
        for question in quiz.questions:
            item = items[f"item-{quiz.id}-{question.id}"]
            assert gift[str(question.id)] == moodle_as_gift(like_gift[str(question.id)])
            for response in sample_responses(question):
                want = expected(question, response)
                assert item.score(qti_response(question, response)) == pytest.approx(want, abs=1e-9), (quiz.id, question.id, response)
                assert moodle_score(moodle[str(question.id)], question, response) == pytest.approx(want, abs=1e-6 * question.points)


def test_moodle_category_carries_the_pass_mark_a_question_bank_cannot_set(tmp_path, english, arabic):
    """Moodle XML holds no quiz settings; the category's description (``info``, read by qformat_xml since Moodle 3.6)
    tells the teacher the Grade to pass, in points and percent."""
    quiz = english.quizzes[0]
    info = etree.parse(str(export(english, tmp_path, "moodle-xml"))).getroot().findtext("question[@type='category']/info/text")
    needed, total = number(quiz.max_points * quiz.pass_mark / 100), number(quiz.max_points)
    assert info == f"<p>Grade to pass: {needed} of {total} points ({number(quiz.pass_mark)} %).</p>"
    arabic_root = etree.parse(str(export(arabic, tmp_path / "ar", "moodle-xml"))).getroot()
    arabic_info = arabic_root.findtext("question[@type='category']/info/text")
    assert arabic_info.startswith('<div dir="rtl"><p>درجة النجاح: ')


def test_the_courses_interface_words_reach_the_words_each_export_adds(tmp_path):
    """course.yaml `interface` gives the true/false choices and the ordering positions in QTI 2.1, QTI 1.2, Moodle and GIFT."""
    course, problems = load_course(ENGLISH)
    assert not [p for p in problems if p.is_error]
    course.interface = (("quiz.true", "Right"), ("quiz.false", "Wrong"), ("quiz.position-n", "Place no. %(n)s"))
    texts = {}
    for kind in ("qti", "qti12", "moodle-xml", "gift"):
        EXPORTERS[kind](course, tmp_path / kind)
        for path in sorted((tmp_path / kind / "lms").iterdir()):
            if path.suffix == ".zip":
                with zipfile.ZipFile(path) as archive:
                    texts[path.name] = " ".join(archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xml"))
            else:
                texts[path.name] = path.read_text(encoding="utf-8")
    every = " ".join(texts.values())
    assert "Right" in texts["customs-basics-quiz-qti.zip"] or "Right" in texts["risk-profiling-quiz-qti.zip"], "QTI 2.1 true/false"
    assert any("Right" in t for name, t in texts.items() if name.endswith("-qti12.zip")), "QTI 1.2 true/false"
    assert "Place no. 1" in texts["customs-basics-quiz.moodle-pre44.xml"] and "Place no. 1" in texts["customs-basics-quiz.gift"]
    assert ">True<" not in every and "Position 1" not in every
