"""Trainer accounts: set a password, sign in with throttling and lockout.

Wrong passwords slow down, then lock: after the n-th wrong password in a row
the answer waits ``delay(n)`` (doubling from ``base``, capped), and the
``LOCK_AFTER``-th locks the name for ``LOCK_SECONDS``, right password or not.
The counters are in the database, so every server process behind it agrees;
names that do not exist get the same treatment from an in-memory counter, so
the answers do not tell which names exist.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from sqlalchemy import Connection, insert, select, update
from starlette.concurrency import run_in_threadpool

from . import tables as t
from .db import Database
from .errors import Refused, bad_request
from .security import hash_password, password_matches
from .store import clean_text

LOCK_AFTER = 5
LOCK_SECONDS = 15 * 60
MIN_PASSWORD = 10


def set_password(connection: Connection, name: str, password: str) -> bool:
    """Create the trainer or change their password (and unlock); True when created."""
    name = clean_text(name, "the trainer name", 100)
    if len(password) < MIN_PASSWORD:
        raise bad_request(f"the password is too short: at least {MIN_PASSWORD} characters")
    values = dict(password_hash=hash_password(password), failed_logins=0, locked_until=0)
    if connection.execute(update(t.trainers).where(t.trainers.c.name == name).values(**values)).rowcount:
        return False
    connection.execute(insert(t.trainers).values(name=name, created_at=time.time(), **values))
    return True


@dataclass
class LoginPolicy:
    base_delay: float = 0.5
    max_delay: float = 8.0
    unknown: dict[str, tuple[int, float]] = field(default_factory=dict)  # name -> (failures, locked until)

    def delay(self, failures: int) -> float:
        return 0.0 if failures <= 0 else min(self.base_delay * 2 ** (failures - 1), self.max_delay)


@dataclass(frozen=True)
class LoginOutcome:
    trainer_id: int | None
    delay: float = 0.0


async def sign_in(database: Database, policy: LoginPolicy, name: str, password: str) -> LoginOutcome:
    """Verify a password, counting failures; raises Refused(429) while the name is locked."""
    name = name[:100]
    row = await database.read(lambda c: c.execute(select(t.trainers).where(t.trainers.c.name == name)).first())
    failures, locked_until = (row.failed_logins, row.locked_until) if row else policy.unknown.get(name, (0, 0.0))
    if locked_until > time.time():
        raise Refused(429, "too many wrong passwords: this name is locked for a while", retry_after=int(locked_until - time.time()) + 1)
    if await run_in_threadpool(password_matches, row.password_hash if row else None, password):
        await database.write(
            lambda c: c.execute(update(t.trainers).where(t.trainers.c.id == row.id).values(failed_logins=0, locked_until=0))
        )
        return LoginOutcome(row.id)
    if row is None:
        failures += 1
        if len(policy.unknown) > 10_000:
            policy.unknown.clear()
        policy.unknown[name] = (0, time.time() + LOCK_SECONDS) if failures >= LOCK_AFTER else (failures, 0.0)
    else:
        failures = await database.write(lambda c: _count_failure(c, row.id))
    return LoginOutcome(None, policy.delay(failures))


def _count_failure(connection: Connection, trainer_id: int) -> int:
    """One more wrong password (counted in SQL, so concurrent tries all count); lock at LOCK_AFTER."""
    connection.execute(update(t.trainers).where(t.trainers.c.id == trainer_id).values(failed_logins=t.trainers.c.failed_logins + 1))
    failures = connection.scalar(select(t.trainers.c.failed_logins).where(t.trainers.c.id == trainer_id))
    if failures >= LOCK_AFTER:
        values = dict(failed_logins=0, locked_until=time.time() + LOCK_SECONDS)
        connection.execute(update(t.trainers).where(t.trainers.c.id == trainer_id).values(**values))
    return failures
