"""Bad input and attacks get a clear 4xx, never a 500, on SQLite and on PostgreSQL."""

from __future__ import annotations

import io
import time

import pytest

from tests.classroom.fixtures import (
    PASSWORD,
    TRAINER,
    client,
    create_class,
    form_token,
    joined_learner,
    signed_in_trainer,
    submit,
)

pytest_plugins = ["tests.classroom.fixtures"]

SQL_INJECTIONS = ["' OR '1'='1", "x'); DROP TABLE attempts; --", '" OR ""="', "1; SELECT pg_sleep(5)--"]


@pytest.fixture
def learner(app, room):
    create_class(signed_in_trainer(app))
    return joined_learner(app)


def _url(room) -> str:
    return f"/classroom/api/quizzes/{room.course.quizzes[0].id}/attempts"


def _post_raw(learner, url: str, body: bytes, content_type: str = "application/json"):
    return learner.post(url, content=body, headers={"Content-Type": content_type, "X-CSRF-Token": learner.csrf})


def test_oversized_bodies_are_refused_with_413(learner, room):
    big = b'{"responses": {"q1": "' + b"a" * (room.config.max_body + 10) + b'"}}'
    assert _post_raw(learner, _url(room), big).status_code == 413

    def chunks():  # no Content-Length: counted as it streams
        for _ in range(100):
            yield b"x" * 1024

    response = learner.post(_url(room), content=chunks(), headers={"Content-Type": "application/json", "X-CSRF-Token": learner.csrf})
    assert response.status_code == 413


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"", b"[]", b'{"responses": []}', b'{"responses": {"q1": NaN}}', b"[" * 5000 + b"]" * 5000,
     b'{"responses": {"q1": {"nested": 1}}}', b'{"responses": {"q1": [[1]]}}', b'{"responses": {"q1": 1' + b"0" * 400 + b"}}",
     b"\xff\xfe\x00garbage", '{"responses": {"q1": "\ud800"}}'.encode("utf-8", "surrogatepass")],
)  # fmt: skip
def test_malformed_submissions_are_400(learner, room, body):
    response = _post_raw(learner, _url(room), body)
    assert response.status_code == 400, response.text
    assert "error" in response.json()


def test_unknown_quiz_and_question_ids_wrong_type_and_method(learner, room):
    assert submit(learner, "no-such-quiz", {}).status_code == 404
    response = submit(learner, room.course.quizzes[0].id, {"q1": "a", "q999": "b"})
    assert response.status_code == 400 and "q999" in response.json()["error"]
    assert _post_raw(learner, _url(room), b'{"responses": {}}', "text/plain").status_code == 415
    assert learner.get(_url(room)).status_code in (404, 405)
    assert client(learner.app).get("/quizzes/%3Cscript%3E.html").status_code == 404
    anonymous = client(learner.app)
    anonymous.cookies.set("classroom_csrf", "c")
    assert anonymous.post(_url(room), json={"responses": {}}, headers={"X-CSRF-Token": "x"}).status_code == 403


def test_csrf_is_required_on_every_form_and_api_call(app, room):
    trainer = signed_in_trainer(app)
    class_id = create_class(trainer)
    learner = joined_learner(app)
    quiz_id = room.course.quizzes[0].id
    forms = [
        ("/trainer/classes", {"name": "X", "code": "CSRF01"}),
        (f"/trainer/classes/{class_id}/learners", {"name": "Y"}),
        (f"/trainer/classes/{class_id}/quizzes/{quiz_id}/settings", {"mode": "exam"}),
        ("/trainer/logout", {}),
        ("/trainer/login", {"name": TRAINER, "password": PASSWORD}),
        ("/classroom/join", {"code": "MORNING", "name": "Z"}),
        ("/classroom/leave", {}),
    ]
    for url, data in forms:
        for token in (None, "", "0" * 40, trainer.csrf + "x"):
            fields = data | ({"csrf_token": token} if token is not None else {})
            response = (learner if url.startswith("/classroom") else trainer).post(url, data=fields)
            assert response.status_code == 403, (url, token, response.status_code)
    for header in ({}, {"X-CSRF-Token": "nope"}, {"X-CSRF-Token": trainer.csrf}):  # another browser's token is wrong too
        response = learner.post(f"/classroom/api/quizzes/{quiz_id}/attempts", json={"responses": {}}, headers=header)
        assert response.status_code == 403
    assert trainer.get("/trainer").status_code == 200  # nothing above signed the trainer out


def test_script_in_a_name_is_escaped_everywhere_and_csv_cells_are_inert(app, room):
    trainer = signed_in_trainer(app)
    class_id = create_class(trainer, name="<b>bold</b> class")
    quiz_id = room.course.quizzes[0].id
    names = ['<script>alert("x")</script>', "=1+2", "+cmd|' /C calc'!A0", "-2", "@SUM(A1)"]
    learners = {name: joined_learner(app, name=name) for name in names}
    for learner in learners.values():
        assert submit(learner, quiz_id, {}).status_code == 201
    learner_id = learners[names[0]].get("/classroom/api/session").json()["learner"]["id"]
    pages = [
        trainer.get(f"/trainer/classes/{class_id}"),
        trainer.get(f"/trainer/classes/{class_id}/quizzes/{quiz_id}"),
        trainer.get(f"/trainer/classes/{class_id}/learners/{learner_id}"),
        trainer.get("/trainer"),
        learners[names[0]].get("/classroom/me"),
    ]
    for page in pages:
        assert page.status_code == 200
        assert "<script>alert" not in page.text and "<b>bold" not in page.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in pages[0].text
    import csv

    for export in ("gradebook.csv", "attempts.csv"):
        text = trainer.get(f"/trainer/classes/{class_id}/quizzes/{quiz_id}/{export}").content.decode("utf-8-sig")
        first_cells = {row[0] for row in list(csv.reader(io.StringIO(text)))[1:]}
        assert first_cells == {"'=1+2", "'+cmd|' /C calc'!A0", "'-2", "'@SUM(A1)", '<script>alert("x")</script>'}


def test_sql_injection_strings_are_only_data(app, room):
    trainer = signed_in_trainer(app)
    class_id = create_class(trainer)
    for text in SQL_INJECTIONS:
        learner = joined_learner(app, name=text)
        assert learner.get("/classroom/api/session").json()["learner"]["name"] == text
        assert submit(learner, room.course.quizzes[0].id, {"q1": text}).status_code in (201, 400)
        assert client(app).get("/verify", params={"code": text}).status_code == 404
        assert trainer.get(f"/trainer/classes/{text}").status_code == 404
        refused = client(app)
        token = form_token(refused.get("/classroom/join"))
        assert refused.post("/classroom/join", data={"csrf_token": token, "code": text, "name": "x"}).status_code == 400
        assert trainer.post("/trainer/classes", data={"csrf_token": trainer.csrf, "name": "n", "code": text}).status_code == 400
    assert trainer.get(f"/trainer/classes/{class_id}").text.count("DROP TABLE") == 1
    assert room.database.read_now(lambda c: c.exec_driver_sql("SELECT count(*) FROM attempts").scalar()) == len(SQL_INJECTIONS)


def _login(browser, name: str, password: str):
    token = form_token(browser.get("/trainer/login"))
    return browser.post("/trainer/login", data={"csrf_token": token, "name": name, "password": password})


@pytest.mark.parametrize("name", [TRAINER, "nobody-by-this-name"])
def test_repeated_wrong_passwords_slow_down_then_lock(app, room, name):
    room.login_policy.base_delay = 0.1
    browser = client(app)
    times = []
    for _ in range(4):
        started = time.perf_counter()
        assert _login(browser, name, "wrong password!").status_code == 401
        times.append(time.perf_counter() - started)
    assert times[3] >= 0.8 and times[0] < times[3]  # answers waited 0.1, 0.2, 0.4 then 0.8 s: slowed down
    assert _login(browser, name, "wrong password!").status_code == 401  # the fifth locks the name
    locked = _login(browser, name, PASSWORD)
    assert locked.status_code == 429 and int(locked.headers["retry-after"]) > 60
    assert "locked" in locked.text
    assert browser.get("/trainer", follow_redirects=False).status_code == 303  # not signed in


def test_trainer_pages_need_a_session_and_cookies_are_strict(app, room):
    anonymous = client(app)
    for url in ("/trainer", "/trainer/classes/1", "/trainer/classes/1/quizzes/x/gradebook.csv"):
        response = anonymous.get(url)
        assert response.status_code == 303 and response.headers["location"] == "/trainer/login"
    browser = client(app)
    response = _login(browser, TRAINER, PASSWORD)
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Secure" not in cookie
    forged = client(app)
    forged.cookies.set("classroom_learner", "L1.1.1.0000000000000000000000000000000000000000")
    assert forged.get("/classroom/api/session").status_code == 401


def test_redirects_stay_on_this_site(app, room):
    create_class(signed_in_trainer(app))
    browser = client(app)
    token = form_token(browser.get("/classroom/join?next=//evil.example/x"))
    for number, target in enumerate(("//evil.example/x", "https://evil.example/", "/\\evil.example")):
        data = {"csrf_token": token, "code": "MORNING", "name": f"N{number}", "next": target}
        response = browser.post("/classroom/join", data=data)
        assert response.headers["location"] == "/classroom/me"
