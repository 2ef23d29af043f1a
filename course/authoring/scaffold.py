"""``new module``: a module and its quiz skeleton, listed in course.yaml.

The skeletons are the Jinja templates ``templates/scaffold/module.md.j2`` and
``quiz.yaml.j2``; their texts are English message ids, in the course's
language through its ``scaffold.po`` catalogue (English where the engine has
none). They are valid course files that pass ``check``, with ``TODO``
wherever the author has to write, so ``check`` warns until every placeholder
is replaced.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from ..load import specs
from ..load.yamlfile import parse_yaml, read_text
from ..problems import CourseError, Problem, Problems
from ..render.i18n import source_translations
from ..resources import SCHEMAS, TEMPLATES
from .course_yaml import ListingError, add_module, scalar

SCAFFOLD = TEMPLATES / "scaffold"
QUIZ_SCHEMA = SCHEMAS / "quiz.schema.json" if SCHEMAS else None


@dataclass
class Scaffold:
    """What ``new module`` wrote, relative to the course root."""

    written: list[str] = field(default_factory=list)
    listed: bool = False  # the id was added to course.yaml's `modules`


def new_module(root: Path, module_id: str, title: str) -> Scaffold:
    """Write modules/ID.md and quizzes/ID-quiz.yaml and list ID in course.yaml; all or nothing."""
    root = Path(root)
    targets = {f"modules/{module_id}.md": "module", f"quizzes/{module_id}-quiz.yaml": "quiz"}
    _refuse(root, module_id, title, targets)
    settings_text = _course_text(root)
    listed_text = _listed(settings_text, module_id)
    values = _values(root, module_id, title, parse_yaml(settings_text, Problems("course.yaml")) or {})
    pages = {rel: _render(kind, values) for rel, kind in targets.items()}
    result = Scaffold()
    for rel, text in pages.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8") as handle:  # "x": never overwrite, even in a race
            handle.write(text)
        result.written.append(rel)
    if listed_text != settings_text:
        _replace(root / "course.yaml", listed_text)
        result.listed = True
    return result


def _refuse(root: Path, module_id: str, title: str, targets: dict[str, str]) -> None:
    if not specs.ID_PATTERN.match(module_id):
        raise CourseError(
            [
                Problem(
                    f"modules/{module_id}.md",
                    None,
                    f"module id `{module_id}` is malformed: "
                    "use lower-case letters, digits and `-`, starting with a letter or digit (e.g. `customs-basics`)",
                )
            ]
        )
    if not title.strip():
        raise CourseError([Problem(f"modules/{module_id}.md", None, 'the title is empty: give one with --title "..."')])
    existing = [rel for rel in targets if (root / rel).exists()]
    if existing:
        raise CourseError(
            [Problem(rel, None, "already exists; `new` never overwrites a file: choose another id or edit it") for rel in existing]
        )


def _course_text(root: Path) -> str:
    path = root / "course.yaml"
    if not path.is_file():
        raise CourseError(
            [
                Problem(
                    "course.yaml",
                    None,
                    f"no course.yaml in {root}: give the course folder with --course DIR, or start a course with "
                    '`course new course DIR --title "..." --language en`; a course.yaml of two lines, `title:` and `language:`, is enough',
                )
            ]
        )
    found = Problems("course.yaml")
    text = read_text(path, found)
    if text is None:
        raise CourseError(found)
    return text


def _listed(text: str, module_id: str) -> str:
    try:
        return add_module(text, module_id)
    except ListingError as error:
        raise CourseError([Problem("course.yaml", None, f"{error}: fix it, then run `new` again")]) from error


def _values(root: Path, module_id: str, title: str, settings: dict) -> dict:
    quizzes = (root / "quizzes").resolve()
    # a relative path only inside this repository: elsewhere it would name this machine's folders
    inside = QUIZ_SCHEMA is not None and quizzes.is_relative_to(QUIZ_SCHEMA.parent.parent)
    schema = os.path.relpath(QUIZ_SCHEMA, quizzes).replace(os.sep, "/") if inside else None
    return {
        "id": module_id,
        "quiz_id": f"{module_id}-quiz",
        "title": title.strip(),
        "schema": schema,
        "language": str(settings.get("language") or "ar") if isinstance(settings, dict) else "ar",
    }


TEMPLATE_NAMES = {"module": "module.md.j2", "quiz": "quiz.yaml.j2"}


def _render(kind: str, values: dict) -> str:
    path = SCAFFOLD / TEMPLATE_NAMES[kind]
    if not path.is_file():  # an engine installed without its templates
        raise CourseError([Problem(str(path), None, "the engine's scaffold template is missing: reinstall course-engine")])
    return skeleton_environment(SCAFFOLD, values["language"]).get_template(path.name).render(**values)


def skeleton_environment(folder: Path, language: str, trim_blocks: bool = True) -> jinja2.Environment:
    """Jinja2 for the skeletons in ``folder``, in the language's words (``scaffold.po``).

    Markdown and YAML, not HTML: values go through the `yaml` filter instead of HTML escaping.
    """
    env = jinja2.Environment(  # noqa: S701
        loader=jinja2.FileSystemLoader(str(folder)),
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=trim_blocks,
        lstrip_blocks=trim_blocks,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(source_translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.filters["yaml"] = scalar
    return env


def _replace(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.new")
    temporary.write_text(text, encoding="utf-8", newline="")
    os.replace(temporary, path)
