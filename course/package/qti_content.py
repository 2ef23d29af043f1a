"""Authors' Markdown as QTI item-body content (QTI's subset of XHTML).

QTI allows only part of XHTML, in its own namespace, and few attributes.
Elements outside the subset are unwrapped (their text is kept), attributes
outside it are dropped (``style``, ``title``, and ``id``, whose Markdown
values such as ``fn:1`` are not valid identifiers).
"""

from __future__ import annotations

from lxml import etree

from .markup import fragment, inline

COMMON = ("class",)
ATTRIBUTES = {
    "a": ("href",),
    "img": ("src", "alt", "width", "height"),
    "td": ("colspan", "rowspan", "scope"),
    "th": ("colspan", "rowspan", "scope"),
    "col": ("span",),
    "colgroup": ("span",),
}
TAGS = frozenset(
    "a abbr acronym address b big blockquote br caption cite code col colgroup dd dfn div dl dt em "
    "h1 h2 h3 h4 h5 h6 hr i img kbd li ol p pre q samp small span strong sub sup table tbody td "
    "tfoot th thead tr tt ul var".split()
)


def _add_text(parent: etree._Element, text: str | None) -> None:
    if not text:
        return
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def _attributes(source: etree._Element) -> dict[str, str]:
    allowed = COMMON + ATTRIBUTES.get(source.tag, ())
    found = {k: v for k, v in source.attrib.items() if k in allowed}
    if source.tag == "img":
        found.setdefault("alt", "")
    return found


def copy_content(parent: etree._Element, source: etree._Element, namespace: str) -> None:
    """Copy the text and children of an HTML element into a QTI element."""
    _add_text(parent, source.text)
    for child in source:
        if isinstance(child.tag, str) and child.tag in TAGS:
            copy = etree.SubElement(parent, f"{{{namespace}}}{child.tag}", _attributes(child))
            copy_content(copy, child, namespace)
        elif isinstance(child.tag, str):
            copy_content(parent, child, namespace)
        _add_text(parent, child.tail)


def blocks(parent: etree._Element, text: str | None, namespace: str) -> etree._Element:
    """Append a Markdown text's block content to ``parent``; return ``parent``."""
    copy_content(parent, fragment(text), namespace)
    return parent


def inlines(parent: etree._Element, text: str | None, namespace: str) -> etree._Element:
    """Append a Markdown text's content, a lone paragraph unwrapped (options, choices)."""
    copy_content(parent, inline(text), namespace)
    return parent
