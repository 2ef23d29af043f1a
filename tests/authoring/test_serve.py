"""The preview server, live: a real server on a free port, real Chromium, real file changes.

Every wait is bounded; the server runs in a thread of this process (or, for
the command line, a subprocess) and stops when its test ends.
"""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from course.authoring.session import PreviewSession

REPO = Path(__file__).resolve().parents[2]
WAIT_MS = 30_000
SECRET = "top-secret-contents-of-a-file-outside-the-site"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def served(english_copy):
    with PreviewSession(english_copy, port=0) as session:
        yield session


def _get(session: PreviewSession, target: str, method: str = "GET") -> tuple[int, bytes]:
    """A raw request: the target goes out exactly as written (no client-side normalising)."""
    connection = http.client.HTTPConnection("127.0.0.1", session.server.port, timeout=10)
    try:
        connection.putrequest(method, target, skip_host=False, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_pages_are_served_with_the_reload_script_but_built_files_stay_clean(served):
    status, body = _get(served, "/modules/customs-basics.html")
    assert status == 200
    page = body.decode("utf-8")
    assert "Customs basics" in page and "/__preview__/client.js" in page
    assert page.index("/__preview__/client.js") < page.rindex("</body>")
    built = served.preview.out
    for path in built.rglob("*.html"):
        assert "__preview__" not in path.read_text(encoding="utf-8"), f"{path} carries the preview script"
    assert not list(built.rglob("*.pdf")), "the preview builds HTML only"
    assert _get(served, "/__preview__/client.js")[0] == 200
    assert _get(served, "/")[0] == 200


def test_a_change_rebuilds_and_the_open_page_reloads_itself(served, browser):
    page = browser.new_page()
    try:
        page.goto(served.url + "modules/customs-basics.html")
        page.evaluate("window.__beforeChange = true")
        _edit(served.root / "modules/customs-basics.md", "## Why customs checks matter", "## Why customs checks matter to everyone")
        page.wait_for_selector("h2:has-text('matter to everyone')", timeout=WAIT_MS)
        assert page.evaluate("window.__beforeChange === undefined"), "the page changed without a reload"
    finally:
        page.close()


def test_an_error_shows_as_an_overlay_with_every_location_and_the_page_recovers(served, browser):
    page = browser.new_page()
    try:
        page.goto(served.url + "modules/customs-basics.html")
        module = served.root / "modules/customs-basics.md"
        _edit(module, "duration_minutes: 30", 'duration_minutes: "<img src=x onerror=window.__pwned=1>"')
        _edit(
            served.root / "quizzes/customs-basics-quiz.yaml",
            "      - text: The importer\n",
            "      - text: The importer\n        correct: true\n",
        )
        overlay = page.wait_for_selector("#course-preview-overlay", state="visible", timeout=WAIT_MS)
        text = overlay.inner_text()
        assert (
            "modules/customs-basics.md:7: `duration_minutes` must be a whole number, found `<img src=x onerror=window.__pwned=1>`" in text
        )
        assert "quizzes/customs-basics-quiz.yaml:10: " in text and "exactly one option" in text
        assert page.query_selector("#course-preview-overlay img") is None, "a problem message was not HTML-escaped"
        assert not page.evaluate("window.__pwned === 1")
        assert page.is_visible("h1:has-text('Customs basics')"), "the last good build stays under the overlay"

        _edit(module, 'duration_minutes: "<img src=x onerror=window.__pwned=1>"', "duration_minutes: 30")
        _edit(
            served.root / "quizzes/customs-basics-quiz.yaml",
            "      - text: The importer\n        correct: true\n",
            "      - text: The importer\n",
        )
        page.wait_for_selector("#course-preview-overlay", state="detached", timeout=WAIT_MS)
        assert page.is_visible("h1:has-text('Customs basics')")
    finally:
        page.close()


def test_a_course_that_never_built_shows_its_errors_then_its_pages(english_copy, browser):
    _edit(english_copy / "modules/risk-profiling.md", "title: Risk profiling\n", "")
    with PreviewSession(english_copy, port=0) as session:
        page = browser.new_page()
        try:
            page.goto(session.url)
            overlay = page.wait_for_selector("#course-preview-overlay", state="visible", timeout=WAIT_MS)
            assert "modules/risk-profiling.md:2: module front matter needs `title`" in overlay.inner_text()
            assert "Nothing could be built yet" in overlay.inner_text()
            _edit(english_copy / "modules/risk-profiling.md", "summary:", "title: Risk profiling\nsummary:")
            page.wait_for_selector("a:has-text('Risk profiling')", timeout=WAIT_MS)
            assert page.query_selector("#course-preview-overlay") is None
        finally:
            page.close()


TRAVERSALS = [
    "/../secret.txt",
    "/../../secret.txt",
    "/modules/../../secret.txt",
    "/%2e%2e/secret.txt",
    "/%2E%2E/%2e%2e/secret.txt",
    "/..%2fsecret.txt",
    "/..%2F..%2Fsecret.txt",
    "/%252e%252e/secret.txt",
    "/%252e%252e%252fsecret.txt",
    "/..\\secret.txt",
    "/%5c..%5csecret.txt",
    "/..%5csecret.txt",
    "//etc/passwd",
    "/%2Fetc%2Fpasswd",
    "/etc/passwd",
    "/outside/secret.txt",
    "/outside-file.txt",
    "/%c0%ae%c0%ae/secret.txt",
    "/.%2e/secret.txt",
    "/modules/%00../secret.txt",
]


def test_no_path_outside_the_output_folder_can_be_read(served):
    outside = served.folder  # holds the site folder: the nearest place a traversal would reach
    (outside / "secret.txt").write_text(SECRET, encoding="utf-8")
    (served.root / "secret.txt").write_text(SECRET, encoding="utf-8")
    os.symlink(outside, served.preview.out / "outside")
    os.symlink(outside / "secret.txt", served.preview.out / "outside-file.txt")
    for target in [*TRAVERSALS, served.preview.out.parent.as_posix() + "/secret.txt", "/" + str(outside / "secret.txt")]:
        status, body = _get(served, target)
        assert status in (400, 403, 404), f"{target}: {status}"
        assert SECRET.encode() not in body, f"{target} leaked a file outside the site"
        assert b"root:" not in body, f"{target} leaked /etc/passwd"


def test_the_site_is_read_only(served):
    for method in ("POST", "PUT", "DELETE"):
        assert _get(served, "/index.html", method)[0] == 405


def test_the_command_prints_the_port_and_stops_on_sigterm(english_copy):
    process = subprocess.Popen(
        [sys.executable, str(REPO / "build.py"), "serve", "--course", str(english_copy), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    try:
        line = _first_line(process, timeout=60)
        assert line.startswith("serving ") and "http://127.0.0.1:" in line, line
        port = int(line.split("http://127.0.0.1:")[1].split("/")[0])
        assert port > 0
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/")
        assert connection.getresponse().status == 200
        connection.close()
    finally:
        process.terminate()
        assert process.wait(timeout=20) == 0, process.stderr.read()


def _first_line(process: subprocess.Popen, timeout: float) -> str:
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.append(process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    assert lines and lines[0], f"no address printed within {timeout} s: {process.poll()}"
    return lines[0].strip()


def test_a_busy_port_is_reported(served, english_copy, capsys):
    from course.cli import main

    started = time.monotonic()
    assert main(["serve", "--course", str(english_copy), "--port", str(served.server.port)]) == 1
    assert "cannot serve on 127.0.0.1:" in capsys.readouterr().err
    assert time.monotonic() - started < 10
