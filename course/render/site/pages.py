"""Each site page from the course model alone: the work a page worker does.

A page is named by a small recipe (``Page``: which template, which module or
quiz, what it links to) that can be sent to another process; ``render`` turns
it into HTML from the course model and nothing else, so a page is the same
byte for byte whichever process renders it. ``write_pages`` writes a list of
them and returns each file's SHA-256 for the manifest.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ...model import Course, Module, Quiz, letter_index
from ..environment import environment
from ..i18n import translate
from .glossary_links import link_glossary_terms
from .progress import progress_data
from .quiz_page import inline_markdown, page_data
from .search_index import search_messages


@dataclass(frozen=True)
class Link:
    """Another module or quiz as a page shows it."""

    id: str
    title: str


def link(item: Module | Quiz | None) -> Link | None:
    return Link(item.id, item.title) if item is not None else None


@dataclass(frozen=True)
class Page:
    rel: str  # its path in the output folder
    kind: str  # its manifest kind
    key: str  # what it is made of (``course.build.keys``)
    what: str  # "index", "glossary", "learners", "module" or "quiz"
    index: int = 0  # the module's or quiz's position in the course
    target: str | None = None  # what it links to: the book (index), the handout (module), the quiz sheet (quiz)
    module: str | None = None
    quiz: str | None = None


def render(course: Course, page: Page) -> str:
    env = environment(course.language, course.interface)
    env.globals["search_messages"] = search_messages(course.language, course.interface)
    if page.what == "index":
        progress = progress_data(course, "index", "index.html", "")
        pdfs = {"book": page.target}
        return env.get_template("site/index.html").render(course=course, root="", page="index", pdfs=pdfs, progress=progress)
    if page.what == "glossary":
        progress = progress_data(course, "glossary", "glossary.html", "")
        return env.get_template("site/glossary.html").render(course=course, root="", page="glossary", progress=progress)
    if page.what == "learners":
        progress = progress_data(course, "learners", "learners.html", "")
        return env.get_template("site/learners.html").render(course=course, root="", page="learners", progress=progress)
    if page.what == "module":
        return _module_page(course, env, page.index + 1, page.target)
    if page.what == "quiz":
        return _quiz_page(course, env, course.quizzes[page.index], page.target)
    raise ValueError(f"no such page: {page.what}")


def warm(course: Course) -> None:
    """Load the site's templates and the course's catalogs (before the site workers are forked, so they have them)."""
    env = environment(course.language, course.interface)
    for name in ("site/index.html", "site/glossary.html", "site/learners.html", "site/module.html", "site/quiz.html"):
        env.get_template(name)


def neighbours(course: Course, number: int):
    """The links to the modules before and after module ``number`` (1-based)."""
    previous = link(course.modules[number - 2]) if number > 1 else None
    following = link(course.modules[number]) if number < len(course.modules) else None
    return previous, following


def _module_page(course: Course, env, number: int, pdf: str | None) -> str:
    module = course.modules[number - 1]
    previous, following = neighbours(course, number)
    return env.get_template("site/module.html").render(
        course=course,
        root="../",
        page="module",
        module=module,
        content=link_glossary_terms(module.html, course.glossary, "../glossary.html"),
        number=number,
        key_terms=course.key_terms(module),
        quizzes=[link(quiz) for quiz in course.quizzes_for(module.id)],
        previous=previous,
        next=following,
        pdf=pdf,
        progress=progress_data(course, "module", f"modules/{module.id}.html", "../", module.id, _numbered(course, number, module.title)),
    )


def _numbered(course: Course, number: int, title: str) -> str:
    return translate(course.language, "Module %(n)s", n=number) + ": " + title


def quiz_module(course: Course, quiz):
    """The link to a quiz's module and the module's number (None, None for a quiz of no module)."""
    for number, module in enumerate(course.modules, start=1):
        if module.id == quiz.module:
            return link(module), number
    return None, None


def _quiz_page(course: Course, env, quiz, sheet: str | None) -> str:
    module, number = quiz_module(course, quiz)
    return env.get_template("site/quiz.html").render(
        course=course,
        root="../",
        page="quiz",
        quiz=quiz,
        module=module,
        number=number,
        sheet=sheet,
        data=page_data(course, quiz),
        inline_markdown=inline_markdown,
        letter_index=letter_index,
        progress=progress_data(course, "quiz", f"quizzes/{quiz.id}.html", "../", quiz.module if module else None, quiz.title),
    )


def write_pages(course: Course, pages: list[Page], root: Path) -> list[str]:
    """Render and write ``pages`` under ``root``; their SHA-256, in order (a job for ``course.build.workers.site_pool.SitePool.run``)."""
    digests = []
    for page in pages:
        data = render(course, page).encode("utf-8")
        (root / page.rel).write_bytes(data)
        digests.append(hashlib.sha256(data).hexdigest())
    return digests
