"""Signed learner cookies, CSRF tokens, trainer passwords (argon2) and trainer sessions.

- A learner's cookie is ``L2.<learner id>.<class id>.<code version>.<HMAC>``:
  nobody can forge another learner's id, and a trainer's reset of the
  learner's personal code (a new ``code version``) signs out every browser
  that joined with the old one.
- CSRF: every browser gets a random ``classroom_csrf`` cookie; each form and
  each API call carries HMAC(secret, that cookie) (a signed double submit).
  A page of another site can neither read the cookie nor compute the token.
- Trainer sessions are random tokens in an HttpOnly, SameSite=Strict cookie;
  the database keeps only their SHA-256, so a leaked database opens nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, delete, insert, select

from . import tables as t

LEARNER_COOKIE = "classroom_learner"
TRAINER_COOKIE = "classroom_trainer"
CSRF_COOKIE = "classroom_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SESSION_SECONDS = 12 * 3600
LEARNER_SECONDS = 30 * 24 * 3600

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not a password of anyone")


def sign(secret: str, payload: str) -> str:
    return hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()[:40]


def learner_token(secret: str, learner_id: int, class_id: int, code_version: int = 0) -> str:
    payload = f"L2.{learner_id}.{class_id}.{code_version}"
    return f"{payload}.{sign(secret, payload)}"


def read_learner_token(secret: str, token: str | None) -> tuple[int, int, int] | None:
    """(learner id, class id, code version) of a genuine cookie, else None."""
    if not token or len(token) > 200:
        return None
    payload, _, signature = token.rpartition(".")
    parts = payload.split(".")
    if len(parts) != 4 or parts[0] != "L2" or not hmac.compare_digest(signature, sign(secret, payload)):
        return None
    if not all(part.isascii() and part.isdigit() and len(part) <= 10 for part in parts[1:]):
        return None
    return int(parts[1]), int(parts[2]), int(parts[3])


def new_csrf_cookie() -> str:
    return secrets.token_urlsafe(24)


def csrf_token(secret: str, cookie: str) -> str:
    return sign(secret, f"csrf|{cookie}")


def csrf_ok(secret: str, cookie: str | None, token: str | None) -> bool:
    return bool(cookie and token) and hmac.compare_digest(str(token), csrf_token(secret, cookie))


# ---- trainer passwords -------------------------------------------------------------


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(stored_hash: str | None, password: str) -> bool:
    """Constant work whether or not the trainer exists (no name probing by timing)."""
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


# ---- trainer sessions --------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(connection: Connection, trainer_id: int) -> str:
    token = secrets.token_urlsafe(32)
    now = time.time()
    connection.execute(delete(t.trainer_sessions).where(t.trainer_sessions.c.expires_at < now))
    connection.execute(
        insert(t.trainer_sessions).values(token_hash=_digest(token), trainer_id=trainer_id, expires_at=now + SESSION_SECONDS)
    )
    return token


def session_trainer(connection: Connection, token: str | None):
    """The trainer row of a live session token, else None."""
    if not token or len(token) > 100:
        return None
    query = (
        select(t.trainers)
        .join(t.trainer_sessions, t.trainer_sessions.c.trainer_id == t.trainers.c.id)
        .where(t.trainer_sessions.c.token_hash == _digest(token), t.trainer_sessions.c.expires_at > time.time())
    )
    return connection.execute(query).first()


def close_session(connection: Connection, token: str | None) -> None:
    if token:
        connection.execute(delete(t.trainer_sessions).where(t.trainer_sessions.c.token_hash == _digest(token)))
