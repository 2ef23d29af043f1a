"""Version 2: who may see what.

- ``quiz_settings.reveal``: when an exam's answers are shown to a learner
  (``after_each_attempt``, ``after_last_attempt``, ``after_close``, ``never``);
  NULL keeps the default (``after_close``).
- ``learners.personal_code`` (made here for every learner already stored) and
  ``learners.code_version`` (raised when a trainer resets the code, which signs
  out every browser that joined with the old one).
- ``classes.trainer_id``: the trainer who created the class (NULL for classes
  made before: administrators see them); ``trainers.is_admin``.
- ``throttles``: failure counters (trainer names, client addresses, class and
  personal codes) shared by every server process.
"""

from __future__ import annotations

import secrets

from sqlalchemy import Column, Connection, Float, Integer, MetaData, String, Table, column, select, table, update

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
PERSONAL_CODE_LENGTH = 6

meta = MetaData()

throttles = Table(
    "throttles",
    meta,
    Column("key", String(200), primary_key=True),
    Column("failures", Integer, nullable=False, default=0),
    Column("window_start", Float, nullable=False, default=0),
    Column("locked_until", Float, nullable=False, default=0),
)

_learners = table("learners", column("id", Integer), column("personal_code", String))


def _add(connection: Connection, table_name: str, column_sql: str) -> None:
    connection.exec_driver_sql(f"ALTER TABLE {table_name} ADD COLUMN {column_sql}")


def upgrade(connection: Connection) -> None:
    _add(connection, "quiz_settings", "reveal VARCHAR(24)")
    _add(connection, "learners", "personal_code VARCHAR(16)")
    _add(connection, "learners", "code_version INTEGER NOT NULL DEFAULT 0")
    _add(connection, "classes", "trainer_id INTEGER REFERENCES trainers(id) ON DELETE SET NULL")
    _add(connection, "trainers", "is_admin BOOLEAN NOT NULL DEFAULT FALSE")
    meta.create_all(connection)
    for learner_id in list(connection.scalars(select(_learners.c.id))):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(PERSONAL_CODE_LENGTH))
        connection.execute(update(_learners).where(_learners.c.id == learner_id).values(personal_code=code))
