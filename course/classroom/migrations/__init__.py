"""The schema, as numbered migrations applied in order on start.

A small versioned table (``schema_migrations``) rather than Alembic: the
schema is a handful of tables written with SQLAlchemy Core, both backends
take transactional DDL, and the server must migrate itself on start even when
several processes start at once. Each migration is a module ``mNNN_name.py``
with ``upgrade(connection)``; it holds its own table definitions, frozen as
they were, so a later change never rewrites history. All pending migrations
run in one transaction under a lock (``BEGIN IMMEDIATE`` on SQLite, an
advisory lock on PostgreSQL): a second process waits and then finds nothing
left to do.
"""

from __future__ import annotations

import importlib
import pkgutil
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Column, Connection, Float, Integer, MetaData, String, Table, insert, select

from ..db import Database

LOCK_KEY = 7_262_101  # PostgreSQL advisory lock: any fixed number of this application's own

_meta = MetaData()
schema_migrations = Table(
    "schema_migrations",
    _meta,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("name", String(100), nullable=False),
    Column("applied_at", Float, nullable=False),
)


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    upgrade: Callable[[Connection], None]


class SchemaTooNew(Exception):
    """The database was migrated by a newer server than this one."""


def migrations() -> list[Migration]:
    found = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("m") and info.name[1:4].isdigit():
            module = importlib.import_module(f"{__name__}.{info.name}")
            found.append(Migration(int(info.name[1:4]), info.name[5:], module.upgrade))
    return sorted(found, key=lambda m: m.version)


def migrate(database: Database) -> list[int]:
    """Apply every pending migration; return the versions applied now."""
    known = migrations()
    with database.transaction() as connection:
        if not database.is_sqlite:
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({LOCK_KEY})")
        schema_migrations.create(connection, checkfirst=True)
        applied = set(connection.scalars(select(schema_migrations.c.version)))
        newest = max((m.version for m in known), default=0)
        if applied and max(applied) > newest:
            raise SchemaTooNew(
                f"the database is at schema version {max(applied)}, newer than this server knows ({newest}); upgrade the server"
            )
        done = []
        for migration in known:
            if migration.version not in applied:
                migration.upgrade(connection)
                connection.execute(insert(schema_migrations).values(version=migration.version, name=migration.name, applied_at=time.time()))
                done.append(migration.version)
        return done


def current_version(database: Database) -> int:
    with database.engine.connect() as connection:
        return connection.scalar(select(schema_migrations.c.version).order_by(schema_migrations.c.version.desc()).limit(1)) or 0
