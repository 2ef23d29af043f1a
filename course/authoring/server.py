"""The preview's HTTP server: the built site read-only, plus live reload.

The standard library's ``ThreadingHTTPServer`` in a thread: a preview for
one author needs static files and one server-sent-events stream, which a
thread per connection does well, with no dependency and no event loop to
share with the watcher. Pages get a small script (and, while the course has
errors, the overlay) added as they are served; the files on disk stay
exactly what ``build`` writes.
"""

from __future__ import annotations

import mimetypes
import re
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jinja2

from ..render.environment import TEMPLATES
from .preview import Preview, State
from .safepath import Refused, resolve

PREVIEW_ASSETS = {"client.js": "text/javascript; charset=utf-8", "overlay.css": "text/css; charset=utf-8"}
PREFIX = "/__preview__/"
KEEPALIVE_SECONDS = 10
BODY_END = re.compile(r"</body\s*>", re.I)
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
}

_templates = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(TEMPLATES / "preview")), autoescape=True, trim_blocks=True, lstrip_blocks=True
)


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, preview: Preview):
        super().__init__(("127.0.0.1", port), PreviewHandler)
        self.preview = preview

    @property
    def port(self) -> int:
        return self.server_address[1]


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "course-preview"

    def do_GET(self) -> None:  # noqa: N802 - the http.server naming
        self._answer(with_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(with_body=False)

    def _not_allowed(self) -> None:
        self._send(HTTPStatus.METHOD_NOT_ALLOWED, b"read-only preview\n", "text/plain; charset=utf-8", {"Allow": "GET, HEAD"})

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _not_allowed  # noqa: N815

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - quiet: the build log is what authors read
        pass

    def _answer(self, with_body: bool) -> None:
        preview = self.server.preview
        if self.path.startswith(PREFIX):
            return self._internal(self.path[len(PREFIX) :].split("?")[0], with_body)
        with preview.building:  # never read while a build swaps the folder
            state = preview.state()
            try:
                path = resolve(preview.out, self.path)
                body = path.read_bytes()
            except Refused as refused:
                return self._refused(refused, state, with_body)
        kind = TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if path.suffix.lower() == ".html":
            body = inject(body.decode("utf-8", errors="replace"), state).encode("utf-8")
        self._send(HTTPStatus.OK, body, kind, with_body=with_body)

    def _refused(self, refused: Refused, state: State, with_body: bool) -> None:
        if refused.status == 404 and state.failed and not state.has_site:
            page = page_html("The course could not be built", "See the errors below.", state)
            return self._send(HTTPStatus.OK, page.encode(), TYPES[".html"], with_body=with_body)
        if refused.status == 404:
            page = page_html("Page not found", "No page of the built course has this address.", state)
            return self._send(HTTPStatus.NOT_FOUND, page.encode(), TYPES[".html"], with_body=with_body)
        self._send(HTTPStatus(refused.status), f"{refused}\n".encode(), "text/plain; charset=utf-8", with_body=with_body)

    def _internal(self, name: str, with_body: bool) -> None:
        if name == "events":
            return self._events()
        if name not in PREVIEW_ASSETS:
            return self._send(HTTPStatus.NOT_FOUND, b"no such preview file\n", "text/plain; charset=utf-8", with_body=with_body)
        body = (TEMPLATES / "preview" / name).read_bytes()
        self._send(HTTPStatus.OK, body, PREVIEW_ASSETS[name], with_body=with_body)

    def _events(self) -> None:
        """Server-sent events: the build version, whenever it is not the page's."""
        preview = self.server.preview
        seen = _query_version(self.path)
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        try:
            self.wfile.write(b"retry: 500\n\n")
            while not preview.closed:
                version = preview.wait_for_change(seen, KEEPALIVE_SECONDS)
                self.wfile.write(f"data: {version}\n\n".encode() if version != seen else b": still here\n\n")
                self.wfile.flush()
                seen = version
        except (BrokenPipeError, ConnectionResetError):
            pass  # the page was closed or reloaded

    def _send(self, status: HTTPStatus, body: bytes, kind: str, headers: dict | None = None, with_body: bool = True) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if with_body:
            self.wfile.write(body)


def _query_version(target: str) -> int:
    match = re.search(r"[?&]v=(-?\d+)", target)
    return int(match.group(1)) if match else -1


def snippet(state: State) -> str:
    """The live-reload script, and the overlay while the course has errors."""
    return _templates.get_template("inject.html").render(state=state)


def inject(page: str, state: State) -> str:
    """``page`` with the snippet just before its last ``</body>`` (or at its end)."""
    ends = list(BODY_END.finditer(page))
    at = ends[-1].start() if ends else len(page)
    return page[:at] + snippet(state) + page[at:]


def page_html(title: str, message: str, state: State) -> str:
    return _templates.get_template("page.html").render(title=title, message=message, state=state)
