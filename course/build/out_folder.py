"""Which folder a build may write (course-format.md section 2): never one the user keeps other things in.

A build replaces its output folder whole, so it writes OUT only when OUT is
absent, empty, or the output of an earlier build: a ``manifest.json`` that
a build wrote, and nothing beside it that the manifest does not list, apart
from what the user asked to keep (``--keep``, carried into each new output).
It never writes the course folder, a folder that contains it, or one inside
its sources. Everything is decided before anything is written or removed.
"""

from __future__ import annotations

import fnmatch
import json
import os
from pathlib import Path, PurePosixPath

from ..problems import Problem

# The course's own folders: an output inside one would be read back as course files.
SOURCE_FOLDERS = ("modules", "quizzes", "trainer", "sources")
SHOWN = 5  # stray files named in the message


def out_folder_problems(out: Path, shown: str, course_root: Path, keep: tuple[str, ...] = ()) -> list[Problem]:
    """Why a build must not write ``out`` (empty when it may); ``shown``: the folder as the user named it."""
    final, course = Path(out).resolve(), Path(course_root).resolve()
    refused = _refusal(final, course) or _not_an_output(final, keep)
    return [Problem(shown, None, f"refused as the output folder: {refused}")] if refused else []


def _refusal(final: Path, course: Path) -> str | None:
    if final == course:
        return "it is the course folder, and a build replaces its output folder whole: use --out DIR outside it (default: DIR/dist)"
    if final in course.parents:
        return f"it contains the course folder ({course}), and a build replaces its output folder whole: use an empty folder"
    for name in SOURCE_FOLDERS:
        if final.is_relative_to(course / name):
            return f"it lies inside the course's {name}/ folder, which the build reads: put the output outside {name}/"
    if final.exists() and not final.is_dir():
        return "it is a file, not a folder"
    return None


def _not_an_output(final: Path, keep: tuple[str, ...]) -> str | None:
    """Why the existing folder ``final`` is not one a build may replace (None when it is absent, empty or an earlier output)."""
    if not final.is_dir():
        return None
    present = sorted(_files(final, keep))
    if not present:
        return None
    listed = manifest_paths(final)
    if listed is None:
        stray = present
        reason = "it holds files and no manifest.json of an earlier build"
    else:
        stray = [rel for rel in present if rel not in listed and rel != "manifest.json"]
        reason = "it holds files its manifest.json does not list"
    if not stray:
        return None
    named = ", ".join(stray[:SHOWN]) + (f" and {len(stray) - SHOWN} more" if len(stray) > SHOWN else "")
    return (
        f"{reason} ({named}), and a build replaces its output folder whole: "
        "choose an empty or new folder, move those files, or name them with --keep to carry them over"
    )


def manifest_paths(final: Path) -> set[str] | None:
    """The files an earlier build's manifest lists (None when there is no manifest a build could have written)."""
    try:
        data = json.loads((final / "manifest.json").read_text(encoding="utf-8"))
        paths = {entry["path"] for entry in data["outputs"]}
    except (OSError, UnicodeDecodeError, ValueError, TypeError, KeyError):
        return None
    if not all(isinstance(path, str) and _inside(path) for path in paths):
        return None
    return paths


def _inside(rel: str) -> bool:
    path = PurePosixPath(rel)
    return bool(rel) and not path.is_absolute() and ".." not in path.parts and "\\" not in rel and "\0" not in rel


def kept(rel: str, keep: tuple[str, ...]) -> bool:
    """Whether ``rel`` (a path inside OUT) or a folder above it is one the user asked to keep."""
    parts = PurePosixPath(rel).parts
    return any(fnmatch.fnmatchcase("/".join(parts[:n]), pattern) for pattern in keep for n in range(1, len(parts) + 1))


def kept_entries(final: Path, keep: tuple[str, ...]) -> list[str]:
    """The files and folders of ``final`` that ``keep`` names, outermost only."""
    found = []
    for folder, names, files in os.walk(final):
        rel_folder = Path(folder).relative_to(final)
        for name in sorted(files) + sorted(names):
            rel = (rel_folder / name).as_posix()
            if kept(rel, keep):
                found.append(rel)
        names[:] = [name for name in names if not kept((rel_folder / name).as_posix(), keep)]
    return found


def _files(final: Path, keep: tuple[str, ...]):
    """Every file (and link) under ``final`` that ``keep`` does not name, relative, walking no link."""
    for folder, names, files in os.walk(final):
        rel_folder = Path(folder).relative_to(final)
        names[:] = [name for name in names if not kept((rel_folder / name).as_posix(), keep)]
        links = [name for name in names if (Path(folder) / name).is_symlink()]
        for name in files + links:
            rel = (rel_folder / name).as_posix()
            if not kept(rel, keep):
                yield rel
