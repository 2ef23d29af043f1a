"""Anyone may check a certificate's code: /verify?code=XXXX-XXXX-XXXX."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from .. import certificates
from ..errors import not_found
from ..views import CSS_FILE, SCRIPT_FILE
from ..web import classroom, render

STATIC = {"classroom.css": (CSS_FILE, "text/css"), "classroom.js": (SCRIPT_FILE, "text/javascript")}


async def verify(request: Request) -> Response:
    code = request.query_params.get("code", "").strip()[:64]
    found = await classroom(request).database.read(lambda c: certificates.find(c, code)) if code else None
    status = 200 if found or not code else 404
    return render(request, "classroom/verify.html", status_code=status, code=code, found=found, spaced=certificates.spaced)


async def static(request: Request) -> Response:
    entry = STATIC.get(request.path_params["name"])
    if entry is None:
        raise not_found("no such file")
    path, media_type = entry
    return FileResponse(path, media_type=media_type)


async def health(request: Request) -> Response:
    return Response("ok\n", media_type="text/plain")


async def no_icon(request: Request) -> Response:
    return Response(status_code=204)  # browsers ask for it on every page; the course has none


ROUTES = [
    Route("/favicon.ico", no_icon, methods=["GET"]),
    Route("/verify", verify, methods=["GET"]),
    Route("/classroom/static/{name}", static, methods=["GET"]),
    Route("/healthz", health, methods=["GET"]),
]
