"""What every request handler shares: the course, the database, the prepared pages."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from ..model import Course, Quiz
from .config import ClassroomConfig
from .db import Database
from .errors import not_found
from .pages import QuizPage
from .sitefiles import SiteFiles
from .trainers import LoginPolicy


@dataclass
class Classroom:
    config: ClassroomConfig
    course: Course
    database: Database
    pages: dict[str, QuizPage]
    site_files: SiteFiles
    secret: str = ""
    login_policy: LoginPolicy = field(default_factory=LoginPolicy)
    pdf_lock: threading.Lock = field(default_factory=threading.Lock)
    pdf_renderer: object | None = None

    def quiz(self, quiz_id: str) -> Quiz:
        for quiz in self.course.quizzes:
            if quiz.id == quiz_id:
                return quiz
        raise not_found(f"no quiz `{quiz_id[:60]}` in this course")
