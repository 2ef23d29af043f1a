"""A hostile course (security review A.2): script, event handlers, ``javascript:`` links and format-breaking strings
in a module, a quiz (title, prompt, options, feedback, explanation, matching and ordering texts), the glossary and
the trainer notes. One real build; then every output format is read back: it must parse, keep its questions, and
hold no active content (no script of the author's, no ``on*`` attribute, no ``javascript:`` URL, no frame, form,
``<base>`` or refresh) anywhere.
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import lxml.html
import pytest
import yaml
from lxml import etree
from pypdf import PdfReader

from course.build.pipeline import BuildOptions, build_course
from tests.package.test_exports import parse_gift
from tests.pdftext import need_poppler, pdftotext

ENGLISH = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "english-course"
QUIZ = "customs-basics-quiz"

# Every hostile string names itself in its alert, so whatever survives says where it came from.
ATTACK = (
    "<script>alert('{0}-script')</script> "
    "<img src=x onerror=\"alert('{0}-onerror')\"> "
    "[md link](javascript:alert('{0}-mdjs')) "
    "<a href=\"javascript:alert('{0}-rawjs')\">raw link</a> "
    "]]> </text></question> {{=INJECT}} ~%100%gift-inject # :: \\"
)
MODULE_ATTACK = """

<script>alert('m-script')</script>

<img alt="terminal" src="customs-basics/terminal.png" onerror="alert('m-onerror')">

<a href="javascript:alert('m-rawjs')">raw js</a> and [md js](javascript:alert('m-mdjs'))

<base href="https://evil.example/">

<meta http-equiv="refresh" content="0;url=https://evil.example/">

<form action="https://evil.example/"><input name="q"><button>Send</button></form>

<iframe src="https://evil.example/"></iframe>

<object data="https://evil.example/x.swf"></object><embed src="https://evil.example/x.swf">

<div onmouseover="alert('m-hover')">hover</div>

</main><p>after the break-out</p>

<svg onload="alert('m-svg')"><circle r="4"/></svg>

<a href="data:text/html,<script>alert('m-data')</script>">data link</a>

<style>body { background: url(https://evil.example/track) }</style>

<link rel="attachment" href="customs-basics/terminal.png"><a rel="attachment" href="customs-basics/terminal.png">attached</a>
"""
ACTIVE_TAGS = {"iframe", "frame", "object", "embed", "base", "svg", "applet"}
SCHEME = re.compile(r"^\s*[a-z][a-z0-9+.-]*:", re.I)  # an absolute URL (a relative one is the package's own)
SCHEME_NOT_WEB = re.compile(r"^\s*(javascript|vbscript|data)\s*:", re.I)
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "xlink:href", "background"}


def hostile(where: str) -> str:
    return ATTACK.format(where)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, list]:
    root = tmp_path_factory.mktemp("hostile") / "course"
    shutil.copytree(ENGLISH, root)
    module = root / "modules" / "customs-basics.md"
    module.write_text(module.read_text(encoding="utf-8") + MODULE_ATTACK, encoding="utf-8")
    quiz_file = root / "quizzes" / f"{QUIZ}.yaml"
    quiz = yaml.safe_load(quiz_file.read_text(encoding="utf-8"))
    quiz["title"] = "Check <script>alert('title')</script> ]]> {=~#:} </text></question>\n\n::evil::[html]<b>x</b>{=T}"
    questions = {q["id"]: q for q in quiz["questions"]}
    questions["q1"].update(prompt=hostile("prompt"), explanation=hostile("explanation"))
    questions["q1"]["options"][0]["text"] = hostile("option")
    questions["q1"]["options"][1]["feedback"] = hostile("feedback")
    questions["q6"]["prompts"][0] = hostile("pair")
    questions["q6"]["choices"][2] = hostile("choice")
    questions["q7"]["items"][2] = hostile("item")
    quiz_file.write_text(yaml.safe_dump(quiz, allow_unicode=True, sort_keys=False), encoding="utf-8")
    glossary_file = root / "glossary.yaml"
    glossary = yaml.safe_load(glossary_file.read_text(encoding="utf-8"))
    glossary[0]["definition"] = hostile("glossary")
    glossary_file.write_text(yaml.safe_dump(glossary, allow_unicode=True, sort_keys=False), encoding="utf-8")
    (root / "trainer").mkdir(exist_ok=True)
    (root / "trainer" / "customs-basics.md").write_text("Notes for the trainer.\n\n" + hostile("notes") + "\n", encoding="utf-8")
    out = root.parent / "dist"
    report = build_course(root, BuildOptions(out=out, jobs=1))
    return out, report.problems


def active_in_html(markup: str, where: str) -> list[str]:
    """The active content an HTML document or fragment holds (the site's own scripts and JSON data excepted)."""
    if not markup.strip():
        return []
    found = []
    for element in lxml.html.fromstring(markup).iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        if tag == "script":
            own = element.get("src") and not re.match(SCHEME, element.get("src")) and not (element.text or "").strip()
            data = element.get("type") == "application/json" and "<" not in element.text and json.loads(element.text) is not None
            if not (own or data):
                found.append(f"{where}: <script> {(element.text or element.get('src') or '')[:60]}")
        elif tag in ACTIVE_TAGS and not (tag == "iframe" and not re.match(SCHEME, element.get("src") or "javascript:")):
            found.append(f"{where}: <{tag}>")  # (a SCORM package frames its own pages: an iframe with a relative src)
        elif tag == "form" and re.match(SCHEME, element.get("action") or ""):
            found.append(f"{where}: <form action={element.get('action')}>")
        elif tag == "meta" and (element.get("http-equiv") or "").lower() == "refresh":
            found.append(f"{where}: <meta http-equiv=refresh>")
        elif tag == "style" and "evil" in (element.text or ""):
            found.append(f"{where}: <style> of the author's")
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                found.append(f"{where}: {name}= on <{tag}>")
            elif name.lower() in URL_ATTRIBUTES and re.match(SCHEME_NOT_WEB, value):
                found.append(f"{where}: {name}={value[:40]} on <{tag}>")
            elif name.lower() == "style" and "url(" in value:
                found.append(f"{where}: style={value[:40]}")
    return found


def active_in_xml(root: etree._Element, where: str) -> list[str]:
    """Active content as XML elements (QTI's XHTML), and inside every text an LMS reads as HTML (Moodle's ``format="html"``)."""
    found = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        local = etree.QName(element).localname.lower()
        if local == "script" or local in ACTIVE_TAGS:
            found.append(f"{where}: <{local}>")
        for name, value in element.attrib.items():
            name = etree.QName(name).localname.lower()
            if name.startswith("on") or (name in URL_ATTRIBUTES and re.match(SCHEME_NOT_WEB, value)):
                found.append(f"{where}: {name}={value[:40]}")
        parent = element.getparent()
        if local == "text" and parent is not None and parent.get("format") == "html":
            found += active_in_html(element.text or "", where)
    return found


def test_check_names_each_removal_at_its_line(built):
    _, problems = built
    shown = [str(p) for p in problems]
    module_lines = (ENGLISH / "modules" / "customs-basics.md").read_text(encoding="utf-8").count("\n")
    for what in ("<script>", "onerror from <img>", "<base>", "<meta>", "<form>", "<iframe>", "<object>", "<embed>", "<svg>", "<style>"):
        hits = [s for s in shown if s.startswith("modules/customs-basics.md:") and f"removed {what}" in s]
        assert hits, (what, shown)
        assert int(hits[0].split(":")[1]) > module_lines, hits  # at the appended line, not the top of the body
    at_46 = [s for s in shown if s.startswith("modules/customs-basics.md:46:")]  # the raw and the Markdown javascript: link
    assert any("removed href=\"javascript:alert('m-rawjs')\" from <a>" in s for s in at_46), shown
    assert any('removed href="javascript:alert(" from <a>' in s for s in at_46), shown
    assert any("removed </main>" in s for s in shown), shown
    assert any(s.startswith(f"quizzes/{QUIZ}.yaml:") and "warning: removed <script>" in s for s in shown), shown
    assert any(s.startswith("trainer/customs-basics.md:3: warning: removed <script>") for s in shown), shown
    assert all(not p.is_error for p in problems), shown


def test_site_pages_hold_no_active_content(built):
    out, _ = built
    pages = sorted(out.glob("*.html")) + sorted((out / "modules").glob("*.html")) + sorted((out / "quizzes").glob("*.html"))
    assert len(pages) >= 5
    found = [hit for page in pages for hit in active_in_html(page.read_text(encoding="utf-8"), page.name)]
    assert not found, found
    module = (out / "modules" / "customs-basics.html").read_text(encoding="utf-8")
    assert module.count("</main>") == 1 and "after the break-out" in module
    content = "//main//form|//main//input|//main//button|//main//iframe"  # the header's search box and colour toggle are the site's
    assert not lxml.html.fromstring(module).xpath(content)  # the author's form and frame are gone
    quiz = (out / "quizzes" / f"{QUIZ}.html").read_text(encoding="utf-8")
    data = lxml.html.fromstring(quiz).get_element_by_id("quiz-data")
    assert len(json.loads(data.text)["questions"]) == 7  # the JSON block is whole: the prompts did not break out of it


def test_scorm_packages_hold_no_active_content(built):
    out, _ = built
    packages = sorted((out / "lms").glob("*scorm*.zip"))
    assert len(packages) == 2
    for package in packages:
        with zipfile.ZipFile(package) as archive:
            etree.fromstring(archive.read("imsmanifest.xml"))
            found = [
                hit
                for name in archive.namelist()
                if name.endswith(".html")
                for hit in active_in_html(archive.read(name).decode("utf-8"), f"{package.name}:{name}")
            ]
        assert not found, found


def test_qti_items_hold_no_active_content(built):
    out, _ = built
    with zipfile.ZipFile(out / "lms" / f"{QUIZ}-qti.zip") as archive:
        items = [name for name in archive.namelist() if name.startswith("items/")]
        assert len(items) == 7
        xml = [name for name in archive.namelist() if name.endswith(".xml")]
        found = [hit for name in xml for hit in active_in_xml(etree.fromstring(archive.read(name)), name)]
    assert not found, found


def test_moodle_xml_holds_no_active_content(built):
    out, _ = built
    root = etree.parse(str(out / "lms" / f"{QUIZ}.moodle.xml")).getroot()
    kinds = [q.get("type") for q in root.iter("question")]
    assert kinds.count("category") == 1 and len(kinds) == 8, kinds  # no question injected by </text></question>
    found = active_in_xml(root, "moodle")
    assert not found, found
    category = root.find("question[@type='category']/category/text").text
    assert "Check <script>alert('title')<//script> ]]> {=~#:} <//text><//question>" in category  # the title, as plain text


def test_gift_holds_no_active_content(built):
    out, _ = built
    text = (out / "lms" / f"{QUIZ}.gift").read_text(encoding="utf-8")
    questions = parse_gift(text)
    assert [q["name"] for q in questions] == ["q1", "q2", "q3", "q4", "q5", "q6", "q7"]
    assert questions[0]["type"] == "multichoice" and len(questions[0]["answers"]) == 3
    fields = [q["questiontext"] for q in questions] + [q["generalfeedback"] for q in questions]
    fields += [part for q in questions for answer in q.get("answers", []) if isinstance(answer, tuple) for part in answer[1:]]
    fields += [part for q in questions for pair in q.get("pairs", []) for part in pair]
    found = [hit for field in fields if isinstance(field, str) for hit in active_in_html(field, "gift")]
    assert not found, found
    assert text.count("$CATEGORY:") == 1 and "\n::evil::" not in text  # the title's line breaks start no question


def test_pdfs_carry_no_script_and_show_the_words(built):
    need_poppler()
    out, _ = built
    pdfs = sorted((out / "pdf").rglob("*.pdf"))
    assert len(pdfs) >= 5
    for pdf in pdfs:
        reader = PdfReader(pdf)
        root = reader.trailer["/Root"]
        assert "/OpenAction" not in root and "/JavaScript" not in (root.get("/Names") or {}), pdf
        assert not reader.attachments, pdf
        actions = [annotation.get_object().get("/A") or {} for page in reader.pages for annotation in page.get("/Annots") or []]
        assert not [a for a in actions if a.get("/S") in ("/JavaScript", "/Launch") or re.match(SCHEME_NOT_WEB, a.get("/URI", ""))], pdf
    key = pdftotext(out / "pdf" / "quizzes" / f"{QUIZ}-key.pdf")
    assert "raw link" in key and "evil.example" not in key


def test_classroom_pages_hold_no_active_content(built, tmp_path):
    pytest.importorskip("starlette")
    from starlette.testclient import TestClient

    from tests.classroom.fixtures import PASSWORD, TRAINER, create_class, joined_learner, make_app, set_password, signed_in_trainer

    out, _ = built
    app = make_app(f"sqlite:///{tmp_path / 'classroom.db'}", out, course_root=out.parent / "course")
    with TestClient(app):
        app.state.classroom.database.write_now(lambda connection: set_password(connection, TRAINER, PASSWORD))
        trainer = signed_in_trainer(app)
        class_id = create_class(trainer)
        learner = joined_learner(app)
        pages = {
            "dashboard": trainer.get("/trainer"),
            "class": trainer.get(f"/trainer/classes/{class_id}"),
            "quiz report": trainer.get(f"/trainer/classes/{class_id}/quizzes/{QUIZ}"),
            "learner quiz": learner.get(f"/quizzes/{QUIZ}.html"),
            "learner module": learner.get("/modules/customs-basics.html"),
        }
    for name, response in pages.items():
        assert response.status_code == 200, (name, response.text[:300])
    found = [hit for name, response in pages.items() for hit in active_in_html(response.text, name)]
    assert not found, found


def active_in_qti12(root: etree._Element, where: str) -> list[str]:
    """QTI 1.2 holds its HTML as the text of ``mattext texttype="text/html"``: what an LMS renders."""
    found = active_in_xml(root, where)
    for element in root.iter("{*}mattext"):
        found += active_in_html(element.text or "", where) if element.get("texttype") == "text/html" else []
    return found


def test_qti12_assessment_holds_no_active_content(built):
    out, _ = built
    with zipfile.ZipFile(out / "lms" / f"{QUIZ}-qti12.zip") as archive:
        root = etree.fromstring(archive.read(f"{QUIZ}/{QUIZ}.xml"))
    assert len(root.findall(".//{*}item")) == 7  # no item injected by the texts
    found = active_in_qti12(root, "qti12")
    assert not found, found


def test_common_cartridges_and_cmi5_package_hold_no_active_content(built):
    out, _ = built
    packages = sorted((out / "lms").glob("*.imscc")) + sorted((out / "lms").glob("*-cmi5.zip"))
    assert len(packages) == 3
    for package in packages:
        with zipfile.ZipFile(package) as archive:
            found = []
            for name in archive.namelist():
                if name.endswith(".html"):
                    found += active_in_html(archive.read(name).decode("utf-8"), f"{package.name}:{name}")
                elif name.endswith(".xml"):
                    found += active_in_qti12(etree.fromstring(archive.read(name)), f"{package.name}:{name}")
        assert not found, found
