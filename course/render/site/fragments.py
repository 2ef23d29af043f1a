"""A page's HTML fragment (a module's content, a quiz's texts) as a tree and back, for the site's
post-processing steps (``glossary_links``, ``code_blocks``): lxml's HTML parser, never regular
expressions over markup."""

from __future__ import annotations

import lxml.html
from lxml import etree

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def parse(html: str):
    """``html`` under a ``<div>`` of its own."""
    return lxml.html.fragment_fromstring(html, create_parent="div")


def serialize(root) -> str:
    """The children of ``root`` as HTML, links as written.

    lxml's HTML serializer percent-encodes every non-ASCII ``href`` (Arabic
    anchors become ``%D8%A7...``); its XML one keeps them. So the XML one is
    used, with every empty element other than a void one given empty text,
    so it is written ``<p></p>``, never ``<p/>`` (which HTML reads as an open tag).
    """
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag not in VOID and element.text is None and len(element) == 0:
            element.text = ""
    html = etree.tostring(root, encoding="unicode", method="xml")
    return html[html.index(">") + 1 : html.rindex("<")]
