"""Text as a reader meets it: Markdown markup stripped, Arabic spelling folded."""

from __future__ import annotations

import html
import re

from ..grading.rules import normalize

_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\[[^\]]*\])")
_FOOTNOTE = re.compile(r"\[\^[^\]]+\]")
_AUTOLINK = re.compile(r"<(?:https?|mailto|ftp):[^>]*>", re.I)
_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_ATTRIBUTES = re.compile(r"\{:?\s*[#.][^}]*\}|\{:[^}]*\}")
_EMPHASIS = re.compile(r"[*_`~]+")


def plain(markdown: str) -> str:
    """The words of a Markdown fragment: link text kept, URLs, tags and images dropped."""
    text = _IMAGE.sub("", markdown or "")
    text = _FOOTNOTE.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _AUTOLINK.sub("", text)
    text = _TAG.sub("", text)
    text = _ATTRIBUTES.sub("", text)
    return html.unescape(_EMPHASIS.sub("", text))


def folded(markdown: str) -> str:
    """``plain`` text in the form short answers are compared in (NFKC, Arabic folding, case)."""
    return normalize(plain(markdown))
