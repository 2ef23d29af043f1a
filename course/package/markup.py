"""Authors' Markdown as the HTML and plain text that quiz exports carry.

Prompts, explanations and feedback are Markdown, converted exactly as the
site converts them (``render_markdown``: one cached converter per thread, its
HTML sanitized under the one allow-list of ``render.sanitize``, so no export
carries script, handlers or ``javascript:`` links). Right-to-left courses get a ``dir="rtl"`` wrapper,
built with lxml, so an LMS shows them the right way round even on a
left-to-right page. Numbers are written without exponents or trailing zeros.
"""

from __future__ import annotations

import html
from decimal import Decimal

import lxml.html
from lxml import etree

from ..render.markdown import render_markdown


def to_html(text: str | None) -> str:
    return render_markdown(text or "").strip()


def fragment(text: str | None) -> etree._Element:
    """The Markdown's HTML as the children of one ``<div>`` element."""
    parser = lxml.html.HTMLParser(remove_comments=True)
    return lxml.html.fragment_fromstring(to_html(text), create_parent="div", parser=parser)


def inline(text: str | None) -> etree._Element:
    """Like ``fragment`` but a lone paragraph is unwrapped (for options, choices)."""
    root = fragment(text)
    if len(root) == 1 and root[0].tag == "p" and not (root.text or "").strip():
        paragraph = root[0]
        root.text, root[:] = paragraph.text, list(paragraph)
    return root


def inner_html(element: etree._Element) -> str:
    text = html.escape(element.text or "", quote=False)
    return text + "".join(lxml.html.tostring(child, encoding="unicode") for child in element)


def block_html(text: str | None, direction: str = "ltr") -> str:
    """Block HTML for a prompt, explanation or feedback; wrapped in ``<div dir="rtl">`` for RTL."""
    return _directed(fragment(text), "div", direction)


def inline_html(text: str | None, direction: str = "ltr") -> str:
    """Inline HTML for an option; wrapped in ``<span dir="rtl">`` for RTL."""
    return _directed(inline(text), "span", direction)


def _directed(root: etree._Element, tag: str, direction: str) -> str:
    if direction != "rtl":
        return inner_html(root)
    root.tag = tag
    root.set("dir", "rtl")
    return lxml.html.tostring(root, encoding="unicode")


def plain(text: str | None) -> str:
    """The words of a Markdown text without markup (for fields an LMS shows as plain text)."""
    return " ".join(fragment(text).text_content().split())


def decimal(value: float) -> Decimal:
    """A number by its shortest decimal form (as the author wrote it)."""
    return value if isinstance(value, Decimal) else Decimal(repr(float(value)))


def number(value: float | Decimal) -> str:
    """``3``, ``0.5``, ``-2.25``: never ``3.0`` or ``1e-05``."""
    written = format(decimal(value).normalize(), "f")
    return "0" if written in ("-0", "") else written
