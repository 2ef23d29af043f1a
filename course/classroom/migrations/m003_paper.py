"""Version 3: attempts on paper.

``attempts.source``: ``online`` (the quiz page) or ``paper`` (a bubble sheet
read by ``course scan`` from the scans a trainer uploaded, recorded once the
trainer settled its review).
"""

from __future__ import annotations

from sqlalchemy import Connection


def upgrade(connection: Connection) -> None:
    connection.exec_driver_sql("ALTER TABLE attempts ADD COLUMN source VARCHAR(8) NOT NULL DEFAULT 'online'")
