"""Quiz pages for classroom mode, made once at start from the built site.

Each quiz gets two variants, edited with lxml's HTML parser (never by
pasting strings):

- ``full``: the built page plus the classroom stylesheet, a bar for the
  learner and ``classroom.js``, which sends the answers to the server;
- ``exam``: the same, stripped of everything that gives an answer away: in
  the page's JSON the ``correct`` flags, ``answer``, ``answers`` and
  ``tolerance``; in the markup the right answers, explanations and option
  feedback. Its fingerprint differs, so the page's script never restores a
  stored state graded with the full key.

Which variant a learner gets is decided per request (``routes.learner``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import lxml.html
from jinja2.utils import htmlsafe_json_dumps

from ..model import Course, Quiz
from .views import classroom_translations, environment

ANSWER_KEYS = ("answer", "answers", "tolerance")
GIVEAWAYS = ("right-answer", "explanation", "option-feedback")
SCRIPT_MESSAGES = {
    "signed_in": "Signed in as %(name)s · %(class)s",
    "sending": "Sending your answers…",
    "saved": "Your attempt %(number)s is saved.",
    "attempts_left": "Attempts left: %(count)s",
    "not_saved": "Your answers were not saved: %(reason)s",
    "network": "The server could not be reached. Your answers are still on this page: try again.",
    "mode_exam": "Exam: the right answers are shown once your attempt is saved.",
    "exam_saved": "Your attempt %(number)s is saved: %(percent)s%%. The right answers are not shown yet.",
    "not_open": "This quiz is not open yet.",
    "closed": "This quiz is closed.",
    "no_attempts": "You have no attempts left.",
}


@dataclass(frozen=True)
class QuizPage:
    full: bytes
    exam: bytes


def quiz_pages(course: Course, site_dir: Path) -> dict[str, QuizPage]:
    env = environment(course.language, course.interface)
    catalog = classroom_translations(course.language, course.interface)
    messages = {name: catalog.gettext(text) for name, text in SCRIPT_MESSAGES.items()}  # %(x)s filled by the script
    pages = {}
    for quiz in course.quizzes:
        source = (site_dir / "quizzes" / f"{quiz.id}.html").read_bytes()
        pages[quiz.id] = QuizPage(
            full=_classroom_page(source, quiz, "full", env, messages),
            exam=_classroom_page(source, quiz, "exam", env, messages),
        )
    return pages


def _classroom_page(source: bytes, quiz: Quiz, variant: str, env, messages: dict) -> bytes:
    document = lxml.html.document_fromstring(source, parser=lxml.html.HTMLParser(encoding="utf-8"))
    if variant == "exam":
        _strip_answers(document)
    context = {"quiz": quiz, "variant": variant, "data": {"quiz": quiz.id, "variant": variant, "messages": messages}}
    head = document.find("head")
    for element in _fragments(env, "classroom/quiz_head.html", context):
        head.append(element)
    main = document.get_element_by_id("main")
    for index, element in enumerate(_fragments(env, "classroom/quiz_bar.html", context)):
        main.insert(index, element)
    body = document.find("body")
    for element in _fragments(env, "classroom/quiz_scripts.html", context):
        body.append(element)
    return lxml.html.tostring(document, doctype="<!DOCTYPE html>", encoding="utf-8", method="html")


def _fragments(env, template: str, context: dict) -> list:
    return lxml.html.fragments_fromstring(env.get_template(template).render(**context))


def _strip_answers(document) -> None:
    for name in GIVEAWAYS:
        for element in document.find_class(name):
            element.drop_tree()
    block = document.get_element_by_id("quiz-data")
    data = json.loads(block.text)
    data["fingerprint"] = f"exam-{data['fingerprint']}"
    for question in data["questions"]:
        for key in ANSWER_KEYS:
            question.pop(key, None)
        if "options" in question:
            question["options"] = [{"text": option["text"]} for option in question["options"]]
    block.text = str(htmlsafe_json_dumps(data))


def answer_key(quiz: Quiz) -> list[dict]:
    """What an exam page lacks, returned with a result once the attempt is stored."""
    key = []
    for question in quiz.questions:
        entry = question.to_dict()
        entry["explanation"] = question.explanation
        if question.options:
            entry["feedback"] = [option.feedback for option in question.options]
        key.append(entry)
    return key
