"""What the classroom server shows to whom: hostile requests, on SQLite and on PostgreSQL.

The findings of the security review (B.4, B.6) each have a test named after
the attack; ``HOSTILE`` is a table of raw requests (sent as bytes to the ASGI
app, so that ``/./``, ``/../`` and percent-escapes reach the server as an
attacker would send them: an HTTP client would tidy them up first) with the
status each must end in after following the server's redirects, and the
answers none of them may show.
"""

from __future__ import annotations

import concurrent.futures
import io
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import lxml.html
import pytest
from sqlalchemy import select

from course.build.pipeline import BuildOptions, build_course
from course.classroom import store
from course.classroom import tables as t
from course.classroom.sitefiles import TRAINER_KINDS
from course.classroom.trainers import set_admin, set_password
from tests.classroom.fixtures import (
    ENGLISH,
    PASSWORD,
    TRAINER,
    client,
    create_class,
    form_token,
    joined_learner,
    make_app,
    personal_code,
    quiz_settings,
    right_responses,
    signed_in_trainer,
    submit,
)

pytest_plugins = ["tests.classroom.fixtures"]

EXAM = "customs-basics-quiz"
PRACTICE = "risk-profiling-quiz"
SCORM12 = "lms/port-health-and-customs-basics-scorm12.zip"
SCORM2004 = "lms/port-health-and-customs-basics-scorm2004.zip"
HUGE = "9" * 40


@pytest.fixture(scope="session")
def full_site(tmp_path_factory) -> Path:
    """A full build (PDFs and LMS packages), as `classroom --site` would serve."""
    out = tmp_path_factory.mktemp("classroom-full") / "site"
    build_course(ENGLISH, BuildOptions(out=out))
    return out


@dataclass
class Served:
    app: object
    test_client: object
    room: object
    trainer: object
    learner: object
    class_id: int


def _served(db_url: str, site: Path):
    from starlette.testclient import TestClient

    app = make_app(db_url, site)
    with TestClient(app) as test_client:
        room = app.state.classroom
        room.database.write_now(lambda c: set_password(c, TRAINER, PASSWORD))
        trainer = signed_in_trainer(app)
        class_id = create_class(trainer, code="EXPOSE1")
        assert quiz_settings(trainer, class_id, EXAM, mode="exam", max_attempts="3").status_code == 303
        learner = joined_learner(app, code="EXPOSE1", name="Rania Aziz")
        yield Served(app, test_client, room, trainer, learner, class_id)


@pytest.fixture
def served(db_url, full_site):
    yield from _served(db_url, full_site)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def served_once(request, tmp_path_factory, postgresql, full_site):
    """One server per backend for the whole table (its requests change nothing)."""
    from tests.classroom.fixtures import database_url

    yield from _served(database_url(request.param, tmp_path_factory.mktemp("hostile"), postgresql), full_site)


async def _asgi(app, method: str, raw_path: bytes, headers: list[tuple[bytes, bytes]]):
    """One request as uvicorn would hand it over: ``path`` percent-decoded once, ``raw_path`` as sent."""
    target, _, query = raw_path.partition(b"?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": urllib.parse.unquote(target.decode("latin-1")),
        "raw_path": target,
        "query_string": query,
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 40000),
        "server": ("testserver", 80),
    }
    import anyio

    sent: list[dict] = []
    finished = anyio.Event()
    requested = False

    async def receive():
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await finished.wait()  # as a server does: the client goes away only once it has the response
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)
        if message["type"] == "http.response.body" and not message.get("more_body"):
            finished.set()

    await app(scope, receive, send)
    start = sent[0]
    body = b"".join(message.get("body", b"") for message in sent[1:])
    return start["status"], {k.decode().lower(): v.decode("latin-1") for k, v in start["headers"]}, body


def raw(served: Served, who: str, method: str, raw_path: str, host: str = "testserver", follow: bool = True):
    """(first status, final status, final body) of a raw request by ``anonymous``, ``learner`` or ``trainer``."""
    browser = {"learner": served.learner, "trainer": served.trainer}.get(who)
    cookie = "; ".join(f"{name}={value}" for name, value in browser.cookies.items()) if browser else ""
    headers = [(b"host", host.encode())] + ([(b"cookie", cookie.encode())] if cookie else [])
    path = raw_path.encode("latin-1")
    first = None
    for _ in range(4):
        status, response_headers, body = served.test_client.portal.call(_asgi, served.app, method, path, headers)
        first = first or status
        if not (follow and status in (301, 302, 303, 307, 308)):
            break
        path = response_headers["location"].encode("latin-1")
    return first, status, body


def _giveaways(served: Served) -> list[bytes]:
    """Text that only an answer key holds: the JSON's correct flags and the exam quiz's explanations."""
    quiz = served.room.quiz(EXAM)
    found = [b'"correct"', b'"answers"', b"option-feedback", b"right-answer"]
    found += [question.explanation.encode() for question in quiz.questions if question.explanation]
    return found


# (label, who, method, raw path, final status); every final body is checked for giveaways.
HOSTILE = [
    ("gift to anyone", "anonymous", "GET", f"/lms/{EXAM}.gift", 404),
    ("moodle xml to anyone", "anonymous", "GET", f"/lms/{EXAM}.moodle.xml", 404),
    ("qti to anyone", "anonymous", "GET", f"/lms/{EXAM}-qti.zip", 404),
    ("scorm 1.2 to anyone", "anonymous", "GET", f"/{SCORM12}", 404),
    ("scorm 2004 to anyone", "anonymous", "GET", f"/{SCORM2004}", 404),
    ("key pdf to anyone", "anonymous", "GET", f"/pdf/quizzes/{EXAM}-key.pdf", 404),
    ("gift to a learner", "learner", "GET", f"/lms/{EXAM}.gift", 404),
    ("moodle xml to a learner", "learner", "GET", f"/lms/{EXAM}.moodle.xml", 404),
    ("qti to a learner", "learner", "GET", f"/lms/{EXAM}-qti.zip", 404),
    ("scorm to a learner", "learner", "GET", f"/{SCORM12}", 404),
    ("key pdf to a learner", "learner", "GET", f"/pdf/quizzes/{EXAM}-key.pdf", 404),
    ("key pdf by HEAD", "learner", "HEAD", f"/pdf/quizzes/{EXAM}-key.pdf", 404),
    ("manifest to anyone", "anonymous", "GET", "/manifest.json", 404),
    ("manifest to a trainer", "trainer", "GET", "/manifest.json", 404),
    ("static quiz page to a trainer (no learner: the join page)", "trainer", "GET", f"/quizzes/{EXAM}.html", 200),
    ("gift with a trailing slash", "learner", "GET", f"/lms/{EXAM}.gift/", 404),
    ("gift through a double slash", "learner", "GET", f"/lms//{EXAM}.gift", 404),
    ("gift through ..", "learner", "GET", f"/modules/../lms/{EXAM}.gift", 404),
    ("gift through %2e%2e", "learner", "GET", f"/modules/%2e%2e/lms/{EXAM}.gift", 404),
    ("gift through %2f", "learner", "GET", f"/lms%2f{EXAM}.gift", 404),
    ("gift in upper case", "learner", "GET", f"/LMS/{EXAM}.GIFT", 404),
    ("key pdf through ./", "learner", "GET", f"/pdf/./quizzes/{EXAM}-key.pdf", 404),
    ("exam page with a trailing slash", "learner", "GET", f"/quizzes/{EXAM}.html/", 200),
    ("exam page after //", "learner", "GET", f"//quizzes/{EXAM}.html", 200),
    ("exam page through /quizzes//", "learner", "GET", f"/quizzes//{EXAM}.html", 200),
    ("exam page through /./", "learner", "GET", f"/quizzes/./{EXAM}.html", 200),
    ("exam page through a leading /./", "learner", "GET", f"/./quizzes/{EXAM}.html", 200),
    ("exam page through /x/../", "learner", "GET", f"/quizzes/x/../{EXAM}.html", 404),
    ("exam page through /x/%2e%2e/", "learner", "GET", f"/quizzes/x/%2e%2e/{EXAM}.html", 404),
    ("exam page through %2e", "learner", "GET", f"/quizzes/%2e/{EXAM}.html", 200),
    ("exam page through %2f", "learner", "GET", f"/quizzes%2f{EXAM}.html", 200),
    ("exam page through %2ehtml", "learner", "GET", f"/quizzes/{EXAM}%2ehtml", 200),
    ("exam page with a query", "learner", "GET", f"/quizzes/{EXAM}.html?variant=full&key=1", 200),
    ("exam page, no cookie, trailing slash", "anonymous", "GET", f"/quizzes/{EXAM}.html/", 200),
    ("exam page, no cookie, /./", "anonymous", "GET", f"/quizzes/./{EXAM}.html", 200),
    ("exam page double-encoded %252e", "learner", "GET", f"/quizzes/%252e/{EXAM}.html", 404),
    ("exam page with NUL", "learner", "GET", f"/quizzes/{EXAM}.html%00", 404),
    ("POST to a non-canonical path", "learner", "POST", f"/quizzes/{EXAM}.html/", 404),
    ("/etc/passwd by ..", "anonymous", "GET", "/../../../../etc/passwd", 404),
    ("/etc/passwd by %2e%2e", "anonymous", "GET", "/%2e%2e/%2e%2e/etc/passwd", 404),
    ("/etc/passwd by ..%2f", "anonymous", "GET", "/..%2f..%2fetc%2fpasswd", 404),
    ("backslash traversal", "anonymous", "GET", "/assets/..%5c..%5cmanifest.json", 404),
    ("classroom static traversal", "anonymous", "GET", "/classroom/static/..%2f..%2fmanifest.json", 404),
    ("NUL alone", "anonymous", "GET", "/%00", 404),
    ("40-digit class id", "trainer", "GET", f"/trainer/classes/{HUGE}", 404),
    ("40-digit learner id", "trainer", "GET", f"/trainer/classes/1/learners/{HUGE}", 404),
    ("40-digit learner certificate", "trainer", "GET", f"/trainer/classes/{HUGE}/learners/{HUGE}/certificate.pdf", 404),
    ("40-digit class gradebook", "trainer", "GET", f"/trainer/classes/{HUGE}/quizzes/{EXAM}/gradebook.csv", 404),
    ("40-digit settings id", "trainer", "POST", f"/trainer/classes/{HUGE}/quizzes/{EXAM}/settings", 404),
    ("Arabic-Indic digit id", "trainer", "GET", "/trainer/classes/%D9%A1", 404),
    ("negative id", "trainer", "GET", "/trainer/classes/-1", 404),
    ("what a learner may see: the index", "anonymous", "GET", "/", 200),
    ("what a learner may see: a module", "anonymous", "GET", "/modules/customs-basics.html", 200),
    ("what a learner may see: the stylesheet", "anonymous", "GET", "/assets/css/site.css", 200),
    ("what a learner may see: a quiz sheet", "learner", "GET", f"/pdf/quizzes/{EXAM}-sheet.pdf", 200),
    ("what a learner may see: a handout", "learner", "GET", "/pdf/customs-basics.pdf", 200),
    ("what a learner may see: the course book", "anonymous", "GET", "/pdf/course-book.pdf", 200),
    ("what a trainer may fetch: the gift", "trainer", "GET", f"/lms/{EXAM}.gift", 200),
    ("what a trainer may fetch: the key", "trainer", "GET", f"/pdf/quizzes/{EXAM}-key.pdf", 200),
]


@pytest.mark.parametrize("label, who, method, path, final", HOSTILE, ids=[row[0] for row in HOSTILE])
def test_hostile_request(served_once, label, who, method, path, final):
    _, status, body = raw(served_once, who, method, path)
    assert status == final, (label, status, body[:200])
    if not label.startswith("what a trainer"):
        for giveaway in _giveaways(served_once):
            assert giveaway not in body, (label, giveaway)


def test_hostile_table_is_large():
    assert len(HOSTILE) >= 40


def test_unknown_host_header_is_refused(served):
    assert raw(served, "learner", "GET", "/", host="evil.example")[1] == 400
    assert raw(served, "anonymous", "GET", "/healthz", host="127.0.0.1:8000")[1] == 200


# ---- 1. answer material ---------------------------------------------------------


def test_trailing_slash_spelling_of_the_exam_page_gets_the_exam_page(served):
    first, status, body = raw(served, "learner", "GET", f"/quizzes/{EXAM}.html/")
    assert (first, status) == (308, 200)
    document = lxml.html.document_fromstring(body)
    assert document.get_element_by_id("classroom-data") is not None  # the classroom's page, not the static one
    assert b'"correct"' not in body


def test_lms_exports_and_answer_key_pdf_are_not_served_to_a_learner(served, full_site):
    for rel, kind in served.room.site_files.kinds.items():
        if kind in TRAINER_KINDS:  # every LMS export (QTI 2.1 and 1.2, Moodle XML, GIFT, SCORM, Common Cartridge, cmi5) and the keys
            assert raw(served, "learner", "GET", f"/{rel}")[1] == 404, rel
            assert raw(served, "trainer", "GET", f"/{rel}")[1] == 200, rel
    assert {"qti", "qti12", "imscc", "imscc11"} <= set(served.room.site_files.kinds.values())
    assert (full_site / "manifest.json").is_file() and raw(served, "learner", "GET", "/manifest.json")[1] == 404


# ---- 2. when answers are shown --------------------------------------------------


def test_blank_exam_attempt_does_not_return_the_key_while_attempts_remain(served):
    quiz = served.room.quiz(EXAM)
    blank = submit(served.learner, EXAM, {})
    assert blank.status_code == 201
    body = blank.json()
    assert "key" not in body and body["revealed"] is False and "earned" not in body["result"]
    page = served.learner.get(f"/quizzes/{EXAM}.html").text
    assert '"correct"' not in page and all(q.explanation not in page for q in quiz.questions if q.explanation)


def _exam_class(served, reveal: str, **fields) -> tuple[object, int]:
    code = f"R{abs(hash(reveal)) % 10**6:06d}"
    class_id = create_class(served.trainer, name=f"Reveal {reveal}", code=code)
    response = quiz_settings(served.trainer, class_id, EXAM, mode="exam", reveal=reveal, **fields)
    assert response.status_code == 303
    return joined_learner(served.app, code=code, name=f"Learner {reveal}"), class_id


def _revealed(learner) -> bool:
    return '"correct"' in learner.get(f"/quizzes/{EXAM}.html").text


@pytest.mark.parametrize("reveal", ["after_each_attempt", "after_last_attempt", "after_close", "never"])
def test_each_reveal_setting_shows_the_answers_only_when_it_says(served, reveal):
    learner, class_id = _exam_class(served, reveal, max_attempts="2")
    assert not _revealed(learner)
    first = submit(learner, EXAM, {}).json()
    assert first["reveal"] == reveal
    assert ("key" in first) is (reveal == "after_each_attempt") is _revealed(learner)
    second = submit(learner, EXAM, {}).json()
    assert ("key" in second) is (reveal in ("after_each_attempt", "after_last_attempt")) is _revealed(learner)
    me = learner.get("/classroom/me").text
    assert ("See the right answers" in me) is (reveal in ("after_each_attempt", "after_last_attempt"))
    import time as clock

    past = clock.strftime("%Y-%m-%dT%H:%M", clock.localtime(clock.time() - 60))
    assert quiz_settings(served.trainer, class_id, EXAM, mode="exam", reveal=reveal, max_attempts="2", closes_at=past).status_code == 303
    assert _revealed(learner) is (reveal != "never")
    settings_page = served.trainer.get(f"/trainer/classes/{class_id}").text
    assert f'<option value="{reveal}" selected>' in settings_page


def test_exam_default_reveal_is_after_close_and_practice_keeps_answers(served):
    assert store.QuizSettings(mode="exam").reveal == "after_close"
    learner, _ = _exam_class(served, "after_close")
    assert "key" not in submit(learner, EXAM, {}).json()
    assert '"correct"' in learner.get(f"/quizzes/{PRACTICE}.html").text  # practice: the page grades itself
    assert quiz_settings(served.trainer, served.class_id, EXAM, mode="exam", reveal="sometimes").status_code == 400


# ---- 3. a learner is who they joined as ----------------------------------------


def _join(app, **fields):
    browser = client(app)
    token = form_token(browser.get("/classroom/join"))
    return browser, browser.post("/classroom/join", data={"csrf_token": token, **fields})


def test_classmate_name_does_not_sign_in_as_that_classmate(served):
    app = served.app
    _, impostor = _join(app, code="EXPOSE1", name="Rania Aziz")
    assert impostor.status_code == 400 and "personal code" in impostor.text
    _, wrong = _join(app, code="EXPOSE1", name="rania  AZIZ", personal_code="AAAAAA")
    assert wrong.status_code == 400
    code = personal_code(served.room, "Rania Aziz")
    assert code in served.learner.get("/classroom/me").text  # shown to the learner herself
    again, right = _join(app, code="EXPOSE1", name="rania aziz", personal_code=code)
    assert right.status_code == 303


def test_roster_id_alone_does_not_sign_in_even_in_a_roster_only_class(served):
    trainer = served.trainer
    class_id = create_class(trainer, name="Roster only", code="ROSTER01", open_join=False)
    data = {"csrf_token": trainer.csrf, "name": "Huda Saleh", "roster_id": "R-9"}
    assert trainer.post(f"/trainer/classes/{class_id}/learners", data=data).status_code == 303
    assert _join(served.app, code="ROSTER01", roster_id="R-9")[1].status_code == 400
    assert _join(served.app, code="ROSTER01", name="Huda Saleh")[1].status_code == 400
    assert _join(served.app, code="ROSTER01", name="Someone New")[1].status_code == 400  # open_join is off
    code = personal_code(served.room, "Huda Saleh")
    cards = trainer.get(f"/trainer/classes/{class_id}/cards").text
    assert code in cards and "ROSTER01" in cards
    victim, joined = _join(served.app, code="ROSTER01", roster_id="R-9", personal_code=code)
    assert joined.status_code == 303
    learner_id = victim.get("/classroom/api/session").json()["learner"]["id"]
    # the trainer resets the code: the old browser is signed out, the old code no longer works
    reset = trainer.post(f"/trainer/classes/{class_id}/learners/{learner_id}/code", data={"csrf_token": trainer.csrf})
    assert reset.status_code == 303
    assert victim.get("/classroom/api/session").status_code == 401
    victim.csrf = form_token(victim.get("/classroom/join"))
    assert submit(victim, EXAM, {}).status_code in (401, 403)
    assert _join(served.app, code="ROSTER01", roster_id="R-9", personal_code=code)[1].status_code == 400
    fresh = personal_code(served.room, "Huda Saleh")
    assert fresh != code and _join(served.app, code="ROSTER01", roster_id="R-9", personal_code=fresh)[1].status_code == 303
    # the trainer opens the class to new names
    assert trainer.post(f"/trainer/classes/{class_id}/join", data={"csrf_token": trainer.csrf, "open_join": "on"}).status_code == 303
    assert _join(served.app, code="ROSTER01", name="Someone New")[1].status_code == 303


@pytest.mark.parametrize("name", ["\u0301\u0301\u0301", "\u200d\u200d", "\u202eBDC NOSIRRAH\u202c", "Amal\u2066x", "\u200b \u200c"])
def test_invisible_or_direction_flipping_names_are_refused_at_join(served, name):
    _, response = _join(served.app, code="EXPOSE1", name=name)
    assert response.status_code == 400


# ---- 4. guessing is slow ---------------------------------------------------------


def _login(app, name: str, password: str) -> int:
    browser = client(app)
    token = form_token(browser.get("/trainer/login"))
    return browser.post("/trainer/login", data={"csrf_token": token, "name": name, "password": password}).status_code


def test_parallel_password_guesses_are_counted_before_they_are_checked(served):
    with concurrent.futures.ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(lambda n: _login(served.app, TRAINER, f"wrong password {n}"), range(24)))
    assert statuses.count(401) <= 5 and statuses.count(429) >= 19, statuses
    assert _login(served.app, TRAINER, PASSWORD) == 429  # locked, right password or not


def test_password_guesses_from_one_address_over_many_names_are_locked(served):
    statuses = [_login(served.app, f"name-{n}", "wrong password!") for n in range(21)]
    assert statuses[:20] == [401] * 20 and statuses[20] == 429


def test_class_code_guessing_is_throttled_then_locked_even_for_the_right_code(served):
    statuses = [_join(served.app, code=f"GUESS{n:03d}", name="Guesser")[1].status_code for n in range(20)]
    assert statuses == [400] * 20
    locked = _join(served.app, code="EXPOSE1", name="Guesser")[1]
    assert locked.status_code == 429 and int(locked.headers["retry-after"]) > 60


def test_personal_code_guessing_locks_that_learner(served):
    for n in range(5):
        assert _join(served.app, code="EXPOSE1", name="Rania Aziz", personal_code=f"WRONG{n}")[1].status_code == 400
    code = personal_code(served.room, "Rania Aziz")
    assert _join(served.app, code="EXPOSE1", name="Rania Aziz", personal_code=code)[1].status_code == 429


def test_generated_class_codes_are_long_enough(served):
    response = served.trainer.post("/trainer/classes", data={"csrf_token": served.trainer.csrf, "name": "Generated"})
    class_id = int(response.headers["location"].rsplit("/", 1)[1])
    code = served.room.database.read_now(lambda c: c.scalar(select(t.classes.c.code).where(t.classes.c.id == class_id)))
    assert len(code) == store.CLASS_CODE_LENGTH == 8 and set(code) <= set(store.CODE_ALPHABET)


def test_a_trainer_sees_only_their_own_classes_unless_administrator(served):
    room, app = served.room, served.app
    room.database.write_now(lambda c: set_password(c, "dave", "another long password"))
    dave = client(app)
    token = form_token(dave.get("/trainer/login"))
    assert dave.post("/trainer/login", data={"csrf_token": token, "name": "dave", "password": "another long password"}).status_code == 303
    dave.csrf = token
    own = served.class_id
    for url in (f"/trainer/classes/{own}", f"/trainer/classes/{own}/quizzes/{EXAM}", f"/trainer/classes/{own}/quizzes/{EXAM}/gradebook.csv",
                f"/trainer/classes/{own}/cards"):  # fmt: skip
        assert dave.get(url).status_code == 404, url
    changed = quiz_settings(dave, own, EXAM, mode="practice")
    assert changed.status_code == 404
    assert "EXPOSE1" not in dave.get("/trainer").text
    from course.cli import main

    assert main(["classroom-admin", "--course", str(ENGLISH), "--db", room.config.db_url, "make-admin", "dave"]) == 0
    assert dave.get(f"/trainer/classes/{own}").status_code == 200 and "EXPOSE1" in dave.get("/trainer").text
    room.database.write_now(lambda c: set_admin(c, "dave", False))
    assert dave.get(f"/trainer/classes/{own}").status_code == 404


# ---- 5. malformed input, hosts, certificates ------------------------------------


def test_nul_bytes_and_oversized_fields_are_4xx_never_500(served):
    for fields in ({"code": "EXP\x00OSE1", "name": "x"}, {"code": "A" * 5000, "name": "x"}, {"code": "EXPOSE1", "name": "N\x00"},
                   {"code": "EXPOSE1", "name": "x" * 101}, {"code": "EXPOSE1", "roster_id": "\x00"},
                   {"code": "EXPOSE1", "name": "Rania Aziz", "personal_code": "\x00" * 10}):  # fmt: skip
        status = _join(served.app, **fields)[1].status_code
        assert 400 <= status < 500, (fields, status)
    for name in ("amal\x00", "x" * 5000, "\ud7ff\x00"):
        assert _login(served.app, name, "wrong password!") in (401, 429)
    trainer = served.trainer
    assert trainer.post("/trainer/classes", data={"csrf_token": trainer.csrf, "name": "n", "code": "AB\x00CD"}).status_code == 400
    learner = {"csrf_token": trainer.csrf, "name": "Ok Name", "roster_id": "r" * 65}
    assert trainer.post(f"/trainer/classes/{served.class_id}/learners", data=learner).status_code == 400


def test_certificate_address_ignores_the_host_header(served):
    from pypdf import PdfReader

    learner = served.learner
    for quiz in served.room.course.quizzes:
        assert submit(learner, quiz.id, right_responses(quiz)).status_code == 201
    response = learner.get("/classroom/certificate.pdf", headers={"Host": "localhost"})
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert served.room.config.address + "/verify?code=" in text.replace("\n", "")
    assert learner.get("/classroom/certificate.pdf", headers={"Host": "verify-certificates.evil.example"}).status_code == 400


def test_allowed_hosts_are_the_bind_address_localhost_public_url_and_allowed_host_only():
    from course.classroom.config import default_allowed_hosts, listening_address

    hosts = default_allowed_hosts("192.168.1.20", "https://Class.Example:8443/room", ["room.local"])
    assert set(hosts) == {"localhost", "127.0.0.1", "::1", "192.168.1.20", "class.example", "room.local"}
    assert listening_address("192.168.1.20", 8000, False, hosts) == "http://192.168.1.20:8000"
    everywhere = default_allowed_hosts("0.0.0.0", None, ["room.local"])
    assert "0.0.0.0" not in everywhere and "room.local" in everywhere
    assert listening_address("0.0.0.0", 8000, True, ("localhost", "room.local")) == "https://room.local:8000"
