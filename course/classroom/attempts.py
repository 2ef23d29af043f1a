"""Attempts: recorded in one transaction with the checks that allow them, and read back."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from sqlalchemy import Connection, Integer, cast, func, insert, select

from ..grading.rules import QuizResult
from . import tables as t
from .errors import Refused, conflict
from .store import QuizSettings, quiz_settings


@dataclass(frozen=True)
class Recorded:
    id: int
    number: int
    settings: QuizSettings

    @property
    def attempts_left(self) -> int | None:
        limit = self.settings.max_attempts
        return None if limit is None else max(0, limit - self.number)


def record_attempt(
    connection: Connection,
    learner_id: int,
    class_id: int,
    quiz_id: str,
    responses: dict,
    result: QuizResult,
    code_version: int | None = None,
) -> Recorded:
    """Check the learner (when ``code_version`` is given), the window and the attempt limit, then insert.

    The caller's commit makes it count.
    """
    if code_version is not None:
        query = select(t.learners.c.code_version).where(t.learners.c.id == learner_id, t.learners.c.class_id == class_id)
        if connection.scalar(query) != code_version:
            raise Refused(401, "join a class first: open /classroom/join")
    settings = quiz_settings(connection, class_id, quiz_id)
    now = time.time()
    state = settings.state(now)
    if state != "open":
        raise Refused(403, "this quiz is not open yet" if state == "not_open" else "this quiz is closed", state=state)
    number = 1 + count_attempts(connection, learner_id, quiz_id)
    if settings.max_attempts is not None and number > settings.max_attempts:
        raise conflict(f"no attempts left: the limit is {settings.max_attempts}", attempts_left=0)
    values = dict(
        learner_id=learner_id,
        class_id=class_id,
        quiz_id=quiz_id,
        number=number,
        responses=json.dumps(responses, ensure_ascii=False),
        earned=json.dumps({qid: e.points for qid, e in result.earned.items()}),
        score=result.score,
        max=result.max,
        percent=result.percent,
        passed=result.passed,
        created_at=now,
    )
    # Two processes may take the same number at once: the unique (learner, quiz, number)
    # refuses the second, and Database.write(retry_conflicts=True) runs this job again.
    new_id = connection.execute(insert(t.attempts).values(**values).returning(t.attempts.c.id)).scalar_one()
    return Recorded(new_id, number, settings)


def count_attempts(connection: Connection, learner_id: int, quiz_id: str) -> int:
    query = select(func.count()).where(t.attempts.c.learner_id == learner_id, t.attempts.c.quiz_id == quiz_id)
    return connection.scalar(query)


def learner_attempts(connection: Connection, learner_id: int) -> list:
    query = select(t.attempts).where(t.attempts.c.learner_id == learner_id).order_by(t.attempts.c.quiz_id, t.attempts.c.number)
    return list(connection.execute(query))


def quiz_attempts(connection: Connection, class_id: int, quiz_id: str) -> list:
    """Every attempt at a quiz in a class, with the learner's name, in learner then attempt order."""
    query = (
        select(t.attempts, t.learners.c.name.label("learner_name"), t.learners.c.roster_id)
        .join(t.learners, t.learners.c.id == t.attempts.c.learner_id)
        .where(t.attempts.c.class_id == class_id, t.attempts.c.quiz_id == quiz_id)
        .order_by(t.learners.c.name, t.attempts.c.learner_id, t.attempts.c.number)
    )
    return list(connection.execute(query))


def passed_quizzes(connection: Connection, class_id: int) -> dict[int, set[str]]:
    """learner id -> the quizzes they have passed at least once."""
    query = (
        select(t.attempts.c.learner_id, t.attempts.c.quiz_id)
        .where(t.attempts.c.class_id == class_id)
        .group_by(t.attempts.c.learner_id, t.attempts.c.quiz_id)
        .having(func.max(cast(t.attempts.c.passed, Integer)) == 1)
    )
    passed: dict[int, set[str]] = {}
    for learner_id, quiz_id in connection.execute(query):
        passed.setdefault(learner_id, set()).add(quiz_id)
    return passed


def total_attempts(connection: Connection) -> int:
    return connection.scalar(select(func.count()).select_from(t.attempts))
