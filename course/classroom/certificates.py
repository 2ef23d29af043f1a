"""Certificates: for a learner who passed every quiz, a PDF with a verification code and QR code.

The code is 12 characters from an alphabet with no look-alikes (60 bits:
not guessable), stored with the name and course it was issued for, so
``/verify`` answers from the database even if the learner later changes. The
QR code (segno, SVG) holds the address of that page. The PDF is laid out with
the fonts, stylesheets and fenced URL fetcher of the site's WeasyPrint
renderer (``course.render.pdf.handout.PdfRenderer``) from
``templates/classroom/certificate.html``.
"""

from __future__ import annotations

import datetime
import secrets
import time
import urllib.parse

import segno
from babel.dates import format_date
from sqlalchemy import Connection, insert, select
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from ..model import Course
from . import attempts
from . import tables as t
from .errors import Refused
from .store import CODE_ALPHABET, class_code
from .views import CSS_FILE, environment


def eligible(connection: Connection, course: Course, learner) -> bool:
    quiz_ids = {quiz.id for quiz in course.quizzes}
    passed = attempts.passed_quizzes(connection, learner.class_id).get(learner.id, set())
    return bool(quiz_ids) and quiz_ids <= passed


def issue(connection: Connection, course: Course, learner):
    """The learner's certificate row, made on first request; Refused(403) when not earned."""
    found = connection.execute(select(t.certificates).where(t.certificates.c.learner_id == learner.id)).first()
    if found is not None:
        return found
    if not eligible(connection, course, learner):
        raise Refused(403, "a certificate needs a pass in every quiz of the course")
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    values = dict(code=code, learner_id=learner.id, class_id=learner.class_id, learner_name=learner.name, course_title=course.title)
    try:
        with connection.begin_nested():
            connection.execute(insert(t.certificates).values(issued_at=time.time(), **values))
    except IntegrityError:  # issued by a parallel request a moment ago
        pass
    return connection.execute(select(t.certificates).where(t.certificates.c.learner_id == learner.id)).first()


def find(connection: Connection, code: str):
    cleaned = class_code(code).replace("-", "")
    if not (cleaned.isalnum() and len(cleaned) <= 32):
        return None
    return connection.execute(select(t.certificates).where(t.certificates.c.code == cleaned)).first()


def spaced(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def verify_url(base: str, code: str) -> str:
    return f"{base.rstrip('/')}/verify?{urllib.parse.urlencode({'code': spaced(code)})}"


def render_pdf(room, certificate, url: str) -> bytes:
    """The certificate as PDF bytes (WeasyPrint, one render at a time per process)."""
    from ..render.pdf.handout import PdfRenderer
    from ..render.pdf.weasy import HTML

    issued = datetime.date.fromtimestamp(certificate.issued_at)
    context = dict(
        certificate=certificate,
        code=spaced(certificate.code),
        url=url,
        qr=segno.make(url, error="m").svg_data_uri(scale=4, border=2),
        issued=format_date(issued, format="long", locale=room.course.language.replace("-", "_")),
        stylesheet=CSS_FILE.with_name("certificate.css").as_uri(),
        quizzes=room.course.quizzes,
    )
    with room.pdf_lock:
        if room.pdf_renderer is None:
            room.pdf_renderer = PdfRenderer(room.course)
        renderer = room.pdf_renderer
        env = environment(room.course.language, room.course.interface)
        html = env.get_template("classroom/certificate.html").render(course=room.course, **context)
        document = HTML(string=html, base_url=CSS_FILE.parent.as_uri() + "/", url_fetcher=renderer.fetcher)
        return document.render(stylesheets=renderer.stylesheets, font_config=renderer.font_config).write_pdf(pdf_tags=True)


async def pdf_response(request: Request, room, learner) -> Response:
    certificate = await room.database.write(lambda c: issue(c, room.course, learner))
    base = room.config.certificate_base  # --public-url or the address the server listens on: never the request's Host
    body = await run_in_threadpool(render_pdf, room, certificate, verify_url(base, certificate.code))
    filename = f"certificate-{certificate.code}.pdf"
    return Response(
        body, media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="{filename}"', "Cache-Control": "no-store"}
    )
