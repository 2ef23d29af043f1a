"""``new course DIR``: a small course that builds and passes ``check --strict`` as written.

Four files from the Jinja templates in ``templates/scaffold/course/``:
``course.yaml``, one module (``getting-started``), its quiz and a glossary of
one term; and a ``.gitignore`` for what the engine writes into the folder
(``dist/``, the build cache, the classroom's database, which holds learners'
names). Their texts are English message ids, translated by the
``scaffold.po`` catalogue of the course's language (English where the
engine has none). The folder must be new or empty: ``new`` never writes
beside someone's files.
"""

from __future__ import annotations

from pathlib import Path

from ..load.course import well_formed_tag
from ..problems import CourseError, Problem
from ..resources import TEMPLATES
from .scaffold import skeleton_environment

STARTER = TEMPLATES / "scaffold" / "course"
FILES = {
    "course.yaml": "course.yaml.j2",
    "modules/getting-started.md": "module.md.j2",
    "quizzes/getting-started-quiz.yaml": "quiz.yaml.j2",
    "glossary.yaml": "glossary.yaml.j2",
    ".gitignore": "gitignore.j2",  # the build's output and cache, the classroom's database (UX review, trial 1, finding 12)
}


def new_course(folder: Path, title: str, language: str) -> list[str]:
    """Write the starter course into FOLDER (created if absent); the files written, relative to it."""
    folder = Path(folder)
    _refuse(folder, title, language)
    env = skeleton_environment(STARTER, language, trim_blocks=False)
    pages = {rel: env.get_template(name).render(title=title.strip(), language=language) for rel, name in FILES.items()}
    folder.mkdir(parents=True, exist_ok=True)
    for rel, text in pages.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8", newline="\n") as handle:  # "x": never overwrite, even in a race
            handle.write(text)
    return list(pages)


def _refuse(folder: Path, title: str, language: str) -> None:
    where = str(folder)
    problems = []
    if folder.exists() and not folder.is_dir():
        problems.append(Problem(where, None, "is a file, not a folder: give the folder the new course goes in"))
    elif folder.is_dir() and any(folder.iterdir()):
        problems.append(
            Problem(where, None, "the folder is not empty; `new course` writes only into a new or empty folder: choose another")
        )
    if not title.strip():
        problems.append(Problem(where, None, 'the title is empty: give one with --title "..."'))
    if not well_formed_tag(language):
        problems.append(Problem(where, None, f"`{language}` is not a language tag: use a BCP 47 tag such as `en`, `ar`, `fr` or `fa-IR`"))
    if problems:
        raise CourseError(problems)
