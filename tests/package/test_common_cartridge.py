"""IMS Common Cartridge (``lms/<slug>.imscc``, CC 1.3, and ``-cc11.imscc``, CC 1.1).

Each cartridge is validated against its own version's IMS schemas with lxml:
the manifest against the CC profile of IMS CP 1.2 (which imports the LOM
manifest and resource profiles, the authorization and the curriculum
standards schemas), every assessment against the CC profile of QTI 1.2.1, and
the Schematron rules embedded in both XSDs are run too (the profile's
constraints beyond the XSD: metadata vocabularies, one file per assessment,
...). CC 1.1: the schemas Moodle's importer ships and validates with
(``schemas/cc11``). CC 1.3: IMS's published ``ccv1p3_*`` XSDs
(``schemas/cc13``, sources in ``schemas/SOURCES.md``), whose imports name
IMS's URLs and are served from the vendored copies. A resource type the
cartridge gains without a schema check here fails the test. Then Canvas's QTI
converter (the same program its CC importer runs on each assessment) reads
every assessment, and Canvas's scoring of what it reads agrees with the
course's grading core.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import pytest
from lxml import etree

from course.load import load_course
from course.model import Course, Question, letter
from course.package.common_cartridge import CC11, CC13, CcVersion, assessment_document, package_name
from course.package.qti import xml_bytes
from course.render.markdown import slug

from .test_exports import ENGLISH, REPO, STRICTER, VECTORS, expected, probe_course, sample_responses, vector_cases
from .test_qti12 import canvas_questions, canvas_score, run_converter

SCHEMAS = Path(__file__).parent / "schemas"
SCH = "http://purl.oclc.org/dsdl/schematron"
QTI = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"


class VendoredImports(etree.Resolver):
    """The CC 1.3 XSDs import each other (and W3C's xml.xsd) by their published URLs: each comes from the vendored file of that name."""

    def resolve(self, url, pubid, context):
        local = SCHEMAS / "cc13" / url.rsplit("/", 1)[-1]
        return self.resolve_filename(str(local), context) if local.is_file() else None


def xml_schema(path: Path) -> etree.XMLSchema:
    parser = etree.XMLParser()
    parser.resolvers.add(VendoredImports())
    return etree.XMLSchema(etree.parse(str(path), parser))


@dataclass(frozen=True)
class Schemas:
    manifest: Path  # the XSD the manifest is validated with
    rules: Path  # the XSD whose Schematron rules the manifest must keep
    assessment: Path  # the CC QTI profile: XSD and Schematron rules


SCHEMAS_OF = {
    CC11: Schemas(
        SCHEMAS / "cc11" / "cc11libxml2validator.xsd",
        SCHEMAS / "cc11" / "ccv1p1_imscp_v1p2_v1p0.xsd",
        SCHEMAS / "cc11" / "ccv1p1_qtiasiv1p2p1_v1p0.xsd",
    ),
    CC13: Schemas(
        SCHEMAS / "cc13" / "ccv1p3_imscp_v1p2_v1p0.xsd",
        SCHEMAS / "cc13" / "ccv1p3_imscp_v1p2_v1p0.xsd",
        SCHEMAS / "cc13" / "ccv1p3_qtiasiv1p2p1_v1p0.xsd",
    ),
}


def load(root: Path) -> Course:
    course, problems = load_course(root)
    assert course is not None, problems
    return course


@pytest.fixture(scope="module")
def english() -> Course:
    return load(ENGLISH)


@pytest.fixture(scope="module")
def shipped() -> Course:
    return load(REPO)


def unpack(path: Path, into: Path) -> Path:
    with zipfile.ZipFile(path) as archive:
        archive.extractall(into)
    return into


def schematron_failures(xsd: Path, document: etree._Element) -> list[str]:
    """The Schematron rules embedded in an IMS XSD, run with lxml's XPath (first matching rule per pattern, as Schematron fires)."""
    schema = etree.parse(str(xsd))
    namespaces = {n.get("prefix"): n.get("uri") for n in schema.iter(f"{{{SCH}}}ns")}
    failures = []
    for pattern in schema.iter(f"{{{SCH}}}pattern"):
        fired: set = set()
        for rule in pattern.iter(f"{{{SCH}}}rule"):
            parts = [part.strip() for part in rule.get("context").split("|")]
            context = " | ".join(part if part.startswith("/") else "//" + part for part in parts)
            for node in document.xpath(context, namespaces=namespaces):
                if node in fired:
                    continue
                fired.add(node)
                for check in rule.iter(f"{{{SCH}}}assert"):
                    if not node.xpath(f"boolean({check.get('test')})", namespaces=namespaces):
                        failures.append(" ".join("".join(check.itertext()).split()))
    return failures


def check_cartridge(path: Path, tmp: Path, version: CcVersion) -> etree._Element:
    folder = unpack(path, tmp / path.stem)
    manifest = etree.parse(str(folder / "imsmanifest.xml")).getroot()
    schemas = SCHEMAS_OF[version]
    schema = xml_schema(schemas.manifest)
    assert schema.validate(manifest), schema.error_log
    assert not schematron_failures(schemas.rules, manifest)
    qti = xml_schema(schemas.assessment)
    listed = {"imsmanifest.xml"}
    cp = manifest.nsmap[None]
    for resource in manifest.iter(f"{{{cp}}}resource"):
        files = [f.get("href") for f in resource.iter(f"{{{cp}}}file")]
        listed.update(files)
        if resource.get("href"):
            assert resource.get("href") in files
        assert resource.get("type") in ("webcontent", version.assessment), "a resource type with no schema check here"
        if resource.get("type") == version.assessment:
            assert len(files) == 1 and resource.get("href") is None
            assessment = etree.parse(str(folder / files[0])).getroot()
            assert qti.validate(assessment), qti.error_log
            assert not schematron_failures(schemas.assessment, assessment)
    with zipfile.ZipFile(path) as archive:
        assert set(archive.namelist()) == listed, "every file of the cartridge is in one resource, and every listed file is there"
    return manifest


def test_both_cartridges_are_in_manifest_json(english_build, english):
    outputs = json.loads((english_build / "manifest.json").read_text(encoding="utf-8"))["outputs"]
    for version in (CC13, CC11):
        [entry] = [e for e in outputs if e["kind"] == version.kind]
        assert entry["path"] == f"lms/{package_name(english, version)}" == f"lms/{slug(english.title)}{version.suffix}"


@pytest.mark.parametrize("version", [CC11, CC13], ids=["cc11", "cc13"])
def test_the_cartridge_is_valid_against_the_ims_cc_schemas_and_rules(english_build, english, tmp_path, version):
    check_cartridge(english_build / "lms" / package_name(english, version), tmp_path, version)


@pytest.mark.parametrize("version", [CC11, CC13], ids=["cc11", "cc13"])
def test_a_broken_cartridge_is_caught_by_the_schemas_and_rules(english_build, english, tmp_path, version):
    """Each check can fail: the CP profile, the LOM profile it imports, the profile's rules, the QTI profile and its rules."""
    path = english_build / "lms" / package_name(english, version)
    manifest = check_cartridge(path, tmp_path, version)
    schemas = SCHEMAS_OF[version]
    cp, lom = manifest.nsmap[None], manifest.nsmap["lomimscc"]

    manifest_schema = xml_schema(schemas.manifest)
    wrong_version, foreign_lom, listed_twice = (etree.fromstring(etree.tostring(manifest)) for _ in range(3))
    wrong_version.find(f".//{{{cp}}}schemaversion").text = "1.2.0"
    foreign_lom.find(f".//{{{lom}}}general").insert(0, etree.Element(f"{{{lom}}}bogus"))
    page = listed_twice.find(f".//{{{cp}}}resource[@href]")
    page.insert(1, etree.Element(f"{{{cp}}}file", href=page.get("href")))
    assert not manifest_schema.validate(wrong_version) and not manifest_schema.validate(foreign_lom)
    assert manifest_schema.validate(listed_twice) and schematron_failures(schemas.rules, listed_twice), "a file listed twice is a rule"
    with zipfile.ZipFile(path) as archive:
        assessment = etree.fromstring(archive.read("assessments/customs-basics-quiz/assessment_qti.xml"))
    qti = xml_schema(schemas.assessment)
    score = assessment.find(f".//{QTI}decvar")
    score.set("varname", "POINTS")
    assert not qti.validate(assessment), "the profile declares SCORE only"
    score.set("varname", "SCORE")
    assessment.find(f".//{QTI}fieldlabel").text = "question_type"
    assert qti.validate(assessment) and schematron_failures(schemas.assessment, assessment), (
        "the profile's rules must catch a foreign field"
    )


def test_moodle_detects_the_cc11_cartridge_and_not_the_cc13_one(english_build, english):
    """Moodle's ``imscc11`` converter (``detect_format``) reads the manifest's first 1024 bytes, lower-cased, without
    spaces and quotes, and looks for the CC 1.1 namespace: Moodle imports CC 1.1 only."""

    def detected(version) -> bool:
        archive = zipfile.ZipFile(english_build / "lms" / package_name(english, version))
        head = archive.read("imsmanifest.xml")[:1024].decode("utf-8", "replace")
        head = "".join(head.lower().split()).replace("'", "").replace('"', "")
        return "xmlns=http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1" in head

    assert detected(CC11) and not detected(CC13)


def test_organisation_follows_the_course_with_pages_handouts_quizzes_and_glossary(english_build, english, tmp_path):
    manifest = check_cartridge(english_build / "lms" / package_name(english, CC13), tmp_path, CC13)
    cp = manifest.nsmap[None]
    root = manifest.find(f"{{{cp}}}organizations/{{{cp}}}organization/{{{cp}}}item")
    folders = list(root.iterchildren(f"{{{cp}}}item"))
    assert [f.get("identifier") for f in folders] == [f"item-{m.id}" for m in english.modules] + ["item-glossary"]
    resources = {r.get("identifier"): r for r in manifest.iter(f"{{{cp}}}resource")}
    for module, folder in zip(english.modules, folders, strict=False):
        refs = [resources[i.get("identifierref")] for i in folder.iterchildren(f"{{{cp}}}item")]
        assert refs[0].get("href") == f"modules/{module.id}.html"
        assert refs[1].get("href") == f"pdf/{module.id}.pdf"
        assert [r.get("type") for r in refs[2:]] == [CC13.assessment] * len(english.quizzes_for(module.id))
    files = {f.get("href") for f in manifest.iter(f"{{{cp}}}file")}
    assert "modules/customs-basics/terminal.png" in files and any(f.startswith("assets/fonts/") for f in files)
    assert not any("-key" in f for f in files), "answer keys stay out"


@pytest.mark.slow
def test_the_arabic_course_keeps_its_titles_and_right_to_left_pages(shipped_build, shipped, tmp_path):
    path = shipped_build / "lms" / package_name(shipped, CC13)
    manifest = check_cartridge(path, tmp_path, CC13)
    cp = manifest.nsmap[None]
    titles = [t.text for t in manifest.iter(f"{{{cp}}}title")]
    assert titles[0].startswith("الوحدة 1: ")
    assert "المسرد" in titles and "المطبوعة (PDF)" in titles
    with zipfile.ZipFile(path) as archive:
        page = etree.fromstring(archive.read(f"modules/{shipped.modules[0].id}.html"), etree.HTMLParser())
        assert page.get("dir") == "rtl" and page.get("lang") == "ar"
        assessment = etree.fromstring(archive.read(f"assessments/{shipped.quizzes[0].id}/assessment_qti.xml"))
        prompts = [m.text for m in assessment.iter(f"{QTI}mattext")]
        assert prompts and all(p.startswith(('<div dir="rtl">', '<span dir="rtl">')) for p in prompts)


# == one grading: what Canvas's CC importer makes of each assessment ===========


def canvas_cc_scores(english_build: Path, course: Course, tmp: Path) -> dict:
    """Each quiz's assessment through Canvas's QTI converter (``CC::Importer::Standard::QuizConverter``), read as Canvas does."""
    read = {}
    with zipfile.ZipFile(english_build / "lms" / package_name(course, CC13)) as archive:
        for quiz in course.quizzes:
            source = tmp / quiz.id / "in"
            source.mkdir(parents=True)
            (source / "assessment_qti.xml").write_bytes(archive.read(f"assessments/{quiz.id}/assessment_qti.xml"))
            read[quiz.id] = canvas_questions(run_converter(source, tmp / quiz.id / "out"))
    return read


def test_canvas_scores_the_cartridge_quizzes_like_the_course(english_build, english, tmp_path):
    read = canvas_cc_scores(english_build, english, tmp_path)
    for quiz in english.quizzes:
        parts = read[quiz.id]
        total = sum(p["points"] for p in parts.values())
        factor = Fraction(total).limit_denominator() / Fraction(str(quiz.max_points))
        for q in quiz.questions:
            mine = {k: v for k, v in parts.items() if k == f"{quiz.id}-{q.id}" or k.startswith(f"{quiz.id}-{q.id}-")}
            assert sum(p["points"] for p in mine.values()) == pytest.approx(float(factor * Fraction(str(q.points))))
            for response in sample_responses(q):
                if q.type in ("matching", "ordering"):
                    given = list(response) + [None] * (len(mine) - len(response))
                    got = sum(canvas_score(q, mine[f"{quiz.id}-{q.id}-{n}"], given[n - 1]) for n in range(1, len(mine) + 1))
                else:
                    question = next(iter(mine.values()))
                    if q.type == "multiple":
                        question = {**question, "type": "multiple_answers_question"}
                    got = canvas_score(q, question, response)
                if got is None:
                    continue  # a response Canvas's single-choice page cannot give (see the vectors test)
                want = expected(q, response) * float(factor)
                assert got == pytest.approx(want, abs=1e-9) or (q.type in STRICTER and got < want), (quiz.id, q.id, response)


def test_matching_becomes_one_choice_per_prompt_worth_its_share(english_build, english, tmp_path):
    quiz = next(q for q in english.quizzes if any(x.type == "matching" for x in q.questions))
    matching = next(x for x in quiz.questions if x.type == "matching")
    read = canvas_cc_scores(english_build, english, tmp_path)[quiz.id]
    parts = [read[f"{quiz.id}-{matching.id}-{n}"] for n in range(1, len(matching.prompts) + 1)]
    for part, right in zip(parts, matching.answer, strict=True):
        assert [k for k, a in part["answers"].items() if a["weight"] == 100] == [right]
        assert set(part["answers"]) == {letter(i) for i in range(len(matching.choices))}


@pytest.mark.skipif(not VECTORS.is_dir(), reason="tests/vectors is not there")
def test_canvas_scores_the_shared_vectors_from_the_cartridge_like_the_core_or_documented_stricter(tmp_path):
    """Every shared grading vector as a CC assessment item (or items: matching and ordering are split), through
    Canvas's converter and Canvas's scoring: the course's points, or less for the documented cases (short answers
    are not normalised; numeric answers are exact in the CC profile)."""
    cases = vector_cases()
    questions = [Question.from_dict({"prompt": "", **case["question"], "id": f"v{n}"}) for n, case in enumerate(cases)]
    course = probe_course(tmp_path, questions)
    quiz = course.quizzes[0]
    source = tmp_path / "in"
    source.mkdir()
    (source / "assessment_qti.xml").write_bytes(xml_bytes(assessment_document(course, quiz)))
    read = canvas_questions(run_converter(source, tmp_path / "out"))
    total = sum(p["points"] for p in read.values())
    factor = total / quiz.max_points if all("points" in p for p in read.values()) else 1.0
    differ = []
    for n, (case, question) in enumerate(zip(cases, questions, strict=True)):
        mine = {k: v for k, v in read.items() if k == f"probe-v{n}" or k.startswith(f"probe-v{n}-")}
        response = case["response"]
        if question.type in ("matching", "ordering"):
            given = list(response or []) + [None] * len(mine)
            got = sum(canvas_score(question, mine[f"probe-v{n}-{i}"], given[i - 1]) for i in range(1, len(mine) + 1))
        else:
            got = canvas_score(question, next(iter(mine.values())), response)
        want = case["points"] * factor
        if got is None:  # a multiple question with one right option is a single choice in Canvas: one option at most
            assert question.type == "multiple" and sum(o.correct for o in question.options) == 1
            continue
        if got != pytest.approx(want, abs=1e-6):
            differ.append((question.type, case["name"], got, want))
    unexpected = [d for d in differ if d[0] not in STRICTER or d[2] > d[3]]
    assert not unexpected, unexpected
