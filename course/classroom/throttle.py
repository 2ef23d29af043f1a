"""Counting wrong guesses: trainer passwords, class codes and personal codes.

Every counter is a row of ``throttles`` keyed by what is guessed at
(``name:<trainer>``, ``addr:<client>``, ``join-addr:<client>``, ``join:*``,
``learner:<id>``), so every server process agrees. A row is read ``FOR
UPDATE`` (PostgreSQL; SQLite's one writer serialises anyway), so concurrent
guesses are counted one after another and none is checked while the key is
locked. A trainer's password is slow to check (argon2), so a login is counted
as a failure *before* it is verified and forgiven once it turns out right: 60
parallel guesses use up the 5 tries and the other 55 get 429 unchecked.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from sqlalchemy import Connection, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from . import tables as t


@dataclass(frozen=True)
class Rule:
    limit: int  # tries (or failures) allowed in a window; the limit-th locks the key
    window: float  # seconds a count lasts
    lock: float  # seconds a key stays locked once it reaches the limit


TRAINER_NAME = Rule(limit=5, window=15 * 60, lock=15 * 60)
TRAINER_ADDRESS = Rule(limit=20, window=15 * 60, lock=15 * 60)
JOIN_ADDRESS = Rule(limit=20, window=10 * 60, lock=10 * 60)
JOIN_OVERALL = Rule(limit=200, window=10 * 60, lock=10 * 60)
PERSONAL_CODE = Rule(limit=5, window=15 * 60, lock=15 * 60)


@dataclass(frozen=True)
class Count:
    failures: int
    retry_after: int = 0  # seconds; > 0 while locked

    @property
    def locked(self) -> bool:
        return self.retry_after > 0


def _stored_key(key: str) -> str:
    """The key as a row holds it: a digest for one too long or not printable (NUL cannot go into PostgreSQL text)."""
    if key.isprintable() and len(key) <= 200:
        return key
    return "sha256:" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def _row(connection: Connection, key: str):
    dialect = connection.dialect.name
    make = pg_insert if dialect == "postgresql" else sqlite_insert
    connection.execute(make(t.throttles).values(key=key, failures=0, window_start=0.0, locked_until=0.0).on_conflict_do_nothing())
    query = select(t.throttles).where(t.throttles.c.key == key)
    return connection.execute(query.with_for_update() if dialect == "postgresql" else query).first()


def check(connection: Connection, key: str, rule: Rule, now: float | None = None) -> Count:
    """The key's count now (and lock it for this transaction)."""
    now = time.time() if now is None else now
    row = _row(connection, _stored_key(key))
    if row.locked_until > now:
        return Count(row.failures, math.ceil(row.locked_until - now))
    if now - row.window_start > rule.window:
        return Count(0)
    return Count(row.failures)


def fail(connection: Connection, key: str, rule: Rule, now: float | None = None) -> Count:
    """One more failure (or try); the limit-th locks the key for ``rule.lock`` seconds."""
    now = time.time() if now is None else now
    key = _stored_key(key)
    row = _row(connection, key)
    if row.locked_until > now:
        return Count(row.failures, math.ceil(row.locked_until - now))
    fresh = now - row.window_start > rule.window or row.locked_until
    failures = 1 if fresh else row.failures + 1
    values = dict(failures=failures, locked_until=now + rule.lock if failures >= rule.limit else 0.0)
    if fresh:
        values["window_start"] = now
    connection.execute(update(t.throttles).where(t.throttles.c.key == key).values(**values))
    return Count(failures)


def forgive(connection: Connection, key: str) -> None:
    """Take back one counted try that turned out right."""
    key = _stored_key(key)
    connection.execute(
        update(t.throttles).where(t.throttles.c.key == key, t.throttles.c.failures > 0).values(failures=t.throttles.c.failures - 1)
    )


def clear(connection: Connection, key: str) -> None:
    connection.execute(delete(t.throttles).where(t.throttles.c.key == _stored_key(key)))
