"""Trainers: sign in and out, classes, rosters and per-class quiz settings."""

from __future__ import annotations

import asyncio
import datetime

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .. import security, store
from ..errors import Refused, bad_request
from ..reports import class_matrix
from ..trainers import sign_in
from ..web import checked_form, classroom, client_address, current_trainer, int_param, render, see_other, set_cookie


async def login_page(request: Request) -> Response:
    return render(request, "classroom/login.html", error=None, name="")


async def login(request: Request) -> Response:
    fields = await checked_form(request)
    room = classroom(request)
    name = fields.get("name", "").strip()
    outcome = await sign_in(room.database, room.login_policy, name, fields.get("password", ""), client_address(request))
    if outcome.trainer_id is None:
        await asyncio.sleep(outcome.delay)  # slows guessing; other requests go on meanwhile
        return render(request, "classroom/login.html", status_code=401, error="wrong name or password", name=name)
    token = await room.database.write(lambda c: security.open_session(c, outcome.trainer_id))
    response = see_other("/trainer")
    set_cookie(response, request, security.TRAINER_COOKIE, token, security.SESSION_SECONDS, samesite="strict")
    return response


async def logout(request: Request) -> Response:
    await checked_form(request)
    token = request.cookies.get(security.TRAINER_COOKIE)
    await classroom(request).database.write(lambda c: security.close_session(c, token))
    response = see_other("/trainer/login")
    response.delete_cookie(security.TRAINER_COOKIE, path="/")
    return response


async def dashboard(request: Request) -> Response:
    trainer = await current_trainer(request)
    classes = await classroom(request).database.read(lambda c: store.classes(c, trainer))
    return render(request, "classroom/dashboard.html", trainer=trainer, classes=classes)


async def create_class(request: Request) -> Response:
    trainer = await current_trainer(request)
    fields = await checked_form(request)
    open_join = fields.get("open_join") == "on"
    class_id = await classroom(request).database.write(
        lambda c: store.create_class(c, fields.get("name", ""), fields.get("code") or None, open_join, trainer.id)
    )
    return see_other(f"/trainer/classes/{class_id}")


async def class_page(request: Request) -> Response:
    trainer = await current_trainer(request)
    room = classroom(request)
    class_id = int_param(request, "class_id")

    def load(connection):
        return (
            store.class_by_id(connection, class_id, trainer),
            class_matrix(connection, room.course, class_id),
            store.all_quiz_settings(connection, class_id),
        )

    found, matrix, settings = await room.database.read(load)
    defaults = store.QuizSettings()
    quiz_settings = [(quiz, settings.get(quiz.id, defaults)) for quiz in room.course.quizzes]
    return render(request, "classroom/class.html", trainer=trainer, room=found, matrix=matrix, quiz_settings=quiz_settings)


async def add_learner(request: Request) -> Response:
    trainer = await current_trainer(request)
    class_id = int_param(request, "class_id")
    fields = await checked_form(request)

    def add(connection):
        store.class_by_id(connection, class_id, trainer)
        store.add_learner(connection, class_id, fields.get("name", ""), fields.get("roster_id") or None)

    await classroom(request).database.write(add)
    return see_other(f"/trainer/classes/{class_id}")


async def reset_code(request: Request) -> Response:
    """A new personal code for a learner (who lost theirs, or whose code somebody else learnt)."""
    trainer = await current_trainer(request)
    class_id, learner_id = int_param(request, "class_id"), int_param(request, "learner_id")
    await checked_form(request)

    def reset(connection):
        store.class_by_id(connection, class_id, trainer)
        store.reset_personal_code(connection, class_id, learner_id)

    await classroom(request).database.write(reset)
    return see_other(f"/trainer/classes/{class_id}/cards#learner-{learner_id}")


async def roster_cards(request: Request) -> Response:
    """A printable card per learner: the class code, their name, roster id and personal code."""
    trainer = await current_trainer(request)
    class_id = int_param(request, "class_id")

    def load(connection):
        return store.class_by_id(connection, class_id, trainer), store.learners(connection, class_id)

    found, learners = await classroom(request).database.read(load)
    return render(request, "classroom/cards.html", trainer=trainer, room=found, learners=learners)


async def join_setting(request: Request) -> Response:
    trainer = await current_trainer(request)
    class_id = int_param(request, "class_id")
    fields = await checked_form(request)

    def save(connection):
        store.class_by_id(connection, class_id, trainer)
        store.set_open_join(connection, class_id, fields.get("open_join") == "on")

    await classroom(request).database.write(save)
    return see_other(f"/trainer/classes/{class_id}#roster")


def _time(value: str | None) -> float | None:
    """A datetime-local form value (the server's local time) as epoch seconds."""
    if not value:
        return None
    try:
        return datetime.datetime.fromisoformat(value).timestamp()
    except ValueError:
        raise bad_request(f"`{value[:40]}` is not a date and time") from None


async def save_settings(request: Request) -> Response:
    trainer = await current_trainer(request)
    room = classroom(request)
    class_id = int_param(request, "class_id")
    quiz = room.quiz(request.path_params["quiz_id"])
    fields = await checked_form(request)
    attempts_field = fields.get("max_attempts", "").strip()
    if attempts_field and not attempts_field.isdigit():
        raise bad_request("attempts must be a whole number, or empty for no limit")
    settings = store.QuizSettings(
        mode=fields.get("mode", "practice"),
        max_attempts=int(attempts_field) if attempts_field else None,
        opens_at=_time(fields.get("opens_at")),
        closes_at=_time(fields.get("closes_at")),
        reveal=fields.get("reveal") or store.DEFAULT_REVEAL,
    )

    def save(connection):
        store.class_by_id(connection, class_id, trainer)
        store.save_quiz_settings(connection, class_id, quiz.id, settings)

    await room.database.write(save)
    return see_other(f"/trainer/classes/{class_id}#settings")


async def locked_out(request: Request, refused: Refused) -> Response:
    return render(request, "classroom/login.html", status_code=429, error=refused.message, name="")


ROUTES = [
    Route("/trainer/login", login_page, methods=["GET"]),
    Route("/trainer/login", login, methods=["POST"]),
    Route("/trainer/logout", logout, methods=["POST"]),
    Route("/trainer", dashboard, methods=["GET"]),
    Route("/trainer/classes", create_class, methods=["POST"]),
    Route("/trainer/classes/{class_id}", class_page, methods=["GET"]),
    Route("/trainer/classes/{class_id}/learners", add_learner, methods=["POST"]),
    Route("/trainer/classes/{class_id}/learners/{learner_id}/code", reset_code, methods=["POST"]),
    Route("/trainer/classes/{class_id}/cards", roster_cards, methods=["GET"]),
    Route("/trainer/classes/{class_id}/join", join_setting, methods=["POST"]),
    Route("/trainer/classes/{class_id}/quizzes/{quiz_id}/settings", save_settings, methods=["POST"]),
]
