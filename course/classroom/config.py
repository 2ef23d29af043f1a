"""What a classroom server was started with."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

MAX_BODY = 64 * 1024  # a quiz submission is a few kilobytes; anything larger is refused (413)


@dataclass(frozen=True)
class ClassroomConfig:
    course_root: Path
    site_dir: Path  # a built site (HTML only is enough)
    db_url: str
    secure_cookies: bool = False  # set behind https: cookies get the Secure flag
    max_body: int = MAX_BODY
    public_url: str | None = None  # the address printed in certificate QR codes; else the request's


def default_db_url(course_root: Path) -> str:
    return f"sqlite:///{(Path(course_root).resolve() / '.classroom' / 'classroom.db').as_posix()}"
