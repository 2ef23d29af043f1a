"""QTI 1.2: one ``<quiz-id>-qti12.zip`` per quiz, in the dialect Canvas imports.

Canvas Classic converts a QTI 1.2 package with its QTIMigrationTool (QTI 1.2
to 2.1, keeping Canvas's own ``qtimetadata`` fields as ``instructureMetadata``)
and then builds its quiz questions from that. What each field becomes:

- ``question_type`` and ``points_possible`` (item metadata): the Canvas type
  and the question's points (without them every question is worth 1);
- one ``respcondition`` per right answer with ``setvar SCORE`` 100 (or the
  share of 100 per matching pair, added): Canvas's correct answers;
- short answers: one ``varequal`` per accepted answer, each with its
  normalised spelling (``answers.accepted_answers``);
- numeric: ``vargte``/``varlte`` the two ends of answer +- tolerance (a Canvas
  range answer, both ends included);
- ``itemfeedback`` ``<letter>_fb`` shown for a chosen option and
  ``general_fb`` (the explanation) shown after every attempt.

The same items, in the IMS Common Cartridge QTI profile, are what
``common_cartridge.py`` packs (``item_element(..., profile="cc")``).
Built with lxml's ElementMaker, never with string formatting.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from lxml import etree
from lxml.builder import ElementMaker

from ..model import Course, Question, Quiz, letter
from . import Written, exporter, labels, lms_dir
from .answers import accepted_answers
from .markup import block_html, decimal, inline_html, number, plain
from .qti import write_zip, xml_bytes

NAMESPACE = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
SCHEMA = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2p1.xsd"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
CP = "http://www.imsglobal.org/xsd/imscp_v1p1"
CP_SCHEMA = "http://www.imsglobal.org/xsd/imscp_v1p1.xsd"
Q = ElementMaker(namespace=NAMESPACE, nsmap={None: NAMESPACE, "xsi": XSI})
RESPONSE = "response1"

# our type -> (Canvas question_type, Common Cartridge profile or None when the CC profile cannot hold it)
TYPES = {
    "single": ("multiple_choice_question", "cc.multiple_choice.v0p1"),
    "multiple": ("multiple_answers_question", "cc.multiple_response.v0p1"),
    "true_false": ("true_false_question", "cc.true_false.v0p1"),
    "short": ("short_answer_question", "cc.fib.v0p1"),
    "numeric": ("numerical_question", None),
    "matching": ("matching_question", None),
    "ordering": ("matching_question", None),
}


def item_identifier(quiz: Quiz, question: Question) -> str:
    return f"{quiz.id}-{question.id}"


def field(label: str, entry: str) -> etree._Element:
    return Q.qtimetadatafield(Q.fieldlabel(label), Q.fieldentry(entry))


def html_material(html: str) -> etree._Element:
    return Q.material(Q.mattext(html, texttype="text/html"))


def text_material(text: str) -> etree._Element:
    return Q.material(Q.mattext(text, texttype="text/plain"))


def score(value: float | str, action: str = "Set") -> etree._Element:
    return Q.setvar(value if isinstance(value, str) else number(value), action=action, varname="SCORE")


def shows(ident: str) -> etree._Element:
    return Q.displayfeedback(feedbacktype="Response", linkrefid=ident)


def choices(options: list[tuple[str, str]], cardinality: str, shuffle: bool, ident: str = RESPONSE, prompt=None) -> etree._Element:
    labels_ = [Q.response_label(html_material(text), ident=key) for key, text in options]
    render = Q.render_choice(*labels_, shuffle="Yes" if shuffle else "No")
    return Q.response_lid(*([prompt] if prompt is not None else []), render, ident=ident, rcardinality=cardinality)


class Item:
    """What one question adds to its item: responses, scoring conditions, option feedback."""

    def __init__(self, question: Question, direction: str, language: str, shuffle: bool, interface: tuple = ()):
        self.question, self.direction, self.language, self.shuffle = question, direction, language, shuffle
        self.interface = interface  # course.yaml `interface`: the words the export adds itself
        self.responses: list[etree._Element] = []
        self.conditions: list[etree._Element] = []
        self.feedback: dict[str, str] = {}  # itemfeedback ident -> HTML

    def html(self, text: str | None) -> str:
        return block_html(text, self.direction)

    def option_html(self, text: str | None) -> str:
        return inline_html(text, self.direction)


Builder = Callable[[Item], None]
BUILDERS: dict[str, Builder] = {}


def builds(question_type: str) -> Callable[[Builder], Builder]:
    def register(function: Builder) -> Builder:
        BUILDERS[question_type] = function
        return function

    return register


def option_feedback(item: Item) -> None:
    for i, option in enumerate(item.question.options):
        if option.feedback:
            key = letter(i)
            item.feedback[f"{key}_fb"] = item.html(option.feedback)
            condition = Q.conditionvar(Q.varequal(key, respident=RESPONSE))
            item.conditions.append(Q.respcondition(condition, shows(f"{key}_fb"), **{"continue": "Yes"}))


@builds("single")
def single(item: Item) -> None:
    q = item.question
    item.responses.append(choices([(letter(i), item.option_html(o.text)) for i, o in enumerate(q.options)], "Single", item.shuffle))
    option_feedback(item)
    for i, option in enumerate(q.options):
        if option.correct:
            right = Q.conditionvar(Q.varequal(letter(i), respident=RESPONSE))
            item.conditions.append(Q.respcondition(right, score(100), **{"continue": "No"}))


@builds("multiple")
def multiple(item: Item) -> None:
    """All right options and no wrong one: 100. Canvas grades a multiple-answers question with partial
    credit of points/K per right option chosen less points/K per wrong one, floored at 0: the course rule."""
    q = item.question
    item.responses.append(choices([(letter(i), item.option_html(o.text)) for i, o in enumerate(q.options)], "Multiple", item.shuffle))
    option_feedback(item)
    chosen = [Q.varequal(letter(i), respident=RESPONSE) for i in range(len(q.options))]
    each = [test if o.correct else Q("not", test) for test, o in zip(chosen, q.options, strict=True)]
    item.conditions.append(Q.respcondition(Q.conditionvar(Q("and", *each)), score(100), **{"continue": "No"}))


@builds("true_false")
def true_false(item: Item) -> None:
    words = labels.true_false(item.language, item.interface)
    item.responses.append(choices([("true", item.option_html(words[0])), ("false", item.option_html(words[1]))], "Single", False))
    right = "true" if item.question.answer else "false"
    item.conditions.append(Q.respcondition(Q.conditionvar(Q.varequal(right, respident=RESPONSE)), score(100), **{"continue": "No"}))


@builds("short")
def short(item: Item) -> None:
    """Every accepted answer and its normalised spelling, one ``varequal`` each (case-insensitive)."""
    fib = Q.render_fib(Q.response_label(ident="answer1", rshuffle="No"))
    item.responses.append(Q.response_str(fib, ident=RESPONSE, rcardinality="Single"))
    equals = [Q.varequal(answer, respident=RESPONSE) for answer in accepted_answers(item.question)]
    either = Q("or", *equals) if len(equals) > 1 else equals[0]
    item.conditions.append(Q.respcondition(Q.conditionvar(either), score(100), **{"continue": "No"}))


@builds("numeric")
def numeric(item: Item) -> None:
    """A range whose ends are worked out in decimal (0.4 is within 0.1 of 0.3); both ends included."""
    q = item.question
    low, high = decimal(q.answer) - decimal(q.tolerance or 0), decimal(q.answer) + decimal(q.tolerance or 0)
    fib = Q.render_fib(Q.response_label(ident="answer1", rshuffle="No"), fibtype="Decimal")
    item.responses.append(Q.response_num(fib, ident=RESPONSE, rcardinality="Single", numtype="Decimal"))
    within = Q("and", Q.vargte(number(low), respident=RESPONSE), Q.varlte(number(high), respident=RESPONSE))
    item.conditions.append(Q.respcondition(Q.conditionvar(within), score(100), **{"continue": "No"}))


def pairs(item: Item, prompts: list[str], choice_texts: list[str], answer: list[str]) -> None:
    """One ``response_lid`` per prompt, every choice in each; 100/n added per right pair."""
    share = 100 / len(prompts)
    choice_list = [(letter(i), text) for i, text in enumerate(choice_texts)]
    for n, (prompt, right) in enumerate(zip(prompts, answer, strict=True), start=1):
        ident = f"response_p{n}"
        item.responses.append(choices(choice_list, "Single", item.shuffle, ident, text_material(prompt)))
        condition = Q.conditionvar(Q.varequal(right, respident=ident))
        item.conditions.append(Q.respcondition(condition, score(round(share, 5), "Add"), **{"continue": "Yes"}))


@builds("matching")
def matching(item: Item) -> None:
    q = item.question
    pairs(item, [plain(p) for p in q.prompts], [plain(c) for c in q.choices], list(q.answer))


@builds("ordering")
def ordering(item: Item) -> None:
    """Matching of positions ("Position 1" -> the item there), as in Moodle: Canvas Classic has no ordering type."""
    q = item.question
    positions = [labels.position(item.language, n, item.interface) for n in range(1, len(q.items) + 1)]
    pairs(item, positions, [plain(t) for t in q.items], list(q.answer))


def item_element(course: Course, quiz: Quiz, question: Question, profile: str = "canvas") -> etree._Element:
    """The ``<item>`` of one question. ``profile="cc"`` adds the Common Cartridge metadata."""
    item = Item(question, course.direction, course.language, quiz.shuffle, course.interface)
    BUILDERS[question.type](item)
    canvas_type, cc_type = TYPES[question.type]
    fields = [field("question_type", canvas_type), field("points_possible", number(question.points))]
    if profile == "cc":
        fields = [field("cc_profile", cc_type), field("cc_weighting", number(question.points)), *fields]
    conditions = list(item.conditions)
    if question.explanation:
        item.feedback["general_fb"] = item.html(question.explanation)
        conditions.insert(0, Q.respcondition(Q.conditionvar(Q.other()), shows("general_fb"), **{"continue": "Yes"}))
    processing = Q.resprocessing(Q.outcomes(Q.decvar(maxvalue="100", minvalue="0", varname="SCORE", vartype="Decimal")), *conditions)
    presentation = Q.presentation(html_material(item.html(question.prompt)), *item.responses)
    feedback = [Q.itemfeedback(Q.flow_mat(html_material(html)), ident=ident) for ident, html in item.feedback.items()]
    return Q.item(
        Q.itemmetadata(Q.qtimetadata(*fields)),
        presentation,
        processing,
        *feedback,
        ident=item_identifier(quiz, question),
        title=str(question.id),
    )


def assessment_document(course: Course, quiz: Quiz, profile: str = "canvas") -> etree._Element:
    items = [item_element(course, quiz, q, profile) for q in quiz.questions]
    metadata = [field("cc_maxattempts", "1")]
    if profile == "cc":
        metadata = [field("cc_profile", "cc.exam.v0p1"), field("qmd_assessmenttype", "Examination"), *metadata]
    section = Q.section(*items, ident=f"{quiz.id}-section")
    assessment = Q.assessment(Q.qtimetadata(*metadata), section, ident=quiz.id, title=quiz.title)
    root = Q.questestinterop(assessment)
    root.set(f"{{{XSI}}}schemaLocation", f"{NAMESPACE} {SCHEMA}")
    return root


def manifest_document(quiz: Quiz) -> etree._Element:
    M = ElementMaker(namespace=CP, nsmap={None: CP, "xsi": XSI})
    href = assessment_href(quiz)
    resource = M.resource(M.file(href=href), identifier=f"res-{quiz.id}", type="imsqti_xmlv1p2", href=href)
    metadata = M.metadata(M.schema("IMS Content"), M.schemaversion("1.1.3"))
    manifest = M.manifest(metadata, M.organizations(), M.resources(resource), identifier=f"manifest-{quiz.id}-qti12")
    manifest.set(f"{{{XSI}}}schemaLocation", f"{CP} {CP_SCHEMA}")
    return manifest


def assessment_href(quiz: Quiz) -> str:
    return f"{quiz.id}/{quiz.id}.xml"


def package_files(course: Course, quiz: Quiz) -> dict[str, bytes]:
    return {
        "imsmanifest.xml": xml_bytes(manifest_document(quiz)),
        assessment_href(quiz): xml_bytes(assessment_document(course, quiz)),
    }


@exporter("qti12")
def export_qti12(course: Course, out_dir: Path) -> list[Written]:
    folder = lms_dir(out_dir)
    written = []
    for quiz in course.quizzes:
        path = folder / f"{quiz.id}-qti12.zip"
        write_zip(path, package_files(course, quiz))
        written.append(Written(path, "qti12", quiz.id))
    return written
