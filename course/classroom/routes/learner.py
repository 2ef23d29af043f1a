"""Learners: join a class, take quizzes (classroom pages), see their results and certificate."""

from __future__ import annotations

import time
import unicodedata

from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...grading.rules import normalize
from .. import attempts, certificates, security, store, throttle
from .. import tables as t
from ..errors import Refused
from ..reports import learner_summary
from ..web import checked_form, classroom, client_address, current_learner, render, safe_next, see_other, set_cookie


async def join_page(request: Request) -> Response:
    return render(request, "classroom/join.html", next=safe_next(request.query_params.get("next"), "/classroom/me"), error=None, values={})


async def join(request: Request) -> Response:
    fields = await checked_form(request)
    room = classroom(request)
    target = safe_next(fields.get("next"), "/classroom/me")
    address = client_address(request)
    outcome = await room.database.write(lambda c: _join(c, fields, address))
    if isinstance(outcome, Refused):
        if outcome.status == 429:
            raise outcome
        values = {key: value for key, value in fields.items() if key != "personal_code"}
        return render(request, "classroom/join.html", status_code=outcome.status, next=target, error=outcome.message, values=values)
    learner = outcome.learner
    response = see_other(target)
    token = security.learner_token(room.secret, learner.id, learner.class_id, learner.code_version)
    set_cookie(response, request, security.LEARNER_COOKIE, token, security.LEARNER_SECONDS)
    return response


def _join(connection, fields: dict[str, str], address: str):
    """Join, counting a wrong class code or personal code against the address, the learner and everyone.

    The counters are read (and locked) before the codes are compared, in the
    same transaction: parallel guesses are counted one after another. A
    failure is returned, not raised, so that its count is committed.
    """
    keys = [(f"join-addr:{address}", throttle.JOIN_ADDRESS), ("join:*", throttle.JOIN_OVERALL)]
    for key, rule in keys:
        count = throttle.check(connection, key, rule)
        if count.locked:
            return Refused(429, "too many wrong codes: wait a few minutes and try again", retry_after=count.retry_after)
    try:
        with connection.begin_nested():
            return _join_checked(connection, fields)
    except store.WrongPersonalCode as wrong:
        for key, rule in keys:
            throttle.fail(connection, key, rule)
        throttle.fail(connection, f"learner:{wrong.learner_id}", throttle.PERSONAL_CODE)
        return wrong
    except Refused as refused:
        if refused.details.get("field") == "code":
            for key, rule in keys:
                throttle.fail(connection, key, rule)
        return refused


def _join_checked(connection, fields: dict[str, str]) -> store.Joined:
    code, name, roster_id = fields.get("code", ""), fields.get("name", ""), fields.get("roster_id", "")
    learner_key = None
    found = store.class_by_code(connection, code)
    if found is not None:  # a learner locked by wrong personal codes is refused before the code is compared
        learner_key = _named_learner(connection, found.id, name, roster_id)
    if learner_key is not None:
        count = throttle.check(connection, f"learner:{learner_key}", throttle.PERSONAL_CODE)
        if count.locked:
            raise Refused(429, "too many wrong personal codes for this learner: wait, or ask your trainer", retry_after=count.retry_after)
    return store.join(connection, code, name=name, roster_id=roster_id, personal_code=fields.get("personal_code", ""))


def _named_learner(connection, class_id: int, name: str, roster_id: str) -> int | None:
    name, roster_id = " ".join(name.split())[:100], " ".join(roster_id.split())[:64]
    if any(unicodedata.category(c) in ("Cc", "Cs") for c in name + roster_id):
        return None  # store.join refuses it (control characters) without asking the database
    if roster_id:
        where = t.learners.c.roster_id == roster_id
    else:
        where = t.learners.c.name_key == normalize(name)
    return connection.scalar(select(t.learners.c.id).where(t.learners.c.class_id == class_id, where))


async def leave(request: Request) -> Response:
    await checked_form(request)
    response = see_other("/classroom/join")
    response.delete_cookie(security.LEARNER_COOKIE, path="/")
    return response


async def quiz_page(request: Request) -> Response:
    room = classroom(request)
    quiz = room.quiz(request.path_params["quiz_id"])
    learner = await current_learner(request)
    if learner is None:
        return see_other(f"/classroom/join?next=/quizzes/{quiz.id}.html")

    def variant(connection) -> str:
        settings = store.quiz_settings(connection, learner.class_id, quiz.id)
        used = attempts.count_attempts(connection, learner.id, quiz.id) if settings.mode == "exam" else 0
        return "full" if settings.revealed(used, time.time()) else "exam"

    chosen = await room.database.read(variant)
    page = room.pages[quiz.id]
    body = page.full if chosen == "full" else page.exam
    return Response(body, media_type="text/html; charset=utf-8", headers={"Cache-Control": "no-store"})


async def my_results(request: Request) -> Response:
    room = classroom(request)
    learner = await current_learner(request)
    if learner is None:
        return see_other("/classroom/join?next=/classroom/me")
    summary = await room.database.read(lambda c: learner_summary(c, room.course, learner))
    return render(request, "classroom/me.html", learner=learner, summary=summary)


async def my_certificate(request: Request) -> Response:
    room = classroom(request)
    learner = await current_learner(request)
    if learner is None:
        return see_other("/classroom/join?next=/classroom/me")
    return await certificates.pdf_response(request, room, learner)


ROUTES = [
    Route("/classroom/join", join_page, methods=["GET"]),
    Route("/classroom/join", join, methods=["POST"]),
    Route("/classroom/leave", leave, methods=["POST"]),
    Route("/classroom/me", my_results, methods=["GET"]),
    Route("/classroom/certificate.pdf", my_certificate, methods=["GET"]),
    Route("/quizzes/{quiz_id}.html", quiz_page, methods=["GET"]),
]
