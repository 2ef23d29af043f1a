"""The tables as the queries see them (their definitions live in ``migrations``)."""

from __future__ import annotations

from sqlalchemy import Boolean, Float, Integer, String, Text, column, table

settings = table("settings", column("key", String), column("value", Text))

trainers = table(
    "trainers",
    column("id", Integer),
    column("name", String),
    column("password_hash", Text),
    column("failed_logins", Integer),
    column("locked_until", Float),
    column("created_at", Float),
    column("is_admin", Boolean),
)

trainer_sessions = table("trainer_sessions", column("token_hash", String), column("trainer_id", Integer), column("expires_at", Float))

classes = table(
    "classes",
    column("id", Integer),
    column("code", String),
    column("name", String),
    column("open_join", Boolean),
    column("created_at", Float),
    column("trainer_id", Integer),
)

learners = table(
    "learners",
    column("id", Integer),
    column("class_id", Integer),
    column("name", String),
    column("name_key", String),
    column("roster_id", String),
    column("created_at", Float),
    column("personal_code", String),
    column("code_version", Integer),
)

quiz_settings = table(
    "quiz_settings",
    column("class_id", Integer),
    column("quiz_id", String),
    column("mode", String),
    column("max_attempts", Integer),
    column("opens_at", Float),
    column("closes_at", Float),
    column("reveal", String),
)

attempts = table(
    "attempts",
    column("id", Integer),
    column("learner_id", Integer),
    column("class_id", Integer),
    column("quiz_id", String),
    column("number", Integer),
    column("responses", Text),
    column("earned", Text),
    column("score", Float),
    column("max", Float),
    column("percent", Float),
    column("passed", Boolean),
    column("created_at", Float),
    column("source", String),  # online, or paper (migration 3)
)

certificates = table(
    "certificates",
    column("code", String),
    column("learner_id", Integer),
    column("class_id", Integer),
    column("learner_name", String),
    column("course_title", Text),
    column("issued_at", Float),
)

throttles = table(
    "throttles", column("key", String), column("failures", Integer), column("window_start", Float), column("locked_until", Float)
)
