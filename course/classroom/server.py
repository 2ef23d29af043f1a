"""Start a classroom server: build the site (HTML only) unless given one, migrate, run uvicorn.

With ``--workers N`` uvicorn starts N processes, each making the app from the
configuration passed in the environment (``app_from_environment``); they
share one database (PostgreSQL is the backend made for that).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy.engine import make_url

from .config import ClassroomConfig, default_allowed_hosts, default_db_url, listening_address

CONFIG_VARIABLE = "COURSE_CLASSROOM_CONFIG"
# On SIGINT or SIGTERM requests still open get this long to finish, then are cancelled; the database
# then stops within db.STOP_SECONDS. So a stop never waits on a hung request (or a second signal).
GRACEFUL_SHUTDOWN_SECONDS = 3


@contextlib.contextmanager
def site_folder(course_root: Path, site: Path | None) -> Iterator[Path]:
    """An existing build, or a fresh HTML-only build in a folder this server owns (removed on exit)."""
    if site is not None:
        if not (site / "quizzes").is_dir() and not (site / "index.html").is_file():
            raise SystemExit(f"{site}: not a built course site (no index.html)")
        yield site.resolve()
        return
    from ..build.pipeline import BuildOptions, build_course

    with tempfile.TemporaryDirectory(prefix="course-classroom-") as folder:
        out = Path(folder) / "site"
        build_course(course_root, BuildOptions(out=out, pdf=False))
        yield out


def serve(args) -> int:
    import uvicorn

    db_url = args.db or default_db_url(args.course)
    allowed = default_allowed_hosts(args.host, args.public_url, getattr(args, "allowed_host", None))
    with site_folder(Path(args.course), args.site) as site_dir:
        config = ClassroomConfig(
            course_root=Path(args.course).resolve(),
            site_dir=site_dir,
            db_url=db_url,
            secure_cookies=args.https,
            public_url=args.public_url,
            allowed_hosts=allowed,
            address=listening_address(args.host, args.port, args.https, allowed),
        )
        _migrate_once(config)
        os.environ[CONFIG_VARIABLE] = json.dumps({k: str(v) if isinstance(v, Path) else v for k, v in dataclasses.asdict(config).items()})
        shown = make_url(db_url).render_as_string(hide_password=True)
        print(f"classroom: http://{args.host}:{args.port}/ (database {shown}, {args.workers} process(es)); Ctrl+C stops", file=sys.stderr)
        uvicorn.run(
            "course.classroom.server:app_from_environment",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers if args.workers > 1 else None,
            loop="auto",  # uvloop when installed
            http="auto",  # httptools when installed
            access_log=args.access_log,
            log_level="info" if args.access_log else "warning",
            backlog=2048,
            timeout_keep_alive=30,
            timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        )
    return 0


def _migrate_once(config: ClassroomConfig) -> None:
    """Migrate before the workers start, so a bad database URL fails here with one message."""
    from .db import Database
    from .errors import DatabaseUnavailable
    from .migrations import migrate

    database = Database(config.db_url)
    try:
        migrate(database)
    except DatabaseUnavailable as error:
        raise SystemExit(f"classroom: cannot start: {error.message}") from None
    finally:
        database.close()


def app_from_environment():
    from .app import create_app

    data = json.loads(os.environ[CONFIG_VARIABLE])
    for key in ("course_root", "site_dir"):
        data[key] = Path(data[key])
    data["allowed_hosts"] = tuple(data.get("allowed_hosts", ()))
    return create_app(ClassroomConfig(**data))
