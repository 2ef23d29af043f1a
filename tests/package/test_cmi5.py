"""cmi5 (``lms/<slug>-cmi5.zip``): the course structure, and the runtime against a real LRS.

``cmi5.xml`` is validated with lxml against the cmi5 specification's own
``CourseStructure.xsd`` (AICC/CMI-5_Spec_Current ``v1/``, vendored in
``schemas/cmi5``).

The end-to-end test plays the LMS of the cmi5 specification: it starts a real
Learning Record Store (Ralph, ``ralph-malph`` on PyPI, installed by
``scripts/install.sh --test`` in its own environment ``.venv-lrs``; set
``COURSE_RALPH_PYTHON`` to use another), serves the unpacked package, hands out
the auth token at the fetch URL, writes ``LMS.LaunchData`` and sends the
``launched`` statement, then launches the quiz AU in Chromium with the cmi5
launch parameters, answers and reads the statements back from Ralph, checking
them against the cmi5 rules (order, verb IRIs, categories, registration,
session id, score and mastery). Ralph implements the xAPI Statements resource
only, not the State resource: the test's LMS server keeps the State documents
itself (a plain document store, GET and PUT by activity, agent, registration
and state id) and forwards everything else to Ralph.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from lxml import etree

from course.grading.rules import grade_question
from course.load import load_course
from course.model import Course, letter
from course.package.cmi5 import NAMESPACE, course_iri, package_name

from .test_exports import ENGLISH, REPO

CMI5 = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
MOVEON = "https://w3id.org/xapi/cmi5/context/categories/moveon"
SESSION = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
MASTERY = "https://w3id.org/xapi/cmi5/context/extensions/masteryscore"
VERB = "http://adlnet.gov/expapi/verbs/"
USER, PASSWORD = "lms", "cmi5-test-secret"
COURSE_STRUCTURE = Path(__file__).parent / "schemas" / "cmi5" / "CourseStructure.xsd"


@pytest.fixture(scope="module")
def english() -> Course:
    course, problems = load_course(ENGLISH)
    assert course is not None, problems
    return course


def test_course_structure_has_one_au_per_module_and_quiz_in_course_order(english_build, english):
    with zipfile.ZipFile(english_build / "lms" / package_name(english)) as archive:
        structure = etree.fromstring(archive.read("cmi5.xml"))
        names = set(archive.namelist())
        pages = {rel: archive.read(rel).decode() for rel in names if rel.endswith(".html")}
    ns = {"c": NAMESPACE}
    assert structure.find("c:course", ns).get("id") == course_iri(english)
    units = structure.findall("c:block/c:au", ns)
    expected = []
    for module in english.modules:
        expected.append((f"modules/{module.id}.html", "Completed", None))
        expected += [
            (f"quizzes/{q.id}.html", "Passed", str(q.pass_mark / 100).rstrip("0").rstrip(".")) for q in english.quizzes_for(module.id)
        ]
    assert [(u.findtext("c:url", namespaces=ns), u.get("moveOn"), u.get("masteryScore")) for u in units] == expected
    assert all(u.findtext("c:url", namespaces=ns) in names for u in units)
    assert "assets/js/cmi5.js" in names
    loading = {rel for rel, page in pages.items() if "cmi5.js" in page}
    assert loading == {u.findtext("c:url", namespaces=ns) for u in units}, "only the AU pages load the cmi5 runtime"
    assert not any("-key" in name for name in names)


def course_structure_of(build: Path, course: Course) -> etree._Element:
    with zipfile.ZipFile(build / "lms" / package_name(course)) as archive:
        return etree.fromstring(archive.read("cmi5.xml"))


def test_course_structure_is_valid_against_the_cmi5_schema(english_build, english):
    schema = etree.XMLSchema(etree.parse(str(COURSE_STRUCTURE)))
    structure = course_structure_of(english_build, english)
    assert schema.validate(structure), schema.error_log
    ns = {"c": NAMESPACE}
    percent, no_url = (etree.fromstring(etree.tostring(structure)) for _ in range(2))
    percent.find("c:block/c:au[@masteryScore]", ns).set("masteryScore", "60")
    url = no_url.find("c:block/c:au/c:url", ns)
    url.getparent().remove(url)
    assert not schema.validate(percent), "masteryScore is 0-1"
    assert not schema.validate(no_url), "an AU has its url"


@pytest.mark.slow
def test_the_arabic_course_structure_is_valid_against_the_cmi5_schema(shipped_build):
    course, problems = load_course(REPO)
    assert course is not None, problems
    schema = etree.XMLSchema(etree.parse(str(COURSE_STRUCTURE)))
    structure = course_structure_of(shipped_build, course)
    assert schema.validate(structure), schema.error_log
    assert {s.get("lang") for s in structure.iter(f"{{{NAMESPACE}}}langstring")} == {"ar"}


# == the end-to-end test against Ralph ========================================


# Ralph's file-system backend (the one that needs no database server) opens its
# statements file in CREATE mode, so only the first write of a run succeeds; the
# test runs Ralph's own app with that backend appending instead. Nothing else of
# Ralph is changed.
APPENDING_RALPH = """
import sys
import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend
FSLRSBackend.default_operation_type = BaseOperationType.APPEND
uvicorn.run("ralph.api:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


def ralph_python() -> str | None:
    for candidate in (os.environ.get("COURSE_RALPH_PYTHON"), str(REPO / ".venv-lrs" / "bin" / "python")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def basic() -> str:
    return base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()


@pytest.fixture(scope="module")
def ralph(tmp_path_factory):
    """A real LRS, for this module's tests only: started here, stopped at the end (and bounded by a timeout)."""
    python = ralph_python()
    if python is None:
        pytest.skip("Ralph (ralph-malph) is not installed: scripts/install.sh --test puts it in .venv-lrs")
    home = tmp_path_factory.mktemp("ralph")
    env = dict(os.environ, RALPH_APP_DIR=str(home), RALPH_AUTH_FILE=str(home / "auth.json"), RALPH_RUNSERVER_BACKEND="fs")
    env.update(RALPH_LRS_BACKEND="fs", RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH=str(home / "data"))
    made = subprocess.run(
        [python, "-m", "ralph", "auth", "-u", USER, "-p", PASSWORD, "-s", "all", "-M", "mailto:lms@example.org", "-w"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert made.returncode == 0, made.stderr
    port = free_port()
    server = subprocess.Popen(
        ["timeout", "600", python, "-c", APPENDING_RALPH, str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/xAPI/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                request = urllib.request.Request(
                    url + "statements?limit=1", headers={"Authorization": f"Basic {basic()}", "X-Experience-API-Version": "1.0.3"}
                )
                with urllib.request.urlopen(request, timeout=5):
                    break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)


class Lms:
    """The LMS side: package files, the one-use fetch URLs, the State documents, and Ralph behind /xapi/."""

    def __init__(self, content: Path, lrs: str):
        self.content, self.lrs, self.states, self.tokens = content, lrs, {}, {}
        lms = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                lms.handle(self, "GET")

            def do_POST(self):
                lms.handle(self, "POST")

            def do_PUT(self):
                lms.handle(self, "PUT")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def reply(self, handler, status: int, body: bytes = b"", kind: str = "application/json"):
        handler.send_response(status)
        handler.send_header("Content-Type", kind)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def handle(self, handler, method: str):
        url = urllib.parse.urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        if url.path.startswith("/content/"):
            path = self.content / urllib.parse.unquote(url.path[len("/content/") :])
            kinds = {".html": "text/html", ".js": "text/javascript", ".css": "text/css"}
            return (
                self.reply(handler, 200, path.read_bytes(), kinds.get(path.suffix, "application/octet-stream"))
                if path.is_file()
                else self.reply(handler, 404)
            )
        if url.path.startswith("/fetch/"):
            key = url.path[len("/fetch/") :]
            if self.tokens.get(key) != "fresh":  # cmi5 8.2.3: the fetch URL gives the token once
                return self.reply(handler, 200, json.dumps({"error-code": "1", "error-text": "already used"}).encode())
            self.tokens[key] = "used"
            return self.reply(handler, 200, json.dumps({"auth-token": basic()}).encode())
        if url.path == "/xapi/activities/state":
            query = dict(urllib.parse.parse_qsl(url.query))
            key = (query["activityId"], json.dumps(json.loads(query["agent"]), sort_keys=True), query.get("registration"), query["stateId"])
            if method == "PUT":
                self.states[key] = body
                return self.reply(handler, 204)
            return self.reply(handler, 200, self.states[key]) if key in self.states else self.reply(handler, 404)
        if url.path.startswith("/xapi/"):
            forwarded = urllib.request.Request(
                self.lrs + url.path[len("/xapi/") :] + (f"?{url.query}" if url.query else ""),
                data=body if method != "GET" else None,
                method=method,
                headers={
                    k: v for k, v in handler.headers.items() if k.lower() in ("authorization", "content-type", "x-experience-api-version")
                },
            )
            try:
                with urllib.request.urlopen(forwarded, timeout=30) as answer:
                    return self.reply(handler, answer.status, answer.read())
            except urllib.error.HTTPError as error:
                return self.reply(handler, error.code, error.read())
        return self.reply(handler, 404)

    # -- what an LMS does before a launch (cmi5 section 8 and 10)

    def put_state(self, activity: str, actor: dict, registration: str, state: str, value: dict):
        self.states[(activity, json.dumps(actor, sort_keys=True), registration, state)] = json.dumps(value).encode()

    def send(self, statement: dict):
        request = urllib.request.Request(
            self.lrs + "statements",
            data=json.dumps(statement).encode(),
            method="POST",
            headers={"Authorization": f"Basic {basic()}", "Content-Type": "application/json", "X-Experience-API-Version": "1.0.3"},
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            assert answer.status == 200

    def launch_url(
        self, rel: str, activity: str, actor: dict, registration: str, mastery: float | None, move_on: str = "Passed"
    ) -> tuple[str, str]:
        session = str(uuid.uuid4())
        template = {"contextActivities": {"grouping": [{"id": activity, "objectType": "Activity"}]}, "extensions": {SESSION: session}}
        self.put_state(
            activity,
            actor,
            registration,
            "LMS.LaunchData",
            {
                "contextTemplate": template,
                "launchMode": "Normal",
                "moveOn": "Passed",
                "masteryScore": mastery,
                "returnURL": self.base + "done",
            },
        )
        launched = {
            "id": str(uuid.uuid4()),
            "actor": actor,
            "verb": {"id": VERB + "launched", "display": {"en-US": "launched"}},
            "object": {"id": activity, "objectType": "Activity"},
            "context": {
                "registration": registration,
                "contextActivities": {
                    "category": [{"id": CMI5, "objectType": "Activity"}],
                    "grouping": template["contextActivities"]["grouping"],
                },
                "extensions": {
                    SESSION: session,
                    "https://w3id.org/xapi/cmi5/context/extensions/launchmode": "Normal",
                    "https://w3id.org/xapi/cmi5/context/extensions/launchurl": self.base + "content/" + rel,
                    "https://w3id.org/xapi/cmi5/context/extensions/moveon": move_on,
                },
            },
            "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
        }
        self.send(launched)
        key = str(uuid.uuid4())
        self.tokens[key] = "fresh"
        query = urllib.parse.urlencode(
            {
                "endpoint": self.base + "xapi/",
                "fetch": self.base + f"fetch/{key}",
                "actor": json.dumps(actor),
                "registration": registration,
                "activityId": activity,
            }
        )
        return f"{self.base}content/{rel}?{query}", session


def statements_of(lrs: str, registration: str) -> list[dict]:
    query = urllib.parse.urlencode({"registration": registration, "limit": 500, "ascending": "true"})
    request = urllib.request.Request(
        f"{lrs}statements?{query}", headers={"Authorization": f"Basic {basic()}", "X-Experience-API-Version": "1.0.3"}
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        found = json.loads(answer.read())["statements"]
    return sorted((s for s in found if s.get("context", {}).get("registration") == registration), key=lambda s: s["timestamp"])


def right_response(question):
    if question.type == "single":
        return next(letter(i) for i, o in enumerate(question.options) if o.correct)
    if question.type == "multiple":
        return [letter(i) for i, o in enumerate(question.options) if o.correct]
    if question.type == "true_false":
        return bool(question.answer)
    if question.type == "short":
        return question.answers[0]
    if question.type == "numeric":
        return str(question.answer)
    return list(question.answer)


def wait_for(predicate, seconds: float = 20):
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


@pytest.mark.slow
def test_a_launched_quiz_sends_the_cmi5_statements_to_a_real_lrs_and_resumes(ralph, english_build, english, browser, tmp_path):
    content = tmp_path / "package"
    with zipfile.ZipFile(english_build / "lms" / package_name(english)) as archive:
        archive.extractall(content)
    quiz = english.quizzes[0]
    activity = f"{course_iri(english)}/quizzes/{quiz.id}"
    actor = {"objectType": "Agent", "name": "Learner One", "account": {"homePage": "https://lms.example.org", "name": "learner-1"}}
    registration = str(uuid.uuid4())
    responses = {q.id: right_response(q) for q in quiz.questions}
    responses[quiz.questions[0].id] = next(letter(i) for i, o in enumerate(quiz.questions[0].options) if not o.correct)  # one wrong
    earned = {q.id: grade_question(q, responses[q.id]).points for q in quiz.questions}
    scaled = sum(earned.values()) / quiz.max_points
    lms = Lms(content, ralph)
    try:
        url, session = lms.launch_url(f"quizzes/{quiz.id}.html", activity, actor, registration, quiz.pass_mark / 100)
        page = browser.new_page()
        rejected = []
        page.on("response", lambda r: r.status >= 400 and "statements" in r.url and rejected.append((r.url, r.status, r.text())))
        page.goto(url)
        page.wait_for_function("window.CourseCmi5 && (window.CourseCmi5.ready || window.CourseCmi5.error)")
        assert page.evaluate("window.CourseCmi5.error || null") is None
        page.evaluate(
            "(r) => { window.CourseQuiz.setResponses(r); document.getElementById('quiz-form').dispatchEvent(new Event('change')); }",
            responses,
        )
        page.click('[data-action="submit"]')
        wait_for(lambda: rejected or any(s["verb"]["id"] == VERB + "passed" for s in statements_of(ralph, registration)))
        assert not rejected, rejected
        page.goto("about:blank")  # pagehide: terminated
        page.close()
        wait_for(lambda: any(s["verb"]["id"] == VERB + "terminated" for s in statements_of(ralph, registration)))
        found = statements_of(ralph, registration)
        verbs = [s["verb"]["id"][len(VERB) :] for s in found]
        assert verbs == ["launched", "initialized", *["answered"] * len(quiz.questions), "completed", "passed", "terminated"]
        by_au = found[1:]
        for statement in by_au:
            assert statement["actor"]["account"] == actor["account"]
            assert statement["context"]["registration"] == registration
            assert statement["context"]["extensions"][SESSION] == session, "every AU statement carries the launch's session id"
            assert statement["context"]["contextActivities"]["grouping"] == [{"id": activity, "objectType": "Activity"}]
        defined = [s for s in by_au if s["verb"]["id"] != VERB + "answered"]
        for statement in defined:
            assert statement["object"]["id"] == activity
            assert {"id": CMI5, "objectType": "Activity"} in statement["context"]["contextActivities"]["category"]
        for statement in defined[1:]:
            assert statement["result"]["duration"].startswith("PT")
        completed, passed = defined[1], defined[2]
        assert completed["result"]["completion"] is True
        assert {"id": MOVEON, "objectType": "Activity"} in completed["context"]["contextActivities"]["category"]
        assert passed["result"]["success"] is True and passed["result"]["score"]["scaled"] == pytest.approx(scaled, abs=1e-7)
        assert passed["result"]["score"]["scaled"] >= quiz.pass_mark / 100
        assert passed["context"]["extensions"][MASTERY] == quiz.pass_mark / 100
        answered = [s for s in by_au if s["verb"]["id"] == VERB + "answered"]
        for statement, question in zip(answered, quiz.questions, strict=True):
            assert statement["object"]["id"] == f"{activity}/questions/{question.id}"
            assert statement["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/cmi.interaction"
            assert statement["result"]["score"]["raw"] == pytest.approx(earned[question.id])
            assert statement["result"]["success"] == (earned[question.id] >= question.points)
            assert CMI5 not in [c["id"] for c in statement["context"]["contextActivities"].get("category", [])], (
                "answered is not cmi5-defined"
            )

        # a second launch (a new session) gives the answers back from the State API
        url, _ = lms.launch_url(f"quizzes/{quiz.id}.html", activity, actor, registration, quiz.pass_mark / 100)
        page = browser.new_page()
        page.goto(url)
        page.wait_for_function("window.CourseCmi5 && (window.CourseCmi5.ready || window.CourseCmi5.error)")
        restored = page.evaluate("window.CourseQuiz.getResponses()")
        assert {k: restored[k] for k in responses} == responses
        page.close()

        # a module AU: completed once the learner has reached the end of the page
        module = english.modules[0]
        module_activity = f"{course_iri(english)}/modules/{module.id}"
        other = str(uuid.uuid4())
        url, module_session = lms.launch_url(f"modules/{module.id}.html", module_activity, actor, other, None, "Completed")
        page = browser.new_page()
        page.set_viewport_size({"width": 800, "height": 400})
        page.goto(url)
        page.wait_for_function("window.CourseCmi5 && (window.CourseCmi5.ready || window.CourseCmi5.error)")
        page.wait_for_timeout(500)
        assert [s["verb"]["id"][len(VERB) :] for s in statements_of(ralph, other)] == ["launched", "initialized"], (
            "not completed before the end is seen"
        )
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        wait_for(lambda: any(s["verb"]["id"] == VERB + "completed" for s in statements_of(ralph, other)))
        page.goto("about:blank")
        page.close()
        wait_for(lambda: any(s["verb"]["id"] == VERB + "terminated" for s in statements_of(ralph, other)))
        found = statements_of(ralph, other)
        assert [s["verb"]["id"][len(VERB) :] for s in found] == ["launched", "initialized", "completed", "terminated"]
        assert all(s["context"]["extensions"][SESSION] == module_session and s["object"]["id"] == module_activity for s in found)
        assert found[2]["result"]["completion"] is True
    finally:
        lms.close()
