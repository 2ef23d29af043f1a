"""The quiz API the classroom script calls: who am I, and submit an attempt."""

from __future__ import annotations

import time

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .. import attempts, store
from ..errors import Refused
from ..pages import answer_key
from ..security import LEARNER_COOKIE, read_learner_token
from ..submissions import grade, read_submission, result_json
from ..web import check_csrf_header, classroom, csrf_for, current_learner, json_response


async def _learner(request: Request):
    learner = await current_learner(request)
    if learner is None:
        raise Refused(401, "join a class first: open /classroom/join")
    return learner


async def session(request: Request) -> Response:
    room = classroom(request)
    learner = await _learner(request)

    def quizzes(connection) -> dict:
        settings = store.all_quiz_settings(connection, learner.class_id)
        now, out = time.time(), {}
        for quiz in room.course.quizzes:
            quiz_settings = settings.get(quiz.id, store.QuizSettings())
            used = attempts.count_attempts(connection, learner.id, quiz.id)
            out[quiz.id] = {
                "mode": quiz_settings.mode,
                "max_attempts": quiz_settings.max_attempts,
                "attempts_used": used,
                "state": quiz_settings.state(now),
                "reveal": quiz_settings.reveal,
                "revealed": quiz_settings.revealed(used, now),
            }
        return out

    data = await room.database.read(quizzes)
    return json_response(
        {
            "learner": {"id": learner.id, "name": learner.name},
            "class": {"name": learner.class_name, "code": learner.class_code},
            "csrf": csrf_for(request),
            "quizzes": data,
        }
    )


async def submit(request: Request) -> Response:
    room = classroom(request)
    quiz = room.quiz(request.path_params["quiz_id"])
    check_csrf_header(request)
    ids = read_learner_token(room.secret, request.cookies.get(LEARNER_COOKIE))  # signed: no lookup on the hot path
    if ids is None:
        raise Refused(401, "join a class first: open /classroom/join")
    learner_id, class_id, version = ids
    if not (store.valid_id(learner_id) and store.valid_id(class_id)):
        raise Refused(401, "join a class first: open /classroom/join")
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        raise Refused(415, "send the answers as application/json")
    responses = read_submission(await request.body(), quiz)
    result = grade(quiz, responses, room.course.language)
    recorded = await room.database.write(
        lambda c: attempts.record_attempt(c, learner_id, class_id, quiz.id, responses, result, version), retry_conflicts=True
    )
    revealed = recorded.settings.revealed(recorded.number, time.time())
    body = {
        "attempt": {"id": recorded.id, "number": recorded.number, "attempts_left": recorded.attempts_left},
        "mode": recorded.settings.mode,
        "reveal": recorded.settings.reveal,
        "revealed": revealed,
        "result": result_json(quiz, result, per_question=revealed),
    }
    if recorded.settings.mode == "exam" and revealed:
        body["key"] = answer_key(quiz)
    return json_response(body, status_code=201)


ROUTES = [
    Route("/classroom/api/session", session, methods=["GET"]),
    Route("/classroom/api/quizzes/{quiz_id}/attempts", submit, methods=["POST"]),
]
