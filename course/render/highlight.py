"""Code blocks coloured with Pygments at build time: the pages carry classes, no script.

A fenced block names its language after the fence (```` ```python ````);
Python-Markdown's codehilite extension hands it to Pygments, whose HTML
formatter writes ``<div class="highlight"><pre><code class="language-python">``
with a class on each token. The colours are in ``templates/assets/css/content.css``
(site) and ``templates/pdf/content.css`` (PDFs): Pygments' "xcode" style,
whose every colour reaches 4.5:1 on white, and "lightbulb" for a dark
colour scheme. A language Pygments does not know is a warning; the block is
shown uncoloured. A block with no language is not guessed at (guessing is
slow and often wrong); it is shown uncoloured.
"""

from __future__ import annotations

import functools
import re

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})", re.MULTILINE)
LIGHT, DARK = "xcode", "lightbulb"


def uses_code(text: str) -> bool:
    """Whether ``text`` has a fenced code block (only then is Pygments loaded)."""
    return bool(FENCE.search(text))


def extension(unknown: list):
    """codehilite, configured; each language Pygments does not know is appended to ``unknown``."""
    from markdown.extensions.codehilite import CodeHiliteExtension  # imports Pygments

    return CodeHiliteExtension(css_class="highlight", guess_lang=False, use_pygments=True, pygments_formatter=_formatter(unknown))


def _formatter(unknown: list):
    from pygments.formatters.html import HtmlFormatter

    class Formatter(HtmlFormatter):
        """Pygments' HTML formatter, with the block's language as a class on ``<code>``."""

        def __init__(self, lang_str: str = "", **options):
            super().__init__(**options)
            self.lang_str = lang_str
            language = lang_str.removeprefix("language-")
            if language and not known(language):
                unknown.append(language)

        def _wrap_code(self, inner):
            yield 0, f'<code class="{self.lang_str}">' if self.lang_str else "<code>"
            yield from inner
            yield 0, "</code>"

    return Formatter


@functools.lru_cache(maxsize=256)
def known(language: str) -> bool:
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        get_lexer_by_name(language)
    except ClassNotFound:
        return False
    return True


def fence_line(source: str, language: str) -> int | None:
    """The index of the first line of ``source`` that opens a fence in ``language``."""
    for index, line in enumerate(source.splitlines()):
        match = FENCE.match(line)
        if match and re.match(rf"\s*\{{?\s*\.?{re.escape(language)}\b", line[match.end() :]):
            return index
    return None


def message(language: str) -> str:
    return f"code block language `{language}` is not one Pygments knows: the block is shown without colours (names: https://pygments.org/languages/)"


def stylesheet(style: str, scope: str) -> str:
    """The CSS rules of a Pygments style under ``scope`` (how content.css's colours were made)."""
    from pygments.formatters.html import HtmlFormatter

    return HtmlFormatter(style=style).get_style_defs(scope)
