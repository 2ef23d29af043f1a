"""Learners: join a class, take quizzes (classroom pages), see their results and certificate."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .. import attempts, certificates, security, store
from ..errors import Refused
from ..reports import learner_summary
from ..web import checked_form, classroom, current_learner, render, safe_next, see_other, set_cookie


async def join_page(request: Request) -> Response:
    return render(request, "classroom/join.html", next=safe_next(request.query_params.get("next"), "/classroom/me"), error=None, values={})


async def join(request: Request) -> Response:
    fields = await checked_form(request)
    room = classroom(request)
    target = safe_next(fields.get("next"), "/classroom/me")
    try:
        learner = await room.database.write(
            lambda c: store.join(c, fields.get("code", ""), name=fields.get("name", ""), roster_id=fields.get("roster_id", ""))
        )
    except Refused as refused:
        return render(request, "classroom/join.html", status_code=refused.status, next=target, error=refused.message, values=fields)
    response = see_other(target)
    token = security.learner_token(room.secret, learner.id, learner.class_id)
    set_cookie(response, request, security.LEARNER_COOKIE, token, security.LEARNER_SECONDS)
    return response


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
        if settings.mode != "exam" or attempts.count_attempts(connection, learner.id, quiz.id):
            return "full"
        return "exam"

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
