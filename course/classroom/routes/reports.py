"""Trainers' reports: a quiz's gradebook and item analysis, a learner's attempts, CSV exports, certificates."""

from __future__ import annotations

import io
import json

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...grading.rules import Reading
from ...grading.statistics import response_statistics
from .. import attempts, certificates, store
from ..errors import not_found
from ..reports import chart_bars, quiz_report, write_attempts, write_best_gradebook, write_items
from ..web import classroom, current_trainer, int_param, render

EXPORTS = {"gradebook.csv": write_best_gradebook, "attempts.csv": write_attempts, "items.csv": write_items}
RESULTS = {"results.html": "text/html; charset=utf-8", "results.pdf": "application/pdf"}


async def _report(request: Request, trainer):
    room = classroom(request)
    class_id = int_param(request, "class_id")
    quiz = room.quiz(request.path_params["quiz_id"])
    return await room.database.read(lambda c: (store.class_by_id(c, class_id, trainer), quiz_report(c, class_id, quiz)))


async def quiz_page(request: Request) -> Response:
    trainer = await current_trainer(request)
    found, report = await _report(request, trainer)
    counts = [bin["count"] for bin in report.histogram]
    charts = {
        "histogram": chart_bars(counts, max(counts + [1])),
        "facility": chart_bars([item.facility or 0.0 for item in report.items], 1.0),
    }
    return render(request, "classroom/quiz_report.html", trainer=trainer, room=found, report=report, charts=charts)


async def export(request: Request) -> Response:
    trainer = await current_trainer(request)
    if request.path_params["export"] in RESULTS:
        return await _results(request, trainer)
    writer = EXPORTS.get(request.path_params["export"])
    if writer is None:
        raise not_found("no such export")
    found, report = await _report(request, trainer)
    stream = io.StringIO()
    writer(report, stream)
    filename = f"{found.code}-{report.quiz.id}-{request.path_params['export']}"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"}
    return Response("\ufeff" + stream.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)


async def _results(request: Request, trainer) -> Response:
    """The results report of ``grade --report`` for a class and quiz, from each learner's first attempt (as the item analysis)."""
    from ...render.report import render_report_html, render_report_pdf

    room = classroom(request)
    found, report = await _report(request, trainer)
    responses = [json.loads(row.attempts[0].responses) for row in report.attempted]
    if not responses:
        raise not_found("nobody has attempted this quiz yet")
    stats = response_statistics(report.quiz, responses, Reading.of(room.course.language))
    name = request.path_params["export"]
    if name == "results.pdf":
        body = await run_in_threadpool(render_report_pdf, stats, room.course.language)
    else:
        body = render_report_html(stats, room.course.language)
    filename = f"{found.code}-{report.quiz.id}-{name}"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"}
    return Response(body, media_type=RESULTS[name], headers=headers)


async def _learner(request: Request, trainer):
    room = classroom(request)
    class_id, learner_id = int_param(request, "class_id"), int_param(request, "learner_id")

    def load(connection):
        store.class_by_id(connection, class_id, trainer)
        return connection.execute(store.select_learner(learner_id)).first()

    learner = await room.database.read(load)
    if learner is None or learner.class_id != class_id:
        raise not_found("no such learner in this class")
    return learner


async def learner_page(request: Request) -> Response:
    trainer = await current_trainer(request)
    room = classroom(request)
    learner = await _learner(request, trainer)

    def load(connection):
        return attempts.learner_attempts(connection, learner.id), certificates.eligible(connection, room.course, learner)

    rows, eligible = await room.database.read(load)
    titles = {quiz.id: quiz.title for quiz in room.course.quizzes}
    return render(request, "classroom/learner.html", trainer=trainer, learner=learner, rows=rows, titles=titles, eligible=eligible)


async def learner_certificate(request: Request) -> Response:
    trainer = await current_trainer(request)
    learner = await _learner(request, trainer)
    return await certificates.pdf_response(request, classroom(request), learner)


ROUTES = [
    Route("/trainer/classes/{class_id}/quizzes/{quiz_id}", quiz_page, methods=["GET"]),
    Route("/trainer/classes/{class_id}/quizzes/{quiz_id}/{export}", export, methods=["GET"]),
    Route("/trainer/classes/{class_id}/learners/{learner_id}", learner_page, methods=["GET"]),
    Route("/trainer/classes/{class_id}/learners/{learner_id}/certificate.pdf", learner_certificate, methods=["GET"]),
]
