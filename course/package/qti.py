"""QTI: one IMS content package ``<quiz-id>-qti.zip`` per quiz.

The package holds ``imsmanifest.xml``, an ``assessmentTest`` for the quiz
(``<quiz-id>.xml``) and one ``assessmentItem`` per question (``items/``).
Every course gets QTI 2.1: it is the version most platforms import, and the
only one Canvas turns into a quiz (its importer builds quizzes from
``imsqti_test_xmlv2p1`` resources only). The one QTI 2.2 feature the engine
ever used is ``dir`` on body elements; QTI 2.1 has no ``dir``, so a
right-to-left course's items carry their direction through ``xml:lang``
(on the item and on every body ``div``), and the packages that keep ``dir``
for Canvas are QTI 1.2 and Common Cartridge, whose texts are HTML.
``QTI22`` stays available for a platform that wants it.

For Canvas's QTI 2.x importer (canvas-lms ``qti_exporter``) each
``assessmentItemRef`` carries the question's points as ``weight`` (Canvas
reads no other points from QTI 2.x), and the explanation's ``modalFeedback``
is ``general_fb`` (Canvas keeps feedback whose identifier matches
``general_``; option feedback ``a``, ``b``... is kept by QTI players, not by
Canvas: use the QTI 1.2 package there).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from lxml.builder import ElementMaker

from ..model import Course, Question, Quiz
from . import Written, exporter, lms_dir
from .markup import number
from .qti_content import blocks
from .qti_items import INTERACTIONS, ItemContext, Parts

XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CP = "http://www.imsglobal.org/xsd/imscp_v1p1"


@dataclass(frozen=True)
class QtiVersion:
    name: str
    namespace: str
    schema: str
    cp_schema: str
    code: str  # as in resource types: imsqti_item_xmlv2p1

    def maker(self, namespace: str | None = None) -> ElementMaker:
        namespace = namespace or self.namespace
        return ElementMaker(namespace=namespace, nsmap={None: namespace, "xsi": XSI})


QTI21 = QtiVersion(
    "2.1",
    "http://www.imsglobal.org/xsd/imsqti_v2p1",
    "http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd",
    "http://www.imsglobal.org/xsd/qti/qtiv2p1/qtiv2p1_imscpv1p2_v1p0.xsd",
    "v2p1",
)
QTI22 = QtiVersion(
    "2.2",
    "http://www.imsglobal.org/xsd/imsqti_v2p2",
    "http://www.imsglobal.org/xsd/qti/qtiv2p2/imsqti_v2p2.xsd",
    "http://www.imsglobal.org/xsd/qti/qtiv2p2/qtiv2p2_imscpv1p2_v1p0.xsd",
    "v2p2",
)
VERSIONS = {"ltr": QTI21, "rtl": QTI21}


def version_for(course: Course) -> QtiVersion:
    return VERSIONS[course.direction]


def item_identifier(quiz: Quiz, question: Question) -> str:
    return f"item-{quiz.id}-{question.id}"


def item_href(question: Question) -> str:
    return f"items/{question.id}.xml"


# -- an item


EXPLANATION = "general_fb"  # the identifier Canvas keeps as general feedback


def body_div(E: ElementMaker, course: Course) -> etree._Element:
    """A body ``div``: ``dir="rtl"`` in QTI 2.2, ``xml:lang`` (which QTI 2.1 allows) for a right-to-left course in 2.1."""
    div = E.div()
    if course.direction != "rtl":
        return div
    if etree.QName(div).namespace == QTI22.namespace:
        div.set("dir", "rtl")
    else:
        div.set(XML_LANG, course.language)
    return div


def outcome(E: ElementMaker, identifier: str, base_type: str, cardinality: str = "single", default: str | None = None):
    defaults = [E.defaultValue(E.value(default))] if default is not None else []
    return E.outcomeDeclaration(*defaults, identifier=identifier, cardinality=cardinality, baseType=base_type)


def modal(E: ElementMaker, course: Course, outcome_id: str, identifier: str, text: str, namespace: str):
    content = blocks(body_div(E, course), text, namespace)
    return E.modalFeedback(content, outcomeIdentifier=outcome_id, identifier=identifier, showHide="show")


def feedback_parts(E: ElementMaker, course: Course, question: Question, parts: Parts, namespace: str):
    """Outcomes, rules and modal feedback for option feedback and the explanation."""
    outcomes, rules, modals = [], [], []
    if parts.feedback:
        # One condition per option with feedback, adding its identifier to FEEDBACK: the form Canvas's
        # importer reads (get_feedback_id), and plain QTI for every other player.
        outcomes.append(outcome(E, "FEEDBACK", "identifier", "multiple"))
        for key in parts.feedback:
            chosen = E.baseValue(key, baseType="identifier")
            response = E.variable(identifier="RESPONSE")
            test = E.member(chosen, response) if parts.feedback_cardinality == "multiple" else E.match(response, chosen)
            added = E.multiple(E.variable(identifier="FEEDBACK"), E.baseValue(key, baseType="identifier"))
            add = E.setOutcomeValue(added, identifier="FEEDBACK")
            rules.append(E.responseCondition(E.responseIf(test, add)))
        modals += [modal(E, course, "FEEDBACK", key, text, namespace) for key, text in parts.feedback.items()]
    if question.explanation:
        outcomes.append(outcome(E, "EXPLANATION", "identifier"))
        rules.append(E.setOutcomeValue(E.baseValue(EXPLANATION, baseType="identifier"), identifier="EXPLANATION"))
        modals.append(modal(E, course, "EXPLANATION", EXPLANATION, question.explanation, namespace))
    return outcomes, rules, modals


def item_document(course: Course, quiz: Quiz, question: Question, version: QtiVersion) -> etree._Element:
    E = version.maker()
    context = ItemContext(E, version.namespace, quiz.shuffle, course.language, course.interface)
    parts = INTERACTIONS[question.type](question, context)
    outcomes, rules, modals = feedback_parts(E, course, question, parts, version.namespace)
    body = blocks(body_div(E, course), question.prompt, version.namespace)
    body.extend(parts.interaction)
    item = E.assessmentItem(
        parts.response,
        outcome(E, "SCORE", "float", default="0"),
        outcome(E, "MAXSCORE", "float", default=number(question.points)),
        *outcomes,
        E.itemBody(body),
        E.responseProcessing(*parts.rules, *rules),
        *modals,
        identifier=item_identifier(quiz, question),
        title=str(question.id),
        adaptive="false",
        timeDependent="false",
    )
    item.set(XML_LANG, course.language)
    item.set(f"{{{XSI}}}schemaLocation", f"{version.namespace} {version.schema}")
    return item


# -- the test and the manifest


def test_outcome_processing(E: ElementMaker, quiz: Quiz) -> etree._Element:
    total = lambda name: E.setOutcomeValue(E.sum(E.testVariables(variableIdentifier=name)), identifier=name)  # noqa: E731
    ratio = E.divide(E.variable(identifier="SCORE"), E.variable(identifier="MAXSCORE"))
    passed = E.setOutcomeValue(E.gte(ratio, E.baseValue(number(quiz.pass_mark / 100), baseType="float")), identifier="PASS")
    return E.outcomeProcessing(total("SCORE"), total("MAXSCORE"), passed)


def test_document(course: Course, quiz: Quiz, version: QtiVersion) -> etree._Element:
    E = version.maker()
    refs = [
        E.assessmentItemRef(E.weight(identifier="WEIGHT", value=number(q.points)), identifier=item_identifier(quiz, q), href=item_href(q))
        for q in quiz.questions
    ]
    # visible="false": the test has one section, and Canvas makes a visible section's title an extra text-only "question"
    section = E.assessmentSection(*refs, identifier=f"section-{quiz.id}", title=quiz.title, visible="false")
    part = E.testPart(section, identifier=f"part-{quiz.id}", navigationMode="nonlinear", submissionMode="simultaneous")
    test = E.assessmentTest(
        outcome(E, "SCORE", "float", default="0"),
        outcome(E, "MAXSCORE", "float", default=number(quiz.max_points)),
        outcome(E, "PASS", "boolean"),
        part,
        test_outcome_processing(E, quiz),
        identifier=f"test-{quiz.id}",
        title=quiz.title,
    )
    test.set(f"{{{XSI}}}schemaLocation", f"{version.namespace} {version.schema}")
    return test


def manifest_document(course: Course, quiz: Quiz, version: QtiVersion) -> etree._Element:
    M = version.maker(CP)
    items = [
        M.resource(M.file(href=item_href(q)), identifier=item_identifier(quiz, q), type=f"imsqti_item_xml{version.code}", href=item_href(q))
        for q in quiz.questions
    ]
    depends = [M.dependency(identifierref=item_identifier(quiz, q)) for q in quiz.questions]
    test = M.resource(
        M.file(href=f"{quiz.id}.xml"), *depends, identifier=f"test-{quiz.id}", type=f"imsqti_test_xml{version.code}", href=f"{quiz.id}.xml"
    )
    metadata = M.metadata(M.schema(f"QTIv{version.name} Package"), M.schemaversion("1.0.0"))
    manifest = M.manifest(metadata, M.organizations(), M.resources(test, *items), identifier=f"manifest-{quiz.id}")
    manifest.set(f"{{{XSI}}}schemaLocation", f"{CP} {version.cp_schema}")
    return manifest


# -- the package


def xml_bytes(element: etree._Element) -> bytes:
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def package_files(course: Course, quiz: Quiz) -> dict[str, bytes]:
    """Every file of the quiz's package by its path inside the zip, manifest first."""
    version = version_for(course)
    files = {"imsmanifest.xml": xml_bytes(manifest_document(course, quiz, version))}
    files[f"{quiz.id}.xml"] = xml_bytes(test_document(course, quiz, version))
    files.update({item_href(q): xml_bytes(item_document(course, quiz, q, version)) for q in quiz.questions})
    return files


def write_zip(path: Path, files: dict[str, bytes]) -> None:
    """A reproducible zip: fixed timestamps, so the same quiz gives the same bytes."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)


@exporter("qti")
def export_qti(course: Course, out_dir: Path) -> list[Written]:
    folder = lms_dir(out_dir)
    written = []
    for quiz in course.quizzes:
        path = folder / f"{quiz.id}-qti.zip"
        write_zip(path, package_files(course, quiz))
        written.append(Written(path, "qti", quiz.id))
    return written
