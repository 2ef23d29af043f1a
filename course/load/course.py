"""Load a whole course folder: course.yaml, modules, quizzes, glossary, trainer notes."""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Callable
from pathlib import Path

from ..model import Course, Module, Quiz
from ..problems import Problem, Problems
from . import specs
from .fields import check_mapping, describe
from .glossary import load_glossary
from .interface import check_interface, fallback_warning
from .links import Refused, outside_links
from .modules import load_module
from .quizzes import load_quiz_file
from .yamlfile import item_line, key_line, parse_yaml, read_text

PAPER_SIZES = ("A4", "Letter")
# RFC 5646 section 2.1: ASCII letters, digits and hyphens, subtags of 1 to 8
# characters, the first a language (2-3 or 5-8 letters) or a private use or
# grandfathered prefix. langcodes checks the rest of the grammar, but reads
# `en_GB` and `root` as tags, which BCP 47 does not allow.
TAG_SHAPE = re.compile(r"(?:[A-Za-z]{2,3}|[A-Za-z]{5,8}|[xXiI])(?:-[A-Za-z0-9]{1,8})*")
# The usual tags (language, optional script, optional region: `ar`, `fa-IR`, `zh-Hant-TW`) are
# well-formed by this pattern alone; only other shapes pay for langcodes' grammar (0.1 s to import).
COMMON_TAG = re.compile(r"[a-z]{2,3}(?:-[A-Z][a-z]{3})?(?:-(?:[A-Z]{2}|[0-9]{3}))?")


def load_course(
    root: Path, modules_read: Callable[[list[Module]], None] | None = None, partial: bool = False
) -> tuple[Course | None, list[Problem]]:
    """Load and validate everything; return the course (None on errors) and all problems.

    ``modules_read`` is handed the modules as soon as they are read, before
    the quizzes are (a build starts converting their Markdown then).
    ``partial``: on errors, return the course made of what did load (the
    files without errors; ``unloaded`` names the modules left out) instead of
    None, so that ``check`` can go on to what only rendering finds (links,
    images) and report every problem in one round.
    """
    root = Path(root)
    refused = outside_links(root)
    problems: list[Problem] = list(refused.problems)
    settings = _load_settings(root, problems, refused)
    modules = _load_modules(root, problems, refused)
    if modules_read is not None:
        modules_read(list(modules.values()))
    present = {p.stem for p in (root / "modules").glob("*.md")}  # loaded or not: no cascade errors
    course = Course(root=root, title=str(settings.get("title") or ""), **_course_fields(settings))
    course.modules = _order_modules(modules, present, settings, problems)
    course.quizzes = _load_quizzes(root, course, present, problems, refused)
    glossary_path = root / "glossary.yaml"
    glossary_read = True
    if glossary_path.exists() and glossary_path not in refused:
        glossary_problems = Problems("glossary.yaml")
        course.glossary = load_glossary(glossary_path, glossary_problems)
        problems += glossary_problems
        glossary_read = not any(p.is_error for p in glossary_problems)
    _load_trainer_notes(root, course, problems, refused)
    if glossary_read:  # else every key term would be "not in glossary.yaml": the glossary's own errors say why
        _check_key_terms(course, problems)
    problems.sort(key=lambda p: (p.path, p.line or 0))
    if any(p.is_error for p in problems):
        course.unloaded = frozenset(present - {m.id for m in course.modules})
        return (course if partial else None), problems
    return course, problems


def _load_settings(root: Path, problems: list[Problem], refused: Refused) -> dict:
    found = Problems("course.yaml")
    path = root / "course.yaml"
    if path in refused:
        return {}
    if not path.is_file():
        start = 'start one with `course new course DIR --title "..."`'
        found.error(None, f"no course.yaml in {root}: is this a course folder? (use --course DIR; {start})")
        problems += found
        return {}
    text = read_text(path, found)
    data = parse_yaml(text, found) if text is not None else None
    if data is None and text is not None and not found:
        found.error(1, "course.yaml is empty: it needs at least `title`")
    if data is not None and check_mapping(data, specs.COURSE, found, "course.yaml", 1):
        size = data.get("paper_size")
        if size is not None and size not in PAPER_SIZES:
            found.error(key_line(data, "paper_size"), f"`paper_size` must be A4 or Letter, found {describe(size)}")
        language = data.get("language")
        if isinstance(language, str) and not well_formed_tag(language):
            found.error(
                key_line(data, "language"),
                f"`language` must be a BCP 47 language tag such as `ar`, `en` or `fr-CA`, found {describe(language)}",
            )
        data["interface"] = check_interface(data, found, key_line)
        fallback = fallback_warning(str(data.get("language") or "ar"), data["interface"])
        if fallback:
            found.warning(key_line(data, "language") if "language" in data else 1, fallback)
    problems += found
    return data if isinstance(data, dict) else {}


@functools.lru_cache(maxsize=64)
def well_formed_tag(language: str) -> bool:
    """Whether ``language`` is a well-formed BCP 47 tag (RFC 5646)."""
    if COMMON_TAG.fullmatch(language):
        return True
    if not TAG_SHAPE.fullmatch(language):
        return False
    import langcodes

    return langcodes.tag_is_valid(language)


def _course_fields(settings: dict) -> dict:
    fields = {k: settings[k] for k in ("subtitle", "organisation", "description", "pass_mark") if settings.get(k) is not None}
    fields["language"] = str(settings.get("language") or "ar")
    fields["paper_size"] = settings.get("paper_size") or "A4"
    fields["interface"] = settings.get("interface") if isinstance(settings.get("interface"), tuple) else ()
    if settings.get("version") is not None:
        fields["version"] = str(settings["version"])
    return fields


def _load_modules(root: Path, problems: list[Problem], refused: Refused) -> dict[str, Module]:
    modules = {}
    folder = root / "modules"
    paths = sorted(folder.glob("*.md")) if folder.is_dir() else []
    if not paths:
        problems.append(Problem("modules", None, "the course has no modules: add modules/<id>.md"))
    for path in paths:
        if path in refused:
            continue
        found = Problems(f"modules/{path.name}")
        wrong = specs.id_problem(path.stem)
        if wrong:
            found.error(None, f"module id {describe(path.stem)} {wrong} (it is the file name without .md)")
        module = load_module(path, found.path, found)
        problems += found
        if module is not None and not any(p.is_error for p in found):
            modules[module.id] = module
    return modules


def _order_modules(modules: dict[str, Module], present: set[str], settings: dict, problems: list[Problem]) -> list[Module]:
    order = settings.get("modules")
    if not isinstance(order, list) or not all(isinstance(m, str) for m in order):
        return list(modules.values())  # a malformed list is reported by the key check
    found = Problems("course.yaml")
    seen = set()
    for index, module_id in enumerate(order):
        line = item_line(order, index)
        if module_id in seen:
            found.error(line, f"module `{module_id}` is listed twice in `modules`")
        elif module_id not in present:
            shown = describe(module_id)[1:-1]  # line breaks shown as \n, a long id shortened
            found.error(line, f"`modules` names `{shown}`, but there is no modules/{shown}.md")
        seen.add(module_id)
    for module_id in modules:
        if module_id not in seen:
            found.warning(
                key_line(settings, "modules"), f"modules/{module_id}.md is not listed in `modules`, so it is left out of the course"
            )
    problems += found
    return [modules[m] for m in dict.fromkeys(order) if m in modules]


def _load_quizzes(root: Path, course: Course, present: set[str], problems: list[Problem], refused: Refused) -> list[Quiz]:
    folder = root / "quizzes"
    quizzes, seen = [], {}
    module_ids = {m.id for m in course.modules}
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        if path in refused:
            continue
        display = f"quizzes/{path.name}"
        quiz, found = load_quiz_file(path, display, default_pass_mark=course.pass_mark)
        problems += found
        if quiz is None:
            continue
        extra = Problems(display)
        if quiz.id in seen:
            extra.error(1, f"quiz id `{quiz.id}` is also used by {seen[quiz.id]}")
        if quiz.module not in module_ids and quiz.module not in present:
            known = sorted(module_ids | present)
            close = difflib.get_close_matches(quiz.module, known, n=1) if isinstance(quiz.module, str) else []
            hint = f": did you mean `{close[0]}`?" if close else ""
            extra.error(
                quiz.module_line,
                f"`module` names {describe(quiz.module)}, which is not a module of this course ({', '.join(known) or 'none'}){hint}",
            )
        seen.setdefault(quiz.id, display)
        problems += extra
        quizzes.append(quiz)
    order = {m.id: i for i, m in enumerate(course.modules)}
    return sorted(quizzes, key=lambda q: (order.get(q.module, len(order)), q.id))


def _load_trainer_notes(root: Path, course: Course, problems: list[Problem], refused: Refused) -> None:
    folder = root / "trainer"
    by_id = {m.id: m for m in course.modules}
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        if path in refused:
            continue
        found = Problems(f"trainer/{path.name}")
        text = read_text(path, found)
        if path.stem not in by_id:
            found.warning(None, f"trainer notes for `{path.stem}`, which is not a module of this course")
        elif text is not None:
            by_id[path.stem].trainer_notes_markdown = text
        problems += found


def _check_key_terms(course: Course, problems: list[Problem]) -> None:
    names = {e.term for e in course.glossary} | {e.abbreviation for e in course.glossary if e.abbreviation}
    for module in course.modules:
        found = Problems(f"modules/{module.id}.md")
        for term in module.key_terms:
            if term not in names:
                found.warning(module.front_lines.get("key_terms"), f"key term `{term}` is not in glossary.yaml")
        problems += found
