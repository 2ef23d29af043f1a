"""What a quiz page holds besides its template (``site/quiz.html``, rendered by ``pages``).

The page holds the whole quiz as markup (prompts, options, the right answers,
feedback and explanations, the last three hidden until graded) plus the
mapping ``Question.to_dict`` gives, as JSON, for ``grading.js``. Its script,
``templates/assets/js/quiz.js``, documents the hooks and the wrapper API.
"""

from __future__ import annotations

import hashlib
import json

from markupsafe import Markup

from ...grading.rules import decimal_comma
from ...model import Course, Quiz
from ..environment import display_letter
from ..i18n import translations
from ..markdown import render_markdown, slug

# Strings the script puts on the page after grading. ``%(name)s`` is filled
# by the script, ``%%`` is a literal percent sign (python-format, as in the
# catalogs).
SCRIPT_MESSAGES = {
    "result_title": "Your result",
    "score": "Score: %(score)s of %(max)s (%(percent)s%%)",
    "passed": "Passed. The pass mark is %(pass_mark)s%%.",
    "failed": "Not passed yet. The pass mark is %(pass_mark)s%%.",
    "unanswered": "Questions not answered: %(count)s",
    "question_score": "Points: %(earned)s of %(points)s",
    "status_right": "Right",
    "status_partial": "Partly right",
    "status_wrong": "Not right",
    "status_unanswered": "Not answered",
    "right_answer": "Right answer",
    "chosen_right": "Your answer: right",
    "chosen_wrong": "Your answer: not right",
    "row_right": "Right",
    "row_wrong": "Not right: the right answer is %(answer)s",
    "moved": "%(item)s is now in position %(n)s",
    "empty_position": "Empty position",
}


def page_data(course: Course, quiz: Quiz) -> dict:
    """What quiz.js reads from the page's JSON block."""
    questions = [question.to_dict() for question in quiz.questions]
    gettext = translations(course.language, course.interface).gettext
    return {
        "id": quiz.id,
        "pass_mark": quiz.pass_mark,
        "shuffle": quiz.shuffle,
        "reading": {"decimal_comma": decimal_comma(course.language)},
        "storage_key": storage_key(course, quiz),
        "fingerprint": hashlib.sha256(json.dumps(questions, sort_keys=True).encode()).hexdigest()[:16],
        "letters": [display_letter(index, course.language) for index in range(_most_letters(quiz))],
        "messages": {name: gettext(message) for name, message in SCRIPT_MESSAGES.items()},
        "questions": questions,
    }


def storage_key(course: Course, quiz: Quiz) -> str:
    """The localStorage key of a quiz: one per course and quiz."""
    return f"course-quiz:{slug(course.title)}:{quiz.id}"


def _most_letters(quiz: Quiz) -> int:
    return max([max(len(q.options), len(q.choices), len(q.items)) for q in quiz.questions] + [1])


def inline_markdown(text: str) -> Markup | None:
    """A one-paragraph Markdown text as inline HTML (fit for a ``<legend>``), else None."""
    html = render_markdown(text).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        return Markup(html[3:-4])
    return None
