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

from ..grading.answer_sheet import DIRECTION_CONTROLS
from ..grading.rules import normalize
from . import tables as t
from .errors import Refused, bad_request, conflict, not_found

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud in a room
CLASS_CODE_LENGTH = 8  # 32**8 = 2**40 codes: see docs/classroom.md for how long guessing takes
PERSONAL_CODE_LENGTH = 6  # 32**6 = 2**30, tried at most 5 times per 15 minutes per learner
MODES = ("practice", "exam")
REVEALS = ("after_each_attempt", "after_last_attempt", "after_close", "never")
DEFAULT_REVEAL = "after_close"
LARGEST_ID = 2**31 - 1  # an INTEGER column on both backends
BIDI_CONTROLS = set(DIRECTION_CONTROLS)


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


def learner_name(value: str, what: str = "your name") -> str:
    """A learner's name as stored: also no direction controls, and at least one visible letter or digit.

    A certificate prints the name: ``\u202eBDC NOSIRRAH`` would print as another
    name, and a name of combining marks or zero-width characters as none.
    """
    text = clean_text(value, what, 100)
    if any(c in BIDI_CONTROLS for c in text):
        raise bad_request(f"{what} holds direction control characters")
    if not any(unicodedata.category(c)[0] in "LN" for c in text):
        raise bad_request(f"{what} has no visible letter or digit")
    return text


def class_code(value: str) -> str:
    return "".join(str(value or "").split()).upper()


def random_code(length: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def _plausible_code(code: str, longest: int = 32) -> bool:
    return 0 < len(code) <= longest and code.isascii() and code.isalnum()


def create_class(connection: Connection, name: str, code: str | None = None, open_join: bool = True, trainer_id: int | None = None) -> int:
    name = clean_text(name, "the class name", 200)
    code = class_code(code) if code else random_code(CLASS_CODE_LENGTH)
    if not (4 <= len(code) <= 32 and code.isalnum() and code.isascii()):
        raise bad_request("a class code is 4 to 32 Latin letters or digits")
    values = dict(name=name, code=code, open_join=open_join, created_at=time.time(), trainer_id=trainer_id)
    try:
        with connection.begin_nested():
            return connection.execute(insert(t.classes).values(**values).returning(t.classes.c.id)).scalar_one()
    except IntegrityError:
        raise conflict(f"the class code `{code}` is taken; choose another") from None


def classes(connection: Connection, trainer=None) -> list:
    """The classes a trainer may see: their own, or every class for an administrator (or no trainer given)."""
    learners = select(func.count()).where(t.learners.c.class_id == t.classes.c.id).scalar_subquery()
    query = select(t.classes, learners.label("learners")).order_by(t.classes.c.created_at.desc())
    if trainer is not None and not trainer.is_admin:
        query = query.where(t.classes.c.trainer_id == trainer.id)
    return list(connection.execute(query))


def valid_id(value: int) -> bool:
    return 1 <= value <= LARGEST_ID


def class_by_id(connection: Connection, class_id: int, trainer=None):
    """The class, if it exists and the trainer (when given) may see it; else 404 (no difference shown)."""
    found = connection.execute(select(t.classes).where(t.classes.c.id == class_id)).first() if valid_id(class_id) else None
    if found is None or (trainer is not None and not trainer.is_admin and found.trainer_id != trainer.id):
        raise not_found(f"no class {str(class_id)[:20]}")
    return found


def class_by_code(connection: Connection, code: str):
    code = class_code(code)
    if not _plausible_code(code):
        return None
    return connection.execute(select(t.classes).where(t.classes.c.code == code)).first()


def set_open_join(connection: Connection, class_id: int, open_join: bool) -> None:
    connection.execute(update(t.classes).where(t.classes.c.id == class_id).values(open_join=open_join))


# ---- learners ---------------------------------------------------------------


def add_learner(connection: Connection, class_id: int, name: str, roster_id: str | None = None) -> int:
    name = learner_name(name, "the learner's name")
    roster_id = clean_text(roster_id, "the roster id", 64) if roster_id else None
    values = dict(
        class_id=class_id,
        name=name,
        name_key=normalize(name),
        roster_id=roster_id,
        created_at=time.time(),
        personal_code=random_code(PERSONAL_CODE_LENGTH),
        code_version=0,
    )
    try:
        with connection.begin_nested():
            return connection.execute(insert(t.learners).values(**values).returning(t.learners.c.id)).scalar_one()
    except IntegrityError:
        raise conflict("a learner with this name or roster id is already in the class") from None


def reset_personal_code(connection: Connection, class_id: int, learner_id: int) -> str:
    """A new personal code; browsers that joined with the old one are signed out (``code_version``)."""
    code = random_code(PERSONAL_CODE_LENGTH)
    values = dict(personal_code=code, code_version=t.learners.c.code_version + 1)
    where = (t.learners.c.id == learner_id, t.learners.c.class_id == class_id)
    if not valid_id(learner_id) or not connection.execute(update(t.learners).where(*where).values(**values)).rowcount:
        raise not_found("no such learner in this class")
    return code


@dataclass(frozen=True)
class Joined:
    learner: object
    new: bool  # made by this join: the learner is shown their personal code


def join(connection: Connection, code: str, name: str = "", roster_id: str = "", personal_code: str = "") -> Joined:
    """The learner for a class code plus a roster id or a name, and their personal code once the learner exists.

    A name not yet in the class makes a new learner when the class is open
    (``open_join``); a roster id, or a name already taken, needs that learner's
    personal code: nobody joins as somebody else by knowing their name.
    """
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
        return Joined(_with_code(connection, learner, personal_code), False)
    name = learner_name(name)
    query = select(t.learners).where(t.learners.c.class_id == found.id, t.learners.c.name_key == normalize(name))
    learner = connection.execute(query).first()
    if learner is not None:
        return Joined(_with_code(connection, learner, personal_code), False)
    if not found.open_join:
        raise bad_request("this name is not on the class roster; ask your trainer", field="name")
    add_learner(connection, found.id, name)  # a name joined a moment ago by another request: 409, the caller retries
    return Joined(connection.execute(query).first(), True)


class WrongPersonalCode(Refused):
    def __init__(self, learner_id: int):
        super().__init__(
            400,
            "this learner is already in the class: type your personal code (on your results page or roster card), "
            "or ask your trainer for a new one",
            field="personal_code",
        )
        self.learner_id = learner_id


def _with_code(connection: Connection, learner, personal_code: str):
    typed = class_code(personal_code)
    if not (learner.personal_code and _plausible_code(typed, 16) and secrets.compare_digest(typed, learner.personal_code)):
        raise WrongPersonalCode(learner.id)
    return learner


def learners(connection: Connection, class_id: int) -> list:
    return list(connection.execute(select(t.learners).where(t.learners.c.class_id == class_id).order_by(t.learners.c.name)))


def learner(connection: Connection, learner_id: int):
    found = connection.execute(select(t.learners).where(t.learners.c.id == learner_id)).first() if valid_id(learner_id) else None
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
    reveal: str = DEFAULT_REVEAL  # exam mode: when the answers are shown (practice pages hold them anyway)

    def state(self, now: float) -> str:
        if self.opens_at is not None and now < self.opens_at:
            return "not_open"
        if self.closes_at is not None and now >= self.closes_at:
            return "closed"
        return "open"

    def revealed(self, attempts_used: int, now: float) -> bool:
        """May a learner with this many stored attempts see the answers now?"""
        if self.mode != "exam":
            return True
        closed = self.closes_at is not None and now >= self.closes_at
        if self.reveal == "after_each_attempt":
            return attempts_used > 0
        if self.reveal == "after_last_attempt":
            return attempts_used > 0 and (closed or (self.max_attempts is not None and attempts_used >= self.max_attempts))
        if self.reveal == "after_close":
            return closed
        return False


def _settings(row) -> QuizSettings:
    return QuizSettings(row.mode, row.max_attempts, row.opens_at, row.closes_at, row.reveal or DEFAULT_REVEAL)


def quiz_settings(connection: Connection, class_id: int, quiz_id: str) -> QuizSettings:
    row = connection.execute(
        select(t.quiz_settings).where(t.quiz_settings.c.class_id == class_id, t.quiz_settings.c.quiz_id == quiz_id)
    ).first()
    return _settings(row) if row else QuizSettings()


def all_quiz_settings(connection: Connection, class_id: int) -> dict[str, QuizSettings]:
    rows = connection.execute(select(t.quiz_settings).where(t.quiz_settings.c.class_id == class_id))
    return {row.quiz_id: _settings(row) for row in rows}


def save_quiz_settings(connection: Connection, class_id: int, quiz_id: str, settings: QuizSettings) -> None:
    if settings.mode not in MODES:
        raise bad_request(f"mode must be one of {', '.join(MODES)}")
    if settings.reveal not in REVEALS:
        raise bad_request(f"answers shown must be one of {', '.join(REVEALS)}")
    if settings.max_attempts is not None and not (1 <= settings.max_attempts <= 1000):
        raise bad_request("attempts must be between 1 and 1000, or empty for no limit")
    if settings.opens_at is not None and settings.closes_at is not None and settings.closes_at <= settings.opens_at:
        raise bad_request("the quiz must close after it opens")
    values = dict(
        mode=settings.mode,
        max_attempts=settings.max_attempts,
        opens_at=settings.opens_at,
        closes_at=settings.closes_at,
        reveal=settings.reveal,
    )
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
