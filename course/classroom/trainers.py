"""Trainer accounts: set a password, sign in with throttling and lockout, administrators.

A login is counted *before* its password is checked (``throttle``): per name
(5 tries in 15 minutes, then the name is locked for 15 minutes, right password
or not) and per client address (20 in 15 minutes). A right password takes its
try back. After the n-th wrong password in a row the answer waits
``delay(n)`` (doubling from ``base_delay``, capped). Names that do not exist
are counted the same way, so the answers do not tell which names exist.
"""

from __future__ import annotations

import time
import unicodedata
from dataclasses import dataclass

from sqlalchemy import Connection, insert, select, update
from starlette.concurrency import run_in_threadpool

from . import tables as t
from . import throttle
from .db import Database
from .errors import Refused, bad_request
from .security import hash_password, password_matches
from .store import clean_text

MIN_PASSWORD = 10
LONGEST_NAME = 100


def set_password(connection: Connection, name: str, password: str) -> bool:
    """Create the trainer or change their password (and unlock the name); True when created."""
    name = clean_text(name, "the trainer name", LONGEST_NAME)
    if len(password) < MIN_PASSWORD:
        raise bad_request(f"the password is too short: at least {MIN_PASSWORD} characters")
    values = dict(password_hash=hash_password(password), failed_logins=0, locked_until=0)
    throttle.clear(connection, f"name:{name}")
    if connection.execute(update(t.trainers).where(t.trainers.c.name == name).values(**values)).rowcount:
        return False
    connection.execute(insert(t.trainers).values(name=name, created_at=time.time(), **values))
    return True


def set_admin(connection: Connection, name: str, admin: bool = True) -> None:
    """Make a trainer an administrator (sees every class), or no longer one."""
    if not connection.execute(update(t.trainers).where(t.trainers.c.name == name).values(is_admin=admin)).rowcount:
        raise Refused(404, f"no trainer `{name[:100]}`: create them first with set-password")


@dataclass
class LoginPolicy:
    base_delay: float = 0.5
    max_delay: float = 8.0

    def delay(self, failures: int) -> float:
        return 0.0 if failures <= 0 else min(self.base_delay * 2 ** (failures - 1), self.max_delay)


@dataclass(frozen=True)
class LoginOutcome:
    trainer_id: int | None
    delay: float = 0.0


def _usable_name(name: str) -> bool:
    return 0 < len(name) <= LONGEST_NAME and not any(unicodedata.category(c) in ("Cc", "Cs") for c in name)


def _count_try(connection: Connection, name: str, address: str):
    """Lock both counters for this transaction; a refusal if either is locked, else count the try."""
    keys = ((f"name:{name}", throttle.TRAINER_NAME), (f"addr:{address}", throttle.TRAINER_ADDRESS))
    for key, rule in keys:
        count = throttle.check(connection, key, rule)
        if count.locked:
            return count
    name_count = throttle.fail(connection, *keys[0])
    throttle.fail(connection, *keys[1])
    row = connection.execute(select(t.trainers).where(t.trainers.c.name == name)).first() if _usable_name(name) else None
    return name_count, row


async def sign_in(database: Database, policy: LoginPolicy, name: str, password: str, address: str = "unknown") -> LoginOutcome:
    """Verify a password, counted first; raises Refused(429) while the name or the address is locked."""
    name = name[:LONGEST_NAME]
    counted = await database.write(lambda c: _count_try(c, name, address))
    if isinstance(counted, throttle.Count):
        raise Refused(429, "too many wrong passwords: this name is locked for a while", retry_after=counted.retry_after)
    count, row = counted
    if await run_in_threadpool(password_matches, row.password_hash if row else None, password):

        def right(connection: Connection) -> None:
            throttle.clear(connection, f"name:{name}")
            throttle.forgive(connection, f"addr:{address}")

        await database.write(right)
        return LoginOutcome(row.id)
    return LoginOutcome(None, policy.delay(count.failures))
