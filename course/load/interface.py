"""Interface strings by id: course.yaml's ``interface`` and what falls back to English.

Every English message id of the engine's catalogues (``course/locale`` and
``course/classroom/locale``) has one stable, readable id in
``course/locale/interface-ids.yaml`` (``quiz.check-my-answers: "Check my
answers"``); docs/course-format.md lists them. A course gives its own words
for any of them in course.yaml (``interface: {quiz.check-my-answers: ...}``):
applied after the language's catalogue (``course.render.i18n``). Loading
checks the map (an unknown id is a warning naming the closest, a value that
is not text or whose ``%(name)s`` placeholders are not the English one's is
an error) and warns once, naming them, about every string that neither the
language's catalogue nor ``interface`` gives, so falls back to English.
"""

from __future__ import annotations

import difflib
import functools
import io
import json
import re
from pathlib import Path

from ..problems import Problems

PACKAGE = Path(__file__).resolve().parent.parent
LOCALE_FOLDERS = (PACKAGE / "locale", PACKAGE / "classroom" / "locale")
REGISTRY = PACKAGE / "locale" / "interface-ids.yaml"
DOMAIN_ORDER = {"site": 0, "quiz": 1, "report": 2, "classroom": 3}
SOURCE_LANGUAGE = "en"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def read_registry(path: Path = REGISTRY) -> dict[str, str]:
    """The registry: id -> English message id, in file order."""
    import yaml

    data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return {str(key): str(value) for key, value in (data or {}).items()}


def write_registry(registry: dict[str, str], path: Path = REGISTRY) -> None:
    lines = [
        "# Interface string ids: id -> the English message id of the catalogues (course/locale, course/classroom/locale).",
        "# A course overrides a string by id in course.yaml `interface`. Ids are a contract with course authors: never",
        "# rename one without a note in CHANGELOG.md. New strings get theirs from `python scripts/interface_ids.py`.",
    ]
    lines += [f"{key}: {json.dumps(msgid, ensure_ascii=False)}" for key, msgid in registry.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@functools.cache
def registry() -> dict[str, str]:
    return read_registry()


@functools.cache
def ids_by_message() -> dict[str, str]:
    return {msgid: key for key, msgid in registry().items()}


def _catalogue_files(language: str | None = None) -> list[Path]:
    pattern = f"{language}/LC_MESSAGES/*.po" if language else "*/LC_MESSAGES/*.po"
    return [po for folder in LOCALE_FOLDERS if folder.is_dir() for po in sorted(folder.glob(pattern))]


def _read(po: Path):
    from babel.messages.pofile import read_po

    return read_po(io.BytesIO(po.read_bytes()))


def catalogue_messages() -> dict[str, str]:
    """Every English message id of every catalogue -> the first domain (file name) holding it."""
    found: dict[str, str] = {}
    for po in sorted(_catalogue_files(), key=lambda p: DOMAIN_ORDER.get(p.stem, len(DOMAIN_ORDER))):
        for message in _read(po):
            if message.id:
                found.setdefault(_singular(message.id), po.stem)
    return found


def _singular(msgid) -> str:
    return msgid[0] if isinstance(msgid, (tuple, list)) else msgid


@functools.cache
def translated(language: str) -> frozenset[str]:
    """The message ids the language's catalogues translate (not fuzzy, not empty)."""
    done = set()
    for po in _catalogue_files(language):
        for message in _read(po):
            strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
            if message.id and not message.fuzzy and all(strings):
                done.add(_singular(message.id))
    return frozenset(done)


def primary(language: str | None) -> str:
    return (language or SOURCE_LANGUAGE).split("-")[0].lower()


def check_interface(settings: dict, problems: Problems, line_of) -> tuple[tuple[str, str], ...]:
    """course.yaml's ``interface``, checked: (id, text) pairs of the valid entries; problems reported."""
    given = settings.get("interface")
    if not isinstance(given, dict):
        return ()  # absent, or not a mapping (reported by the key check)
    ids = registry()
    valid = []
    for key, text in given.items():
        line = line_of(given, key)
        if key not in ids:
            close = difflib.get_close_matches(str(key), list(ids), n=1, cutoff=0.5)
            hint = f": did you mean '{close[0]}'?" if close else " (the ids are listed in docs/course-format.md)"
            problems.warning(line, f"unknown interface id '{key}'{hint}")
            continue
        if not isinstance(text, str):
            problems.error(line, f"interface id '{key}' must be text, found {_describe(text)}: put the words in quotes")
            continue
        wrong = placeholder_problem(ids[key], text)
        if wrong:
            problems.error(line, f"interface id '{key}': {wrong}")
            continue
        valid.append((str(key), text))
    return tuple(valid)


def placeholder_problem(english: str, text: str) -> str | None:
    """Why ``text`` cannot stand for ``english`` (its ``%(name)s`` placeholders), or None."""
    names = set(PLACEHOLDER.findall(english))
    try:
        text % {name: 0 for name in names}
    except (KeyError, ValueError, TypeError):
        allowed = ", ".join(f"%({name})s" for name in sorted(names)) or "none"
        return f"use only the placeholders of the English text ({allowed}) and write a percent sign as %%"
    return None


def _describe(value) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return f"`{str(value).lower() if isinstance(value, bool) else value}`"


# Strings only an author sees (the skeletons `new` writes), never part of a built course.
AUTHOR_ONLY = ("scaffold.",)


def fallback_warning(language: str, given: tuple[tuple[str, str], ...]) -> str | None:
    """The warning for the strings that fall back to English in this language, or None when there are none."""
    code = primary(language)
    if code == SOURCE_LANGUAGE:
        return None
    done = translated(code)
    overridden = {key for key, _ in given}
    missing = [key for key, msgid in registry().items() if msgid not in done and key not in overridden and not key.startswith(AUTHOR_ONLY)]
    if not missing:
        return None
    why = "" if done else f"the engine has no interface catalogue for `{code}`: "
    count = len(missing)
    noun = "interface string falls" if count == 1 else "interface strings fall"
    return f"{why}{count} {noun} back to English: {', '.join(missing)} (give them in course.yaml `interface`)"


def markdown_table(ids: dict[str, str] | None = None) -> str:
    """docs/course-format.md's table of interface ids and their English text."""
    rows = ["| id | English text |", "| --- | --- |"]
    for key, msgid in (ids if ids is not None else registry()).items():
        fence = "``" if "`" in msgid else "`"
        pad = " " if "`" in msgid else ""
        shown = msgid.replace("|", "\\|").replace("\n", " ")
        rows.append(f"| `{key}` | {fence}{pad}{shown}{pad}{fence} |")
    return "\n".join(rows) + "\n"
