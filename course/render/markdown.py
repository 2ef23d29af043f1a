"""Module Markdown to HTML, once per build, shared by the site and the PDFs.

Links between modules are written as ``other.md#anchor`` (so they also work
in an editor's preview) and become ``other.html#anchor``; broken links,
missing anchors and missing images are reported at their line.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import markdown
from markdown.extensions.toc import slugify_unicode
from markdown.treeprocessors import Treeprocessor

from ..model import Course, Heading, Module
from ..problems import ERROR, WARNING, Problem, Problems

EXTENSIONS = ["extra", "admonition", "sane_lists", "toc"]


def slug(text: str) -> str:
    """A readable anchor that keeps Arabic letters (not `_1`)."""
    return slugify_unicode(text, "-") or "section"


class _Links(Treeprocessor):
    """Point ``other.md`` links at ``other.html``; remember links and images."""

    def __init__(self, md, found: list):
        super().__init__(md)
        self.found = found

    def run(self, root):
        for element in root.iter():
            if element.tag == "img":
                self.found.append(("img", element.get("src") or "", element.get("alt") or ""))
            elif element.tag == "a" and element.get("href"):
                href = element.get("href")
                self.found.append(("a", href, ""))
                element.set("href", _to_html(href))


def _to_html(href: str) -> str:
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.endswith(".md") or "/" in parts.path:
        return href
    return parts.path[:-3] + ".html" + (f"#{parts.fragment}" if parts.fragment else "")


def _converter(found: list) -> markdown.Markdown:
    md = markdown.Markdown(
        extensions=EXTENSIONS,
        extension_configs={"toc": {"slugify": slugify_unicode, "separator": "-", "toc_depth": "2-3"}},
    )
    md.treeprocessors.register(_Links(md, found), "course_links", 1)
    return md


def render_markdown(text: str) -> str:
    """Plain Markdown to HTML for short fields (prompts, explanations, notes)."""
    return markdown.markdown(text or "", extensions=["extra", "sane_lists"])


def render_modules(course: Course) -> Problems:
    """Fill ``module.html`` and ``module.headings``; check links and images."""
    problems = Problems("")
    pending = []
    for module in course.modules:
        found: list = []
        md = _converter(found)
        module.html = md.convert(module.body_markdown)
        module.headings = [Heading(t["level"], t["name"], t["id"]) for t in _flatten(md.toc_tokens)]
        pending.append((module, found))
    anchors = {m.id: {h.anchor for h in m.headings} | _ids(m.html) for m in course.modules}
    for module, found in pending:
        _check_links(course, module, found, anchors, problems)
    return problems


def _flatten(tokens):
    for token in tokens:
        yield token
        yield from _flatten(token.get("children", []))


def _ids(html: str) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', html))


def _line_of(module: Module, needle: str) -> int:
    """Best-effort source line of a link target or image path in the body."""
    for offset, line in enumerate(module.body_markdown.splitlines()):
        if needle and needle in line:
            return module.body_line + offset
    return module.body_line


def _check_links(course: Course, module: Module, found, anchors, problems: Problems) -> None:
    display = f"modules/{module.id}.md"
    for tag, url, alt in found:
        line = _line_of(module, url)
        if tag == "img":
            _check_image(course, module, url, alt, display, line, problems)
            continue
        parts = urlsplit(url)
        if parts.scheme or parts.netloc:
            continue
        target, fragment = unquote(parts.path), unquote(parts.fragment)
        if not target:
            if fragment and fragment not in anchors[module.id]:
                problems.append(_problem(display, line, f"link `{url}`: this module has no heading with the anchor `#{fragment}`"))
        elif target.endswith(".md") and "/" not in target:
            other = target[:-3]
            if other not in anchors:
                problems.append(_problem(display, line, f"link `{url}` names no module of this course (modules: {', '.join(anchors)})"))
            elif fragment and fragment not in anchors[other]:
                problems.append(_problem(display, line, f"link `{url}`: module `{other}` has no heading with the anchor `#{fragment}`"))
        elif not (course.root / "modules" / target).resolve().is_file():
            problems.append(_problem(display, line, f"link `{url}` points to a file that does not exist"))


def _check_image(course, module, src, alt, display, line, problems) -> None:
    parts = urlsplit(src)
    if parts.scheme or parts.netloc:
        message = f"image `{src}` is loaded from the network; put the file in modules/{module.id}/ so the course works offline"
        problems.append(_problem(display, line, message))
        return
    folder = (course.root / "modules").resolve()
    path = (folder / unquote(parts.path)).resolve()
    if not path.is_relative_to(folder) or not path.is_file():
        problems.append(_problem(display, line, f"image `{src}` not found: put it in modules/{module.id}/"))
    if not alt.strip():
        problems.append(_problem(display, line, f"image `{src}` has no alt text: describe it in ![...](...)", warning=True))


def _problem(path, line, message, warning=False):
    return Problem(path, line, message, WARNING if warning else ERROR)


def module_assets(course: Course, module: Module) -> list[Path]:
    folder = course.root / "modules" / module.id
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []
