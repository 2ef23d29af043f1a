"""Pure ASGI middleware: a cap on request bodies, a CSRF cookie for every browser, safe headers."""

from __future__ import annotations

import json

from . import security

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; "
        b"frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
    ),
]


def _too_large(limit: int) -> tuple[dict, dict]:
    body = json.dumps({"error": f"the request body is larger than {limit} bytes"}).encode()
    start = {"type": "http.response.start", "status": 413, "headers": [(b"content-type", b"application/json"), (b"connection", b"close")]}
    return start, {"type": "http.response.body", "body": body}


class BodyLimit:
    """413 for a declared or streamed body over ``limit`` bytes, before any handler reads it.

    An upload of scans (``POST`` to a path ``upload_paths`` matches) may be up
    to ``upload_limit``; its handler reads the body only for a signed-in trainer.
    """

    def __init__(self, app, limit: int, upload_limit: int | None = None, upload_paths=None):
        self.app, self.limit = app, limit
        self.upload_limit, self.upload_paths = upload_limit or limit, upload_paths

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = self.limit
        if self.upload_paths is not None and scope.get("method") == "POST" and self.upload_paths.fullmatch(scope.get("path", "")):
            limit = self.upload_limit
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            for message in _too_large(limit):
                await send(message)
            return
        seen = 0

        async def limited_receive():
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge()
            return message

        try:
            await self.app(scope, limited_receive, send)
        except BodyTooLarge:
            for message in _too_large(limit):
                await send(message)


class BodyTooLarge(Exception):
    pass


class BrowserCookies:
    """Every browser gets a random CSRF cookie; handlers read it as ``request.state.csrf_cookie``."""

    def __init__(self, app, secure: bool):
        self.app, self.secure = app, secure

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        cookie = _cookie(scope, security.CSRF_COOKIE)
        fresh = None
        if not cookie or len(cookie) > 64:
            cookie = fresh = security.new_csrf_cookie()
        scope.setdefault("state", {})["csrf_cookie"] = cookie

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", [])) + SECURITY_HEADERS
                if fresh:
                    flags = "; Path=/; HttpOnly; SameSite=Lax" + ("; Secure" if self.secure else "")
                    headers.append((b"set-cookie", f"{security.CSRF_COOKIE}={fresh}{flags}".encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _cookie(scope, name: str) -> str | None:
    for key, value in scope["headers"]:
        if key == b"cookie":
            for part in value.decode("latin-1").split(";"):
                found, _, content = part.strip().partition("=")
                if found == name:
                    return content
    return None
