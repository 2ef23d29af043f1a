"""Trainers: upload the scans of a class's paper quiz, settle the review, store the attempts (``course.classroom.paper``)."""

from __future__ import annotations

import asyncio
import re

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .. import paper, security, store
from ..errors import Refused
from ..web import classroom, current_trainer, int_param, render, see_other

UPLOAD_PATH = re.compile(r"/trainer/classes/[0-9]+/quizzes/[^/]+/scans")
MAX_FILES = 100


async def _form(request: Request, **limits) -> tuple[dict[str, str], list]:
    """A posted form whose CSRF token is right: its text fields and its files."""
    form = await request.form(**limits)
    fields = {key: value for key, value in form.items() if isinstance(value, str)}
    if not security.csrf_ok(classroom(request).secret, request.cookies.get(security.CSRF_COOKIE), fields.get(security.CSRF_FIELD)):
        raise Refused(403, "the form's security token is missing or out of date: reload the page and send it again")
    return fields, [value for value in form.getlist("scans") if not isinstance(value, str)]


async def _context(request: Request):
    trainer = await current_trainer(request)  # before any body is read
    room = classroom(request)
    class_id = int_param(request, "class_id")
    quiz = room.quiz(request.path_params["quiz_id"])

    def load(connection):
        found = store.class_by_id(connection, class_id, trainer)
        roster = {row.roster_id: row.id for row in store.learners(connection, class_id) if row.roster_id}
        return found, roster

    found, roster = await room.database.read(load)
    return trainer, room, found, quiz, roster


async def upload(request: Request) -> Response:
    trainer, room, found, quiz, roster = await _context(request)
    _, files = await _form(request, max_files=MAX_FILES, max_fields=10, max_part_size=room.config.max_scans)
    uploads = [(upload.filename or "scan", await upload.read()) for upload in files if upload.filename]
    folder = room.config.scans_dir or paper.pending_folder(room.config.course_root)
    token = await asyncio.to_thread(paper.read_scans, folder, found.id, quiz, uploads, room.course.language)
    return see_other(f"/trainer/classes/{found.id}/quizzes/{quiz.id}/scans/{token}")


async def review(request: Request) -> Response:
    trainer, room, found, quiz, roster = await _context(request)
    folder = room.config.scans_dir or paper.pending_folder(room.config.course_root)
    session = paper.load_pending(folder, request.path_params["token"], found.id, quiz)
    paper.check_roster(session, roster)
    return _page(request, trainer, found, quiz, session, [])


def _page(request, trainer, found, quiz, session, refused: list[str], status_code: int = 200) -> Response:
    from ...render.scan_review import say_flag, say_kind, say_reading

    language = classroom(request).course.language
    items = [{"sheet": sheet, "page": page, "item": item} for sheet, page, item in session.flagged()]
    return render(request, "classroom/scans.html", status_code=status_code, trainer=trainer, room=found, quiz=quiz, session=session,
                  items=items, refused=refused, token=request.path_params["token"],
                  reason=lambda flag: say_flag(flag, language), kind=lambda name: say_kind(name, language),
                  reading=lambda item: say_reading(session, item, language))  # fmt: skip


async def settle(request: Request) -> Response:
    trainer, room, found, quiz, roster = await _context(request)
    fields, _ = await _form(request, max_files=0, max_fields=2000, max_part_size=16 * 1024)
    folder = room.config.scans_dir or paper.pending_folder(room.config.course_root)
    token = request.path_params["token"]
    session = paper.load_pending(folder, token, found.id, quiz)
    paper.check_roster(session, roster)
    refused = paper.apply_form(session, fields)
    paper.check_roster(session, roster)  # a number typed in must be on the roster too
    if refused or session.flagged():
        paper.save_pending(folder, token, session)
        return _page(request, trainer, found, quiz, session, refused, status_code=400 if refused else 200)
    language = room.course.language
    stored = await room.database.write(lambda c: paper.record_paper_attempts(c, found.id, quiz, session, roster, language))
    paper.drop_pending(folder, token)
    return see_other(f"/trainer/classes/{found.id}?paper={stored}#settings")


ROUTES = [
    Route("/trainer/classes/{class_id}/quizzes/{quiz_id}/scans", upload, methods=["POST"]),
    Route("/trainer/classes/{class_id}/quizzes/{quiz_id}/scans/{token}", review, methods=["GET"]),
    Route("/trainer/classes/{class_id}/quizzes/{quiz_id}/scans/{token}", settle, methods=["POST"]),
]
