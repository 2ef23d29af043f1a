"""Load module files: YAML front matter + a Markdown body."""

from __future__ import annotations

import re
from pathlib import Path

from ..model import Module
from ..problems import Problems
from . import specs
from .fields import check_mapping
from .yamlfile import parse_yaml, read_text

FENCE = re.compile(r"^---[ \t]*$")


def load_module(path: Path, display_path: str, problems: Problems) -> Module | None:
    text = read_text(path, problems)
    if text is None:
        return None
    split = split_front_matter(text, problems)
    if split is None:
        return None
    front_text, body, body_line = split
    data = parse_yaml(front_text, problems, first_line=2)
    if data is None:
        if not any(p.is_error for p in problems):
            problems.error(1, "front matter is empty: it needs at least `title`")
        return None
    if not check_mapping(data, specs.MODULE, problems, "module front matter", 1):
        return None
    if not body.strip():
        problems.error(body_line, "the module has no content below its front matter")
    if any(p.is_error for p in problems):
        return None
    fields = {k: v for k, v in data.items() if k in specs.MODULE}
    return Module(id=path.stem, body_markdown=body, path=path, body_line=body_line, front_lines=dict(data.key_lines), **fields)


def split_front_matter(text: str, problems: Problems) -> tuple[str, str, int] | None:
    """Split ``---``-fenced front matter from the body (1-based body line)."""
    lines = text.splitlines(keepends=True)
    if not lines or not FENCE.match(lines[0].rstrip("\r\n")):
        problems.error(1, "the module must start with YAML front matter between `---` lines (at least `title: ...`)")
        return None
    for index in range(1, len(lines)):
        if FENCE.match(lines[index].rstrip("\r\n")):
            return "".join(lines[1:index]), "".join(lines[index + 1 :]), index + 2
    problems.error(1, "the front matter opened here is never closed: add a line `---` after it")
    return None
