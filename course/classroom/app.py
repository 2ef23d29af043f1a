"""The Starlette application: routes, middleware, error pages, start and stop."""

from __future__ import annotations

import contextlib
import logging

from sqlalchemy import select
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..load import load_course
from ..problems import CourseError
from . import tables as t
from .config import ClassroomConfig
from .db import Database
from .errors import DatabaseUnavailable, Refused
from .middleware import BodyLimit, BrowserCookies
from .migrations import migrate
from .pages import quiz_pages
from .routes import api, learner, reports, scans, trainer, verify
from .sitefiles import CanonicalPaths, load_site_files, site_file
from .state import Classroom
from .views import classroom_translations
from .web import SignInNeeded, json_response, render, see_other

log = logging.getLogger("course.classroom")


def load_classroom(config: ClassroomConfig) -> Classroom:
    course, problems = load_course(config.course_root)
    if course is None:
        raise CourseError(problems)
    database = Database(config.db_url)
    return Classroom(config, course, database, quiz_pages(course, config.site_dir), load_site_files(config.site_dir))


def create_app(config: ClassroomConfig) -> Starlette:
    room = load_classroom(config)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        room.database.start()
        migrate(room.database)
        room.secret = room.database.read_now(lambda c: c.scalar(select(t.settings.c.value).where(t.settings.c.key == "secret")))
        yield
        room.database.close()

    routes = [*learner.ROUTES, *api.ROUTES, *trainer.ROUTES, *scans.ROUTES, *reports.ROUTES, *verify.ROUTES]
    routes.append(Route("/{path:path}", site_file, methods=["GET", "HEAD"]))  # the build's files, by manifest kind
    middleware = [
        Middleware(TrustedHostMiddleware, allowed_hosts=list(config.allowed_hosts), www_redirect=False),
        Middleware(CanonicalPaths),
        Middleware(BodyLimit, limit=config.max_body, upload_limit=config.max_scans, upload_paths=scans.UPLOAD_PATH),
        Middleware(BrowserCookies, secure=config.secure_cookies),
    ]
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        middleware=middleware,
        exception_handlers={
            Refused: refused,
            DatabaseUnavailable: database_unavailable,
            SignInNeeded: sign_in_needed,
            HTTPException: http_error,
            Exception: server_error,
        },
    )
    app.state.classroom = room
    return app


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/classroom/api/") or "application/json" in request.headers.get("accept", "")


async def refused(request: Request, error: Refused) -> Response:
    headers = {"Retry-After": str(error.details["retry_after"])} if "retry_after" in error.details else {}
    if _wants_json(request):
        response = json_response({"error": error.message, **_said(request, error.message), **error.details}, status_code=error.status)
    elif error.status == 429 and request.url.path == "/trainer/login":
        response = await trainer.locked_out(request, error)
    else:
        response = render(request, "classroom/error.html", status_code=error.status, message=error.message)
    response.headers.update(headers)
    return response


async def database_unavailable(request: Request, error: DatabaseUnavailable) -> Response:
    """503 with Retry-After: the database could not take the request (db.py logged why); nothing was saved."""
    if _wants_json(request):
        body = {"error": error.message, **_said(request, error.message), "retry_after": error.retry_after}
        response = json_response(body, status_code=503)
    else:
        response = render(request, "classroom/error.html", status_code=503, message=error.message)
    response.headers["Retry-After"] = str(error.retry_after)
    return response


async def sign_in_needed(request: Request, _error: SignInNeeded) -> Response:
    if _wants_json(request):
        message = "sign in as a trainer first"
        return json_response({"error": message, **_said(request, message)}, status_code=401)
    return see_other("/trainer/login")


async def http_error(request: Request, error: HTTPException) -> Response:
    message = error.detail if isinstance(error.detail, str) else "the request was refused"
    if _wants_json(request):
        return json_response({"error": message, **_said(request, message)}, status_code=error.status_code)
    return render(request, "classroom/error.html", status_code=error.status_code, message=message)


async def server_error(request: Request, error: Exception) -> Response:
    log.exception("unexpected error on %s", request.url.path, exc_info=error)
    return json_response({"error": "internal error", **_said(request, "internal error")}, status_code=500)


def _said(request: Request, message: str) -> dict[str, str]:
    """``message``: an error's words in the course's language, for the page to show, when they are not
    the English of ``error`` (kept for API clients)."""
    course = request.app.state.classroom.course
    said = classroom_translations(course.language, course.interface).gettext(message)
    return {"message": said} if said != message else {}
