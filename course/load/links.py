"""Symbolic links that lead out of the course folder.

A course may come from someone else. A link such as ``modules/x/notes.txt ->
/etc/passwd`` would be copied into the site (and served by the classroom
server); ``trainer/x.md -> ~/.ssh/id_rsa`` would be printed in the answer-key
PDF. So every file the engine reads or copies is checked here, before any is
read: one that resolves outside the course folder is an error, and the
loaders skip it. Links that stay inside the course folder are fine.

The files checked are the ones the engine reads: ``course.yaml``,
``glossary.yaml``, ``modules/*.md``, everything under ``modules/<id>/`` (the
same set the site stage copies: ``render.markdown.module_assets``, which
walks ``rglob`` and so does not enter linked folders below the module
folder), ``quizzes/*.yaml``, ``trainer/*.md`` and everything under
``sources/``.
"""

from __future__ import annotations

from pathlib import Path

from ..problems import Problem

HINT = "copy it into the course folder, or remove the link"


class Refused:
    """The files and folders found to lead outside, with a problem for each."""

    def __init__(self) -> None:
        self.paths: set[Path] = set()
        self.problems: list[Problem] = []

    def __contains__(self, path: Path) -> bool:
        return any(p in self.paths for p in (path, *path.parents))


def outside_links(root: Path) -> Refused:
    root = Path(root)
    try:
        home = root.resolve()
    except (OSError, RuntimeError):
        home = root.absolute()
    refused = Refused()

    def check(path: Path, what: str = "file") -> bool:
        """True if ``path`` may be read (it exists inside the course, or does not exist)."""
        if not (path.is_symlink() or path.exists()):
            return True
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):  # a loop, or a link to nothing: reading reports it
            return True
        if target.is_relative_to(home):
            return True
        display = path.relative_to(root).as_posix()
        refused.paths.add(path)
        refused.problems.append(Problem(display, None, f"symlink to a {what} outside the course folder ({target}): {HINT}"))
        return False

    check(root / "course.yaml")
    check(root / "glossary.yaml")
    for folder, pattern in (("modules", "*.md"), ("quizzes", "*.yaml"), ("trainer", "*.md")):
        path = root / folder
        if path.is_dir() and check(path, "folder"):
            for file in sorted(path.glob(pattern)):
                check(file)
    modules = root / "modules"
    if modules.is_dir() and modules not in refused:
        for page in sorted(modules.glob("*.md")):
            _check_tree(modules / page.stem, check)
    _check_tree(root / "sources", check)
    return refused


def _check_tree(folder: Path, check) -> None:
    """A folder and every file under it, as ``module_assets`` walks it."""
    if folder.is_dir() and check(folder, "folder"):
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            check(path)
