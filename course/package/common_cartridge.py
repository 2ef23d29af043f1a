"""IMS Common Cartridge: the whole course in one file, ``lms/<course slug>.imscc`` (CC 1.3) and ``-cc11.imscc`` (CC 1.1).

A cartridge carries the built site (read from the output folder, as the SCORM
packages do, so the site and its PDFs must be written first):

- per module, in course order, a folder of the organisation holding the
  module page (web content: the site's page with its images, fonts and style
  sheets), its handout (the module's PDF, a file) and its quizzes (CC
  assessments);
- the glossary page, last;
- every other file the learner pages link to, in one shared web content
  resource the others depend on.

Quizzes are QTI 1.2 in the Common Cartridge profile (``cc.*.v0p1`` items),
one assessment file valid in both versions' profiles. The profile has single
and multiple choice, true/false and fill-in-the-blank only, and no ranges (CC
1.1's has no ``or`` either), so: every accepted short answer (and its
normalised spelling) is its own right-answer condition; a numeric question is
a fill-in-the-blank whose right answer is the exact number (stricter than the
course when it has a tolerance); a matching or ordering question becomes one
multiple-choice item per prompt or position, worth its share of the points
(our rule: points/n per right pair). CC 1.1's single choice needs three
options: a question with two is a CC true/false item (graded the same). Item
weights (``cc_weighting``, a whole number 1-99 in the profile) are the points
scaled by one factor per quiz, so every item keeps its share of the quiz.

Canvas, Blackboard and Brightspace import CC 1.3; Moodle's importer
(``backup/converter/imscc11``) takes CC 1.1 only, hence the second file.
Right-to-left pages stay as the site wrote them (``dir="rtl"``), and HTML in
the quiz texts is wrapped in ``dir="rtl"`` as in the QTI 1.2 export.
"""

from __future__ import annotations

import math
import posixpath
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from lxml import etree
from lxml.builder import ElementMaker

from ..model import Course, Option, Question, Quiz, letter
from ..render.i18n import translate
from ..render.markdown import slug
from . import Written, exporter, labels, lms_dir
from .answers import accepted_answers
from .markup import number, plain
from .qti import xml_bytes
from .qti12 import BUILDERS, NAMESPACE, RESPONSE, XSI, Item, Q, field, html_material, score, shows
from .qti12 import SCHEMA as QTI_SCHEMA
from .scorm import write_zip
from .scorm_site import course_scos, crawl, sco_title, site_reader, split_resources


@dataclass(frozen=True)
class CcVersion:
    kind: str  # the exporter's name and the manifest.json kind
    suffix: str
    cp: str
    lom_manifest: str
    lom_resource: str
    schema_version: str
    assessment: str  # the resource type of an assessment
    cp_location: str


CC13 = CcVersion(
    "imscc",
    ".imscc",
    "http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1",
    "http://ltsc.ieee.org/xsd/imsccv1p3/LOM/manifest",
    "http://ltsc.ieee.org/xsd/imsccv1p3/LOM/resource",
    "1.3.0",
    "imsqti_xmlv1p2/imscc_xmlv1p3/assessment",
    "http://www.imsglobal.org/profile/cc/ccv1p3/ccv1p3_imscp_v1p2_v1p0.xsd",
)
CC11 = CcVersion(
    "imscc11",
    "-cc11.imscc",
    "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1",
    "http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest",
    "http://ltsc.ieee.org/xsd/imsccv1p1/LOM/resource",
    "1.1.0",
    "imsqti_xmlv1p2/imscc_xmlv1p1/assessment",
    "http://www.imsglobal.org/profile/cc/ccv1p1/ccv1p1_imscp_v1p2_v1p0.xsd",
)


def package_name(course: Course, version: CcVersion) -> str:
    return f"{slug(course.title)}{version.suffix}"


# -- quizzes in the CC QTI profile

CC_PROFILE = {
    "single": "cc.multiple_choice.v0p1",
    "multiple": "cc.multiple_response.v0p1",
    "true_false": "cc.true_false.v0p1",
    "short": "cc.fib.v0p1",
    "numeric": "cc.fib.v0p1",
    "matching": "cc.multiple_choice.v0p1",
    "ordering": "cc.multiple_choice.v0p1",
}


@dataclass(frozen=True)
class CcItem:
    ident: str
    title: str
    points: Fraction  # its share of the quiz's points
    element: etree._Element  # the <item> without its metadata


def fill_in(item: Item, answers: list[str]) -> None:
    """A fill-in-the-blank: one condition per right answer (the profile has no ``or``)."""
    fib = Q.render_fib(Q.response_label(ident="answer1", rshuffle="No"))
    item.responses.append(Q.response_str(fib, ident=RESPONSE, rcardinality="Single"))
    for answer in answers:
        item.conditions.append(Q.respcondition(Q.conditionvar(Q.varequal(answer, respident=RESPONSE)), score(100), **{"continue": "No"}))


def item_body(item: Item, prompt_html: str, explanation: str | None) -> list[etree._Element]:
    conditions = list(item.conditions)
    if explanation:
        item.feedback["general_fb"] = item.html(explanation)
        conditions.insert(0, Q.respcondition(Q.conditionvar(Q.other()), shows("general_fb"), **{"continue": "Yes"}))
    processing = Q.resprocessing(Q.outcomes(Q.decvar(maxvalue="100", minvalue="0", varname="SCORE", vartype="Decimal")), *conditions)
    feedback = [Q.itemfeedback(Q.flow_mat(html_material(html)), ident=ident) for ident, html in item.feedback.items()]
    return [Q.presentation(html_material(prompt_html), *item.responses), processing, *feedback]


def cc_items(course: Course, quiz: Quiz, question: Question) -> list[CcItem]:
    """The CC items of one question: one, or one per prompt/position for matching and ordering."""
    ident = f"{quiz.id}-{question.id}"
    points = Fraction(number(question.points))
    item = Item(question, course.direction, course.language, quiz.shuffle, course.interface)
    if question.type in ("single", "multiple", "true_false"):
        BUILDERS[question.type](item)
    elif question.type == "short":
        fill_in(item, accepted_answers(question))
    elif question.type == "numeric":
        fill_in(item, [number(question.answer)])
    else:
        return split_pairs(course, quiz, question, ident, points)
    body = item_body(item, item.html(question.prompt), question.explanation)
    return [CcItem(ident, str(question.id), points, Q.item(*body, ident=ident, title=str(question.id)))]


def split_pairs(course: Course, quiz: Quiz, question: Question, ident: str, points: Fraction) -> list[CcItem]:
    """Matching: "prompt -> ?" per prompt; ordering: "Position n -> ?" per position; each worth points/n."""
    if question.type == "matching":
        asked, offered = [plain(p) for p in question.prompts], [plain(c) for c in question.choices]
    else:
        asked = [labels.position(course.language, n, course.interface) for n in range(1, len(question.items) + 1)]
        offered = [plain(t) for t in question.items]
    share = points / len(asked)
    items = []
    for n, (prompt, right) in enumerate(zip(asked, question.answer, strict=True), start=1):
        options = [Option(text, correct=letter(i) == right) for i, text in enumerate(offered)]
        part = Question(id=f"{question.id}-{n}", type="single", prompt="", points=float(share), options=options)
        item = Item(part, course.direction, course.language, quiz.shuffle, course.interface)
        BUILDERS["single"](item)
        prompt_html = item.html(question.prompt)
        stem = Q.material(Q.mattext(item.option_html(prompt), texttype="text/html"))
        body = item_body(item, prompt_html, question.explanation if n == 1 else None)
        body[0].insert(1, stem)  # the prompt's words under the question's text
        items.append(CcItem(f"{ident}-{n}", f"{question.id}.{n}", share, Q.item(*body, ident=f"{ident}-{n}", title=f"{question.id}.{n}")))
    return items


def weights(items: list[CcItem]) -> list[int] | None:
    """``cc_weighting`` for each item: its points times the smallest factor making every one a whole number, or None if one exceeds 99."""
    factor = math.lcm(*(i.points.denominator for i in items)) if items else 1
    scaled = [int(i.points * factor) for i in items]
    return scaled if all(1 <= w <= 99 for w in scaled) else None


def assessment_document(course: Course, quiz: Quiz) -> etree._Element:
    items = [part for question in quiz.questions for part in cc_items(course, quiz, question)]
    scaled = weights(items)
    for n, part in enumerate(items):
        fields = [field("cc_profile", item_profile(quiz, part)), field("qmd_computerscored", "Yes")]
        if scaled is not None:
            fields.insert(1, field("cc_weighting", str(scaled[n])))
        part.element.insert(0, Q.itemmetadata(Q.qtimetadata(*fields)))
    metadata = Q.qtimetadata(field("cc_profile", "cc.exam.v0p1"), field("qmd_assessmenttype", "Examination"), field("cc_maxattempts", "1"))
    section = Q.section(*(part.element for part in items), ident=f"{quiz.id}-section")
    root = Q.questestinterop(Q.assessment(metadata, section, ident=f"{quiz.id}-cc", title=quiz.title))
    root.set(f"{{{XSI}}}schemaLocation", f"{NAMESPACE} {QTI_SCHEMA}")
    return root


def item_profile(quiz: Quiz, part: CcItem) -> str:
    """The item's CC type. CC 1.1's single choice needs three options or more: one of two is its true/false type."""
    question_id = part.title.split(".")[0]
    profile = CC_PROFILE[next(q.type for q in quiz.questions if str(q.id) == question_id)]
    two = len(part.element.findall(f".//{{{NAMESPACE}}}response_label")) == 2
    return "cc.true_false.v0p1" if profile == "cc.multiple_choice.v0p1" and two else profile


# -- the manifest


def manifest_document(course: Course, site: Path, version: CcVersion) -> tuple[etree._Element, dict[str, str]]:
    """The manifest and the package's files (path in the zip -> path in the site, or ``quiz:<id>`` for an assessment)."""
    M = ElementMaker(namespace=version.cp, nsmap={None: version.cp, "lomimscc": version.lom_manifest, "xsi": XSI})
    L = ElementMaker(namespace=version.lom_manifest)
    scos = course_scos(course)
    read = site_reader(site, {})
    starts = [f"modules/{sco.module.id}.html" for sco in scos] + ["glossary.html"]
    links = crawl(read, starts)
    own, shared = split_resources(links, scos)
    files: dict[str, str] = {}
    resources, organisation = [], []

    def resource(identifier: str, kind: str, paths: list[str], href: str | None = None, depends: tuple[str, ...] = ()):
        element = M.resource(identifier=identifier, type=kind, **({"href": href} if href else {}))
        for path in paths:
            element.append(M.file(href=path))
            files[path] = path
        for other in depends:
            element.append(M.dependency(identifierref=other))
        resources.append(element)

    def titled(identifier: str, title: str, ref: str | None = None, *children) -> etree._Element:
        return M.item(M.title(title), *children, identifier=identifier, **({"identifierref": ref} if ref else {}))

    glossary = "glossary.html" if "glossary.html" in links else None
    handouts = {sco.module.id: f"pdf/{sco.module.id}.pdf" for sco in scos if f"pdf/{sco.module.id}.pdf" in links}
    common = [rel for rel in shared if rel not in (glossary, *handouts.values())]
    resource("res-site", "webcontent", common)
    for sco in scos:
        module = sco.module
        page = f"modules/{module.id}.html"
        mine = [page] + [rel for rel in own[module.id] if rel not in (page, handouts.get(module.id))]
        resource(f"res-{module.id}", "webcontent", mine, href=page, depends=("res-site",))
        children = [titled(f"item-{module.id}-page", module.title, f"res-{module.id}")]
        if module.id in handouts:
            resource(f"res-{module.id}-handout", "webcontent", [handouts[module.id]], href=handouts[module.id])
            children.append(titled(f"item-{module.id}-handout", translate(course.language, "Handout (PDF)"), f"res-{module.id}-handout"))
        for quiz in sco.quizzes:
            path = f"assessments/{quiz.id}/assessment_qti.xml"
            resources.append(M.resource(M.file(href=path), identifier=f"res-{quiz.id}", type=version.assessment))
            files[path] = f"quiz:{quiz.id}"
            children.append(titled(f"item-{quiz.id}", quiz.title, f"res-{quiz.id}"))
        organisation.append(titled(f"item-{module.id}", sco_title(course, sco), None, *children))
    if glossary:
        resource("res-glossary", "webcontent", [glossary], href=glossary, depends=("res-site",))
        organisation.append(titled("item-glossary", translate(course.language, "Glossary"), "res-glossary"))
    title = L.title(L.string(course.title, language=course.language))
    lom = L.lom(L.general(title, L.language(course.language)))
    metadata = M.metadata(M.schema("IMS Common Cartridge"), M.schemaversion(version.schema_version), lom)
    root_item = M.item(*organisation, identifier="root")
    organizations = M.organizations(M.organization(root_item, identifier="organisation", structure="rooted-hierarchy"))
    manifest = M.manifest(metadata, organizations, M.resources(*resources), identifier=f"cc-{slug(course.title)}")
    manifest.set(f"{{{XSI}}}schemaLocation", f"{version.cp} {version.cp_location}")
    return manifest, files


def package_files(course: Course, site: Path, version: CcVersion) -> dict[str, bytes | Path]:
    if not (site / "index.html").is_file():
        raise FileNotFoundError(f"{site}: no built site to package (the Common Cartridge exporters run after the site is written)")
    manifest, files = manifest_document(course, site, version)
    quizzes = {quiz.id: quiz for quiz in course.quizzes}
    content: dict[str, bytes | Path] = {"imsmanifest.xml": xml_bytes(manifest)}
    for path, source in files.items():
        if source.startswith("quiz:"):
            content[path] = xml_bytes(assessment_document(course, quizzes[source[5:]]))
        else:
            content[path] = site / source
    return dict(sorted(content.items(), key=lambda pair: (pair[0] != "imsmanifest.xml", posixpath.splitext(pair[0])[1] == ".pdf")))


def export_cc(course: Course, out_dir: Path, version: CcVersion) -> list[Written]:
    path = lms_dir(out_dir) / package_name(course, version)
    write_zip(path, package_files(course, Path(out_dir), version))
    return [Written(path, version.kind)]


@exporter("imscc")
def export_cc13(course: Course, out_dir: Path) -> list[Written]:
    return export_cc(course, out_dir, CC13)


@exporter("imscc11")
def export_cc11(course: Course, out_dir: Path) -> list[Written]:
    return export_cc(course, out_dir, CC11)
