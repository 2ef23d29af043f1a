"""Maths in module Markdown: ``$...$`` and ``$$...$$``, typeset at build time, with no TeX and no network.

The parser is pymdown-extensions' arithmatex in its generic mode, with its
"smart dollar" rule: inline maths opens with a ``$`` that is not followed by
a space and closes at the next ``$`` that is not preceded by a space, on the
same paragraph; ``\\$`` is a literal dollar sign; inline code (backticks)
and code blocks are never maths. So "$5 and $10" stays text (the ``$`` that
would close is preceded by a space), while ``$x$`` and ``$n = r \\times t$``
are maths. Display maths is a block of its own that starts with ``$$`` and
ends with ``$$``. Only the dollar forms are read (not ``\\(...\\)`` or
``\\begin{...}``), so that a backslash in ordinary text keeps its Markdown meaning.

Each formula becomes MathML (latex2mathml), which browsers draw; it sits in
a ``dir="ltr"`` element, so a formula keeps its left-to-right order inside
right-to-left text. WeasyPrint does not draw MathML (it prints the
characters of the formula in a row, ``b2a=t×r=n`` for ``n = r \\times t =
a^2/b``), so the PDFs turn the MathML into SVG with ziamath
(``course.render.pdf.printable``). A formula latex2mathml cannot read, or one
that names a command it does not know, is a warning at its line and is shown
as its TeX source.
"""

from __future__ import annotations

import functools
import html
import re
import xml.etree.ElementTree as etree

from markdown.treeprocessors import Treeprocessor

# pymdownx.arithmatex's settings: the dollar forms only, output as <span|div class="arithmatex">TeX</...>
ARITHMATEX = {
    "generic": True,
    "smart_dollar": True,
    "inline_syntax": ["dollar"],
    "block_syntax": ["dollar"],
    "tex_inline_wrap": ["", ""],
    "tex_block_wrap": ["", ""],
}
_UNKNOWN = re.compile(r"^\\[A-Za-z]+$")  # latex2mathml writes a command it does not know as an identifier


def uses_maths(text: str) -> bool:
    """Whether ``text`` may hold maths (only then is the parser loaded)."""
    return "$" in text


def extension():
    from pymdownx.arithmatex import ArithmatexExtension  # only a module with a `$` pays for importing it

    return ArithmatexExtension(**ARITHMATEX)


class Maths(Treeprocessor):
    """Replace arithmatex's placeholders with MathML; ``trouble`` collects (message, TeX) for warnings."""

    def __init__(self, md, trouble: list):
        super().__init__(md)
        self.trouble = trouble

    def run(self, root):
        for element in [e for e in root.iter() if e.get("class") == "arithmatex"]:
            display = element.tag == "div"
            tex = (html.unescape(element.text or "") if display else element.text or "").strip()
            tail = element.tail
            element.clear()
            element.tail = tail
            element.set("class", "math-display" if display else "math")
            element.set("dir", "ltr")
            typeset, trouble = mathml(tex, display)
            if trouble:
                self.trouble.append([trouble, tex])
            element.append(typeset)


@functools.lru_cache(maxsize=2048)
def _converted(tex: str, display: bool) -> tuple[etree.Element | None, str | None]:
    from latex2mathml.converter import convert_to_element  # only a module with maths pays for importing it

    try:
        element = convert_to_element(tex, xmlns="", display="block" if display else "inline")
    except Exception as error:  # latex2mathml raises its own errors and, on odd input, Python's
        return None, f"does not parse ({_reason(error)}): it is shown as TeX"
    element.attrib.pop("xmlns", None)
    element.set("alttext", tex)  # what assistive technology and the PDFs' drawing read out
    unknown = []
    for part in element.iter():
        if part.text:
            part.text = html.unescape(part.text)  # latex2mathml writes characters as references: `&#x0003D;`
            if part.tag in ("mi", "mo") and _UNKNOWN.match(part.text):
                unknown.append(part.text)
    if unknown:
        names = ", ".join(f"`{name}`" for name in unknown)
        return element, f"uses {names}, which latex2mathml does not know: it is shown as a name"
    return element, None


def mathml(tex: str, display: bool = False) -> tuple[etree.Element, str | None]:
    """The ``<math>`` element for ``tex`` (or, if it does not parse, its TeX as code), and the trouble with it."""
    if not tex:
        return _source(tex, display), "is empty: it is shown as written"
    element, trouble = _converted(tex, display)
    if element is None:
        return _source(tex, display), trouble
    return _copy(element), trouble


def _copy(element: etree.Element) -> etree.Element:
    copy = etree.Element(element.tag, dict(element.attrib))
    copy.text, copy.tail = element.text, None
    copy.extend(_copy(child) for child in element)
    for made, child in zip(copy, element, strict=True):
        made.tail = child.tail
    return copy


def _source(tex: str, display: bool) -> etree.Element:
    code = etree.Element("code", {"class": "math-source"})
    code.text = f"$${tex}$$" if display else f"${tex}$"
    return code


def _reason(error: Exception) -> str:
    """latex2mathml's errors carry their meaning in their class name (``MissingSuperScriptOrSubscriptError``)."""
    name = type(error).__name__.removesuffix("Error")
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).lower().replace("super script", "superscript")
    detail = str(error).strip()
    return f"{words}: {detail}" if detail else words


def message(tex: str, trouble: str) -> str:
    shown = tex if len(tex) <= 60 else tex[:57] + "..."
    return f"maths `{shown}` {trouble}; check the formula (docs/course-format.md, Maths), or write `\\$` for a dollar sign"
