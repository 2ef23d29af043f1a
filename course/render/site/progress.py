"""What the progress script (``templates/assets/js/progress.js``) reads from every page.

Where the learner's progress is kept (this browser's storage, or the LMS's
data inside a package), and the strings it writes, in the course's language.
"""

from __future__ import annotations

from ...model import Course
from ..i18n import translations
from ..markdown import slug

# ``%(name)s`` is filled by the script, ``%%`` is a literal percent sign.
SCRIPT_MESSAGES = {
    "quiz_passed": "Quiz passed: best score %(score)s of %(max)s (%(percent)s%%)",
    "quiz_not_passed": "Quiz not passed yet: best score %(score)s of %(max)s (%(percent)s%%)",
    "read": "Read",
    "started": "Started",
    "not_started": "Not started",
    "summary": "%(done)s of %(total)s modules done",
    "continue": "Continue where you left off: %(title)s",
    "kept_browser": "Your progress is kept in this browser only, on this device.",
    "kept_lms": "Your progress is kept by your learning platform.",
    "cleared": "Your progress in this course was cleared from this browser.",
}


def progress_key(course: Course) -> str:
    """The localStorage key of the course's progress (beside the quizzes' ``course-quiz:<slug>:<id>``)."""
    return f"course-progress:{slug(course.title)}"


def progress_data(course: Course, page: str, path: str, root: str, module: str | None = None, title: str = "") -> dict:
    gettext = translations(course.language).gettext
    return {
        "key": progress_key(course),
        "quiz_prefix": f"course-quiz:{slug(course.title)}:",
        "root": root,
        "page": page,
        "path": path,
        "module": module,
        "title": title,
        "messages": {name: gettext(message) for name, message in SCRIPT_MESSAGES.items()},
    }
