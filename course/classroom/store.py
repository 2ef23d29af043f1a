"""Queries: classes, learners (joining a class) and per-class quiz settings.

Every function takes an open connection, so a caller chooses the
transaction (``Database.write`` / ``Database.read``).
"""

from __future__ import annotations

import secrets
import time
import unicodedata
from dataclasses import dataclass

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..grading.rules import normalize
from . import tables as t
from .errors import Refused, bad_request, conflict, not_found

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud in a room
MODES = ("practice", "exam")


def secret(connection: Connection) -> str:
    return connection.scalar(select(t.settings.c.value).where(t.settings.c.key == "secret"))


# ---- classes ----------------------------------------------------------------


def clean_text(value: str, what: str, longest: int) -> str:
    """A name or title as stored: trimmed, no control characters, not empty, not too long."""
    text = " ".join(str(value or "").split())
    if not text:
        raise bad_request(f"{what} is empty")
    if len(text) > longest:
        raise bad_request(f"{what} is too long ({len(text)} characters, at most {longest})")
    if any(unicodedata.category(c) in ("Cc", "Cs") for c in text):
        raise bad_request(f"{what} holds control characters")
    return text


def class_code(value: str) -> str:
    return "".join(str(value or "").split()).upper()


def create_class(connection: Connection, name: str, code: str | None = None, open_join: bool = True) -> int:
    name = clean_text(name, "the class name", 200)
    code = class_code(code) if code else "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
    if not (4 <= len(code) <= 32 and code.isalnum() and code.isascii()):
        raise bad_request("a class code is 4 to 32 Latin letters or digits")
    try:
        with connection.begin_nested():
            return connection.execute(
                insert(t.classes).values(name=name, code=code, open_join=open_join, created_at=time.time()).returning(t.classes.c.id)
            ).scalar_one()
    except IntegrityError:
        raise conflict(f"the class code `{code}` is taken; choose another") from None


def classes(connection: Connection) -> list:
    learners = select(func.count()).where(t.learners.c.class_id == t.classes.c.id).scalar_subquery()
    return list(connection.execute(select(t.classes, learners.label("learners")).order_by(t.classes.c.created_at.desc())))


def class_by_id(connection: Connection, class_id: int):
    found = connection.execute(select(t.classes).where(t.classes.c.id == class_id)).first()
    if found is None:
        raise not_found(f"no class {class_id}")
    return found


def class_by_code(connection: Connection, code: str):
    return connection.execute(select(t.classes).where(t.classes.c.code == class_code(code))).first()


# ---- learners ---------------------------------------------------------------


def add_learner(connection: Connection, class_id: int, name: str, roster_id: str | None = None) -> int:
    name = clean_text(name, "the learner's name", 100)
    roster_id = clean_text(roster_id, "the roster id", 64) if roster_id else None
    values = dict(class_id=class_id, name=name, name_key=normalize(name), roster_id=roster_id, created_at=time.time())
    try:
        with connection.begin_nested():
            return connection.execute(insert(t.learners).values(**values).returning(t.learners.c.id)).scalar_one()
    except IntegrityError:
        raise conflict("a learner with this name or roster id is already in the class") from None


def join(connection: Connection, code: str, name: str = "", roster_id: str = ""):
    """The learner row for a class code plus a roster id or a name; a new learner if the class is open."""
    found = class_by_code(connection, code)
    if found is None:
        raise bad_request("no class has this code; check it with your trainer", field="code")
    if roster_id.strip():
        roster_id = clean_text(roster_id, "the roster id", 64)
        learner = connection.execute(
            select(t.learners).where(t.learners.c.class_id == found.id, t.learners.c.roster_id == roster_id)
        ).first()
        if learner is None:
            raise bad_request("this roster id is not on the class roster", field="roster_id")
        return learner
    name = clean_text(name, "your name", 100)
    query = select(t.learners).where(t.learners.c.class_id == found.id, t.learners.c.name_key == normalize(name))
    learner = connection.execute(query).first()
    if learner is None and not found.open_join:
        raise bad_request("this name is not on the class roster; ask your trainer", field="name")
    if learner is None:
        try:
            add_learner(connection, found.id, name)
        except Refused:  # joined at the same moment by another request: take that row
            pass
        learner = connection.execute(query).first()
    return learner


def learners(connection: Connection, class_id: int) -> list:
    return list(connection.execute(select(t.learners).where(t.learners.c.class_id == class_id).order_by(t.learners.c.name)))


def learner(connection: Connection, learner_id: int):
    found = connection.execute(select(t.learners).where(t.learners.c.id == learner_id)).first()
    if found is None:
        raise not_found("no such learner")
    return found


# ---- quiz settings ----------------------------------------------------------


@dataclass(frozen=True)
class QuizSettings:
    mode: str = "practice"
    max_attempts: int | None = None
    opens_at: float | None = None
    closes_at: float | None = None

    def state(self, now: float) -> str:
        if self.opens_at is not None and now < self.opens_at:
            return "not_open"
        if self.closes_at is not None and now >= self.closes_at:
            return "closed"
        return "open"


def quiz_settings(connection: Connection, class_id: int, quiz_id: str) -> QuizSettings:
    row = connection.execute(
        select(t.quiz_settings).where(t.quiz_settings.c.class_id == class_id, t.quiz_settings.c.quiz_id == quiz_id)
    ).first()
    return QuizSettings(row.mode, row.max_attempts, row.opens_at, row.closes_at) if row else QuizSettings()


def all_quiz_settings(connection: Connection, class_id: int) -> dict[str, QuizSettings]:
    rows = connection.execute(select(t.quiz_settings).where(t.quiz_settings.c.class_id == class_id))
    return {row.quiz_id: QuizSettings(row.mode, row.max_attempts, row.opens_at, row.closes_at) for row in rows}


def save_quiz_settings(connection: Connection, class_id: int, quiz_id: str, settings: QuizSettings) -> None:
    if settings.mode not in MODES:
        raise bad_request(f"mode must be one of {', '.join(MODES)}")
    if settings.max_attempts is not None and not (1 <= settings.max_attempts <= 1000):
        raise bad_request("attempts must be between 1 and 1000, or empty for no limit")
    if settings.opens_at is not None and settings.closes_at is not None and settings.closes_at <= settings.opens_at:
        raise bad_request("the quiz must close after it opens")
    values = dict(mode=settings.mode, max_attempts=settings.max_attempts, opens_at=settings.opens_at, closes_at=settings.closes_at)
    where = (t.quiz_settings.c.class_id == class_id, t.quiz_settings.c.quiz_id == quiz_id)
    if connection.execute(update(t.quiz_settings).where(*where).values(**values)).rowcount == 0:
        connection.execute(insert(t.quiz_settings).values(class_id=class_id, quiz_id=quiz_id, **values))


def select_learner(learner_id: int):
    """A learner with their class's name and code."""
    return (
        select(t.learners, t.classes.c.name.label("class_name"), t.classes.c.code.label("class_code"))
        .join(t.classes, t.classes.c.id == t.learners.c.class_id)
        .where(t.learners.c.id == learner_id)
    )
