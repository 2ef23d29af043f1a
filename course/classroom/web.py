"""Helpers the route handlers share: pages, JSON, cookies, CSRF, who is asking."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from . import security, store
from .errors import Refused
from .state import Classroom
from .views import environment

FORM_LIMITS = dict(max_files=0, max_fields=60, max_part_size=16 * 1024)


class SignInNeeded(Exception):
    """A trainer page asked for without a live session: go to the sign-in page."""


def classroom(request: Request) -> Classroom:
    return request.app.state.classroom


def csrf_for(request: Request) -> str:
    return security.csrf_token(classroom(request).secret, request.state.csrf_cookie)


def render(request: Request, template: str, status_code: int = 200, **context) -> HTMLResponse:
    room = classroom(request)
    env = environment(room.course.language, room.course.interface)
    html = env.get_template(template).render(course=room.course, csrf=csrf_for(request), **context)
    return HTMLResponse(html, status_code=status_code, headers={"Cache-Control": "no-store"})


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def json_response(data: dict, status_code: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status_code, headers={"Cache-Control": "no-store"})


async def checked_form(request: Request) -> dict[str, str]:
    """The fields of a posted form whose CSRF token is right, else 403."""
    form = await request.form(**FORM_LIMITS)
    fields = {key: value for key, value in form.items() if isinstance(value, str)}
    if not security.csrf_ok(classroom(request).secret, request.cookies.get(security.CSRF_COOKIE), fields.get(security.CSRF_FIELD)):
        raise Refused(403, "the form's security token is missing or out of date: reload the page and send it again")
    return fields


def check_csrf_header(request: Request) -> None:
    token = request.headers.get(security.CSRF_HEADER)
    if not security.csrf_ok(classroom(request).secret, request.cookies.get(security.CSRF_COOKIE), token):
        raise Refused(403, "missing or wrong CSRF token (header X-CSRF-Token): reload the page")


def set_cookie(response: Response, request: Request, name: str, value: str, max_age: int, samesite: str = "lax") -> None:
    response.set_cookie(
        name, value, max_age=max_age, httponly=True, samesite=samesite, secure=classroom(request).config.secure_cookies, path="/"
    )


async def current_learner(request: Request):
    """The learner row of the request's cookie, or None."""
    room = classroom(request)
    ids = security.read_learner_token(room.secret, request.cookies.get(security.LEARNER_COOKIE))
    if ids is None:
        return None
    learner_id, class_id, version = ids

    def lookup(connection):
        found = connection.execute(store.select_learner(learner_id)).first() if store.valid_id(learner_id) else None
        return found if found is not None and found.class_id == class_id and found.code_version == version else None

    return await room.database.read(lookup)


async def current_trainer_or_none(request: Request):
    room = classroom(request)
    token = request.cookies.get(security.TRAINER_COOKIE)
    return await room.database.read(lambda c: security.session_trainer(c, token)) if token else None


async def current_trainer(request: Request):
    trainer = await current_trainer_or_none(request)
    if trainer is None:
        raise SignInNeeded()
    return trainer


def safe_next(value: str | None, default: str) -> str:
    """Only a path on this site: no scheme, no other host, no backslash tricks."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value and len(value) < 300:
        return value
    return default


def int_param(request: Request, name: str) -> int:
    """A numeric id from the path: ASCII digits within the database's INTEGER, else 404."""
    value = request.path_params.get(name, "")
    if not (value.isascii() and value.isdigit() and len(value) <= 10 and store.valid_id(int(value))):
        raise Refused(404, f"no such {name.replace('_id', '')}")
    return int(value)


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"
