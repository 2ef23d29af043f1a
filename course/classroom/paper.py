"""Paper attempts: the scans of a class's bubble sheets, read by ``course.scan``, reviewed, then stored.

A trainer uploads the scans on the class page; they are read at once (the
files themselves are deleted once read: only the readings and the crops of
flagged items are kept), and wait, under a random token in the classroom's
folder, for the trainer's review: every flagged item and every learner
number not on the class roster must be settled. Then each sheet is graded by
the core, as ``grade`` grades the answers CSV, and stored as an attempt of
its learner with ``source = 'paper'``, beside the online attempts.
"""

from __future__ import annotations

import json
import pickle
import re
import secrets
import shutil
import time
from pathlib import Path

from sqlalchemy import Connection, insert

from ..grading.answer_sheet import sheet_graders
from ..grading.rules import Earned, Reading, decimal_comma, summarize
from ..model import Quiz
from ..scan.answers import settle
from ..scan.session import Scanner, Session
from . import tables as t
from .attempts import count_attempts
from .errors import bad_request, not_found

SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png")
TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")
NOT_ON_ROSTER = "learner number: not on this class's roster"  # said in the course's language by course.render.scan_review


def pending_folder(course_root: Path) -> Path:
    return Path(course_root).resolve() / ".classroom" / "scans"


def read_scans(folder: Path, class_id: int, quiz: Quiz, files: list[tuple[str, bytes]], language: str) -> str:
    """Read uploaded scans (name, bytes); keep the readings under a new token and return it."""
    if not files:
        raise bad_request("choose the scanned files (PDF, JPEG or PNG) to upload")
    bad = [name for name, _ in files if not name.lower().endswith(SUFFIXES)]
    if bad:
        raise bad_request(f"not a PDF, JPEG or PNG file: {bad[0][:80]}")
    token = secrets.token_urlsafe(24)
    place = folder / token
    place.mkdir(parents=True)
    paths, shown = [], {}
    for index, (name, data) in enumerate(files):
        path = place / f"{index:03d}{Path(name).suffix.lower()}"
        path.write_bytes(data)
        paths.append(path)
        shown[path] = Path(name).name[:120] or path.name
    try:
        session = Scanner(quiz, decimal_comma(language)).scan(paths, shown)
    finally:
        for path in paths:
            path.unlink(missing_ok=True)
    (place / "meta.json").write_text(json.dumps({"class_id": class_id, "quiz_id": quiz.id, "at": time.time()}), encoding="utf-8")
    (place / "session.pickle").write_bytes(pickle.dumps(session))  # written here, read only from here
    return token


def load_pending(folder: Path, token: str, class_id: int, quiz: Quiz) -> Session:
    place = folder / token if TOKEN.fullmatch(token or "") else None
    if place is None or not (place / "meta.json").is_file():
        raise not_found("no such upload of scans (already recorded?)")
    meta = json.loads((place / "meta.json").read_text(encoding="utf-8"))
    if meta.get("class_id") != class_id or meta.get("quiz_id") != quiz.id:
        raise not_found("no such upload of scans for this class and quiz")
    session = pickle.loads((place / "session.pickle").read_bytes())
    session.quiz = quiz
    return session


def save_pending(folder: Path, token: str, session: Session) -> None:
    (folder / token / "session.pickle").write_bytes(pickle.dumps(session))


def drop_pending(folder: Path, token: str) -> None:
    if TOKEN.fullmatch(token or ""):
        shutil.rmtree(folder / token, ignore_errors=True)


def check_roster(session: Session, roster: dict[str, int]) -> None:
    """Flag every sheet whose learner number is not a roster id of the class."""
    for sheet in session.sheets:
        found = sheet.item("learner")
        if found is None:
            continue
        item = found[1]
        if not item.flags and item.cell not in roster:
            item.flags.append(NOT_ON_ROSTER)


def apply_form(session: Session, fields: dict[str, str]) -> list[str]:
    """The decisions typed on the review page (``decision-N`` for the N-th flagged item); what was refused."""
    refused = []
    for index, (_, page, item) in enumerate(session.flagged()):
        decision = fields.get(f"decision-{index}", "").strip()
        if decision:
            why = settle(session, item, decision)
            if why:
                refused.append(f"{page.file}:{page.page}: {item.item}: {why}")
    return refused


def record_paper_attempts(
    connection: Connection, class_id: int, quiz: Quiz, session: Session, roster: dict[str, int], language: str
) -> int:
    """Grade every sheet and store it as its learner's next attempt, marked as paper; the number stored."""
    reading = Reading.of(language)
    graders = sheet_graders(quiz, reading)
    now = time.time()
    stored = 0
    for sheet in session.sheets:
        learner_id = roster.get(sheet.learner)
        if learner_id is None:
            continue
        cells = sheet.cells()
        scores = {n: i.score for p in sheet.pages.values() for n, i in p.items.items() if i.score is not None}
        earned = {}
        for question in quiz.questions:
            if question.id in scores:
                earned[question.id] = Earned(question.points * scores[question.id])
            else:
                earned[question.id] = graders[question.id](cells.get(question.id, ""), sheet.version)
        result = summarize(quiz, earned)
        answers = {q.id: cells.get(q.id, "") for q in quiz.questions}
        responses = {"version": sheet.version, "cells": answers, "scan": f"{sheet.first.file}:{sheet.first.page}"}
        values = dict(
            learner_id=learner_id,
            class_id=class_id,
            quiz_id=quiz.id,
            number=1 + count_attempts(connection, learner_id, quiz.id),
            responses=json.dumps(responses, ensure_ascii=False),
            earned=json.dumps({qid: e.points for qid, e in result.earned.items()}),
            score=result.score,
            max=result.max,
            percent=result.percent,
            passed=result.passed,
            created_at=now,
            source="paper",
        )
        connection.execute(insert(t.attempts).values(**values))
        stored += 1
    return stored
