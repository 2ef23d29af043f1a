"""Code blocks coloured with Pygments at build time: the pages carry classes, no script.

A fenced block names its language after the fence (```` ```python ````);
Python-Markdown's codehilite extension hands it to Pygments, whose HTML
formatter writes ``<div class="highlight"><pre><code class="language-python">``
with a class on each token. The colours of those classes are Pygments' own,
written by this module at build time (``stylesheet``): the site gets them as
``assets/css/code.css`` (``course.build.site_stage``), the PDFs as a style
sheet after ``print.css`` (``course.render.pdf.handout``). They are the
"xcode" style, whose every colour reaches 4.5:1 on white, and on the site
also "lightbulb" when the system asks for dark colours. A language Pygments
does not know is a warning; the block is shown uncoloured. A block with no
language is not guessed at (guessing is slow and often wrong); it is shown
uncoloured.
"""

from __future__ import annotations

import functools
import re

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})", re.MULTILINE)
LIGHT, DARK = "xcode", "lightbulb"
SCOPE = ".highlight"  # the class codehilite puts on each block's <div>


def uses_code(text: str) -> bool:
    """Whether ``text`` has a fenced code block (only then is Pygments loaded)."""
    return bool(FENCE.search(text))


def extension(unknown: list):
    """codehilite, configured; each language Pygments does not know is appended to ``unknown``."""
    from markdown.extensions.codehilite import CodeHiliteExtension  # imports Pygments

    css_class = SCOPE.removeprefix(".")
    return CodeHiliteExtension(css_class=css_class, guess_lang=False, use_pygments=True, pygments_formatter=_formatter(unknown))


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


@functools.cache
def stylesheet(dark: bool) -> str:
    """The code colours: light (the PDFs), or light and, in a dark colour scheme, dark (the site)."""
    import pygments

    head = f'/* Code colours, written by course.render.highlight from Pygments {pygments.__version__}: "{LIGHT}"'
    if not dark:
        return f"{head}. */\n{colours(LIGHT)}\n"
    shifted = colours(DARK).replace("\n", "\n  ")
    dark_rules = f"@media (prefers-color-scheme: dark) {{\n  {shifted}\n}}\n"
    return f'{head}, and "{DARK}" in a dark colour scheme. */\n{colours(LIGHT)}\n\n{dark_rules}'


def colours(style: str) -> str:
    """A Pygments style's rules for the blocks: their background and text, then each kind of token's.

    Only the colours: not Pygments' ``pre`` line height (content.css sets
    its own) nor its rules for line numbers and marked lines (``hl_lines``),
    which the pages do not style.
    """
    from pygments.formatters.html import HtmlFormatter
    from pygments.token import Text

    formatter = HtmlFormatter(style=style)
    ink = formatter.style.style_for_token(Text)["color"] or "000000"  # none given: black, as Pygments' image formatter draws it
    block = f"{SCOPE} pre {{ background: {formatter.style.background_color}; color: #{ink}; }}"
    background = [line for line in formatter.get_background_style_defs(SCOPE) if line.startswith(f"{SCOPE} {{")]
    return "\n".join([block, *background, *formatter.get_token_style_defs(SCOPE)])
