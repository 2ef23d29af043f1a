"""Version 1: classes, learners, per-class quiz settings, attempts, trainers, certificates."""

from __future__ import annotations

import secrets

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    insert,
)

meta = MetaData()

settings = Table("settings", meta, Column("key", String(64), primary_key=True), Column("value", Text, nullable=False))

trainers = Table(
    "trainers",
    meta,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),
    Column("failed_logins", Integer, nullable=False, default=0),
    Column("locked_until", Float, nullable=False, default=0),
    Column("created_at", Float, nullable=False),
)

trainer_sessions = Table(
    "trainer_sessions",
    meta,
    Column("token_hash", String(64), primary_key=True),
    Column("trainer_id", Integer, ForeignKey("trainers.id", ondelete="CASCADE"), nullable=False),
    Column("expires_at", Float, nullable=False),
)

classes = Table(
    "classes",
    meta,
    Column("id", Integer, primary_key=True),
    Column("code", String(32), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("open_join", Boolean, nullable=False, default=True),  # learners not on the roster may join by name
    Column("created_at", Float, nullable=False),
)

learners = Table(
    "learners",
    meta,
    Column("id", Integer, primary_key=True),
    Column("class_id", Integer, ForeignKey("classes.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("name_key", String(200), nullable=False),  # the name as compared: grading.normalize
    Column("roster_id", String(64)),
    Column("created_at", Float, nullable=False),
    UniqueConstraint("class_id", "name_key"),
    UniqueConstraint("class_id", "roster_id"),
)

quiz_settings = Table(
    "quiz_settings",
    meta,
    Column("class_id", Integer, ForeignKey("classes.id", ondelete="CASCADE"), primary_key=True),
    Column("quiz_id", String(100), primary_key=True),
    Column("mode", String(16), nullable=False, default="practice"),
    Column("max_attempts", Integer),
    Column("opens_at", Float),
    Column("closes_at", Float),
)

attempts = Table(
    "attempts",
    meta,
    Column("id", Integer, primary_key=True),
    Column("learner_id", Integer, ForeignKey("learners.id", ondelete="CASCADE"), nullable=False),
    Column("class_id", Integer, ForeignKey("classes.id", ondelete="CASCADE"), nullable=False),
    Column("quiz_id", String(100), nullable=False),
    Column("number", Integer, nullable=False),
    Column("responses", Text, nullable=False),  # JSON: {question id: canonical response}
    Column("earned", Text, nullable=False),  # JSON: {question id: points}
    Column("score", Float, nullable=False),
    Column("max", Float, nullable=False),
    Column("percent", Float, nullable=False),
    Column("passed", Boolean, nullable=False),
    Column("created_at", Float, nullable=False),
    UniqueConstraint("learner_id", "quiz_id", "number"),
    Index("attempts_by_class_quiz", "class_id", "quiz_id"),
)

certificates = Table(
    "certificates",
    meta,
    Column("code", String(32), primary_key=True),
    Column("learner_id", Integer, ForeignKey("learners.id", ondelete="CASCADE"), nullable=False, unique=True),
    Column("class_id", Integer, nullable=False),
    Column("learner_name", String(200), nullable=False),
    Column("course_title", Text, nullable=False),
    Column("issued_at", Float, nullable=False),
)


def upgrade(connection: Connection) -> None:
    meta.create_all(connection)
    connection.execute(insert(settings).values(key="secret", value=secrets.token_hex(32)))
