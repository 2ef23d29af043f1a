"""Module Markdown to HTML, once per build, shared by the site and the PDFs.

Links between modules are written as ``other.md#anchor`` (so they also work
in an editor's preview) and become ``other.html#anchor``; broken links,
missing anchors and missing images are reported at their line. The HTML is
sanitized (``sanitize``): whatever raw HTML it loses is a warning at its line,
for module bodies, quiz texts and trainer notes alike.

What a module's Markdown gives (its HTML, headings, ids, and the links and
images it holds) depends on its body alone, so a build may hand in what an
earlier build derived, keyed by the body's fingerprint (``derived``): the
conversion is skipped and the links are still checked, every time.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import re
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

import markdown
from markdown.extensions.toc import slugify_unicode
from markdown.treeprocessors import Treeprocessor

from ..model import Course, Heading, Module
from ..problems import ERROR, WARNING, Problem, Problems
from . import highlight, maths
from .figures import Figures
from .images import image_trouble
from .media import check_players
from .sanitize import Removed, sanitize, sanitized

EXTENSIONS = ["extra", "admonition", "sane_lists", "toc"]  # module bodies
SHORT = ["extra", "sane_lists"]  # prompts, explanations, notes
TOC = {"slugify": slugify_unicode, "separator": "-", "toc_depth": "2-3"}


def extensions(names: list[str], configs: dict | None = None) -> list:
    """Markdown's built-in extensions by name, made by their modules' ``makeExtension``; the same as naming them.

    Python-Markdown looks a name up among every installed package's entry
    points first, which takes longer (about 30 ms) than converting ten
    pages; "extra" names its parts the same way, so it is spelt out.
    """
    made = []
    for name in names:
        if name == "extra":  # what it registers, in its order
            made += extensions(importlib.import_module("markdown.extensions.extra").extensions, configs)
        else:
            made.append(importlib.import_module(f"markdown.extensions.{name}").makeExtension(**(configs or {}).get(name, {})))
    return made


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


_local = threading.local()


class _Converter:
    """A module converter and what its processors collect: links and images, maths and code-language trouble."""

    def __init__(self, features: frozenset[str]):
        self.found: list = []
        self.maths: list = []
        self.languages: list = []
        made = extensions(EXTENSIONS, {"toc": TOC})
        if "maths" in features:
            made.append(maths.extension())
        if "code" in features:
            made.append(highlight.extension(self.languages))
        self.md = md = markdown.Markdown(extensions=made)
        md.treeprocessors.register(_Links(md, self.found), "course_links", 1)
        md.treeprocessors.register(Figures(md), "course_figures", 18)
        if "maths" in features:
            md.treeprocessors.register(maths.Maths(md, self.maths), "course_maths", 19)

    def convert(self, body: str) -> str:
        for collected in (self.found, self.maths, self.languages):
            collected.clear()
        return self.md.reset().convert(body)


def features(body: str) -> frozenset[str]:
    """What a body uses that needs a library of its own: its converter loads only those."""
    return frozenset(name for name, used in (("maths", maths.uses_maths(body)), ("code", highlight.uses_code(body))) if used)


def _converter(body: str = "") -> _Converter:
    """This thread's converter for ``body`` (making one costs as much as converting a page, so each is kept)."""
    made = getattr(_local, "modules", None)
    if made is None:
        made = _local.modules = {}
    wanted = features(body)
    if wanted not in made:
        made[wanted] = _Converter(wanted)
    return made[wanted]


# A one-line text that has none of these characters, and does not start with
# a character that opens a block, is one paragraph of plain words: Markdown
# would only wrap it in <p>. Most prompts and explanations are such sentences.
_MARKUP = re.compile(r"[\\`*_\[\]!<>&{}\n\r\t\x00-\x08\x0b-\x1f\x7f]|^[\s#>+\-=:|~0-9]")


@functools.lru_cache(maxsize=4096)
def render_markdown(text: str) -> str:
    """Plain Markdown to sanitized HTML for short fields (prompts, explanations, notes).

    One converter per thread, reset between texts: making a new one costs
    more than converting a prompt. A page often shows the same text twice.
    A text with no markup at all skips the converter (``_MARKUP``; the tests
    hold both paths to the same output).
    """
    text = text or ""
    if _plain(text):
        return f"<p>{text}</p>"
    return convert_markdown(text)


def _plain(text: str) -> bool:
    return bool(text) and not _MARKUP.search(text)


def convert_markdown(text: str) -> str:
    """``render_markdown`` through the converter, always."""
    return _converted(text)[0]


def removed_from(text: str | None) -> tuple[Removed, ...]:
    """What sanitizing took out of ``render_markdown(text)``."""
    return () if _plain(text or "") else _converted(text or "")[1]


@functools.lru_cache(maxsize=4096)
def _converted(text: str) -> tuple[str, tuple[Removed, ...]]:
    md = getattr(_local, "short", None)
    if md is None:
        md = _local.short = markdown.Markdown(extensions=extensions(SHORT))
    html, removed = sanitize(md.reset().convert(text))
    return html, tuple(removed)


def body_key(module: Module) -> str:
    return hashlib.sha256(module.body_markdown.encode("utf-8")).hexdigest()


class Conversion:
    """The module bodies a build must convert, started (on ``pool``'s workers, if given) as soon as they are read.

    ``derived`` (module id -> what ``derive`` returned) holds what an earlier
    build derived; an entry is used only when its ``key`` is the body's.
    """

    def __init__(self, modules: list[Module], derived: dict, pool=None):
        self.keys = {module.id: body_key(module) for module in modules}
        self.stale = [module for module in modules if derived.get(module.id, {}).get("key") != self.keys[module.id]]
        bodies = [module.body_markdown for module in self.stale]
        if pool is not None and bodies:
            for body in {features(body): body for body in bodies}.values():
                _converter(body)  # made once, here, and so already made in the workers forked next
        self.batch = pool.map(derive_all, bodies) if pool is not None else None

    def collect(self, derived: dict) -> None:
        """Put what was converted into ``derived``."""
        results = self.batch.result() if self.batch is not None else derive_all(None, [m.body_markdown for m in self.stale])
        for module, result in zip(self.stale, results, strict=True):
            derived[module.id] = result | {"key": self.keys[module.id]}


def render_modules(course: Course, derived: dict | None = None, conversion: Conversion | None = None) -> Problems:
    """Fill ``module.html`` and ``module.headings``; check links and images.

    ``derived`` is read and updated in place (see ``Conversion``, which
    converts whatever it lacks, or was started with ``conversion``).
    """
    problems = Problems("")
    derived = {} if derived is None else derived
    conversion = conversion or Conversion(course.modules, derived)
    conversion.collect(derived)
    for module in course.modules:
        if module.id not in conversion.keys:  # not among the modules the conversion was started with
            derived[module.id] = derive(module.body_markdown) | {"key": body_key(module)}
    pending = []
    for module in course.modules:
        data = derived[module.id]
        module.html = data["html"]
        module.headings = [Heading(*heading) for heading in data["headings"]]
        pending.append((module, [tuple(link) for link in data["found"]], data["media"]))
        _report_removed(f"modules/{module.id}.md", module.body_markdown, module.body_line, [Removed(*r) for r in data["removed"]], problems)
        _report_written(module, data, problems)
    anchors = {m.id: {h.anchor for h in m.headings} | set(derived[m.id]["ids"]) for m in course.modules}
    for module, found, media in pending:
        _check_links(course, module, found, anchors, problems)
        _check_raw_media(course, module, found, media, problems)
    _check_texts(course, problems)
    return problems


def _check_texts(course: Course, problems: Problems) -> None:
    """Warn about raw HTML removed from the quizzes' Markdown texts and the trainer notes."""
    for quiz in course.quizzes:
        display = f"quizzes/{quiz.path.name}" if quiz.path else f"quizzes/{quiz.id}.yaml"
        for question in quiz.questions:
            for text in _texts(question):
                _report_removed(display, None, question.line or None, removed_from(text), problems)
    for module in course.modules:
        if module.trainer_notes_markdown:
            notes = module.trainer_notes_markdown
            _report_removed(f"trainer/{module.id}.md", notes, 1, removed_from(notes), problems)


def _texts(question) -> list[str]:
    """Every text of a question that an export converts from Markdown."""
    texts = [question.prompt, question.explanation, *question.prompts, *question.choices, *question.items]
    texts += [text for option in question.options for text in (option.text, option.feedback)]
    return [text for text in texts if isinstance(text, str) and text]


def _report_written(module: Module, data: dict, problems: Problems) -> None:
    """Warn about formulas that could not be typeset and code languages Pygments does not know."""
    display = f"modules/{module.id}.md"
    for trouble, tex in data["maths"]:
        inline = f"${tex}$" if tex and f"${tex}$" in module.body_markdown else None  # not `x^2` for `x^`
        line = _line_in(module.body_markdown, module.body_line, inline or (tex.splitlines()[0] if tex else "$"))
        problems.append(_problem(display, line, maths.message(tex, trouble), warning=True))
    for language in data["languages"]:
        index = highlight.fence_line(module.body_markdown, language)
        line = module.body_line + index if index is not None else module.body_line
        problems.append(_problem(display, line, highlight.message(language), warning=True))


def _report_removed(display: str, source: str | None, first_line: int | None, removed, problems: Problems) -> None:
    for item in removed:
        line = _line_in(source, first_line, item.needle) if source is not None else first_line
        problems.append(_problem(display, line, f"removed {item.what} ({item.why})", warning=True))


def _line_in(source: str, first_line: int, needle: str) -> int:
    """The first line of ``source`` holding ``needle`` (any case), counted from ``first_line``."""
    wanted = needle.lower()
    for offset, line in enumerate(source.splitlines()):
        if wanted and wanted in line.lower():
            return first_line + offset
    return first_line


def derive_all(_unused, bodies: list[str]) -> list[dict]:
    """``derive`` for each body (a job for ``workers.SitePool.run``)."""
    return [derive(body) for body in bodies]


def derive(body: str) -> dict:
    """What a module's body gives: HTML, headings, element ids, links, images and media, and trouble with maths and code (JSON-ready)."""
    converter = _converter(body)
    html, removed, media = sanitized(converter.convert(body))
    headings = [[t["level"], t["name"], t["id"]] for t in _flatten(converter.md.toc_tokens)]
    return {
        "html": html,
        "headings": headings,
        "ids": sorted(_ids(html)),
        "found": [list(item) for item in converter.found],
        "removed": [[item.what, item.needle, item.why] for item in removed],
        "media": media,
        "maths": [list(item) for item in converter.maths],
        "languages": list(dict.fromkeys(converter.languages)),
    }


def _flatten(tokens):
    for token in tokens:
        yield token
        yield from _flatten(token.get("children", []))


def _ids(html: str) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', html))


def _line_of(module: Module, needle: str) -> int:
    """Best-effort source line of a link target or image path in the body: where it is written as a URL, else anywhere."""
    lines = module.body_markdown.splitlines()
    for written in (f"]({needle}", f'"{needle}"', f"'{needle}'", f"={needle}", needle):
        for offset, line in enumerate(lines):
            if needle and written in line:
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
            if other in course.unloaded:
                continue  # its file is there but did not load: its own errors are reported
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
    else:
        _check_image_file(path, src, display, line, problems)
    if not alt.strip():
        problems.append(_problem(display, line, f"image `{src}` has no alt text: describe it in ![...](...)", warning=True))


def _check_raw_media(course, module, found, media, problems) -> None:
    """Media that raw HTML loads (Markdown images are checked as links): only files inside the course are used."""
    display = f"modules/{module.id}.md"
    markdown_images = {url for tag, url, _ in found if tag == "img"}
    for record in media:
        if record["tag"] != "img" or record["src"] in markdown_images:
            continue
        src = record["src"]
        line = _line_of(module, src)
        path = _inside(course, src)
        if path is None:
            message = f"<img> file `{src}` is not a file inside the course: the PDF leaves it out; put it in modules/{module.id}/"
            problems.append(_problem(display, line, message, warning=True))
        else:
            _check_image_file(path, src, display, line, problems)
        if not (record["alt"] or "").strip():
            problems.append(_problem(display, line, f'image `{src}` has no alt text: describe it in alt="..."', warning=True))
    problems.extend(check_players(course, module, media, lambda url: _line_of(module, url)))


def _check_image_file(path: Path, src: str, display: str, line: int, problems: Problems) -> None:
    """Warn about an image the PDF and the browsers would drop: not an image, or too many pixels to decode."""
    message = image_trouble(path)
    if message:
        problems.append(_problem(display, line, f"image `{src}` {message}", warning=True))


def _inside(course: Course, src: str) -> Path | None:
    """The course file a relative URL in a module names, if it is one."""
    parts = urlsplit(src)
    if parts.scheme or parts.netloc:
        return None
    folder = (course.root / "modules").resolve()
    path = (folder / unquote(parts.path)).resolve()
    return path if path.is_relative_to(folder) and path.is_file() else None


def _problem(path, line, message, warning=False):
    return Problem(path, line, message, WARNING if warning else ERROR)


def module_assets(course: Course, module: Module) -> list[Path]:
    folder = course.root / "modules" / module.id
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []
