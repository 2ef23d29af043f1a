"""Code blocks coloured with Pygments at build time: the pages carry classes, no script.

A fenced block names its language after the fence (```` ```python ````);
Python-Markdown's codehilite extension hands it to Pygments, whose HTML
formatter writes ``<div class="highlight"><pre><code class="language-python">``
with a class on each token. The colours of those classes are Pygments' own,
written by this module at build time (``stylesheet``): the site gets them as
``assets/css/code.css`` (``course.build.site_stage``), the PDFs as a style
sheet after ``print.css`` (``course.render.pdf.handout``). They are the
"xcode" style, whose every colour reaches 4.5:1 on white, and on the site
also "lightbulb" wherever site.css makes the page dark: the system asks for
dark colours and the learner has not chosen light with the header's toggle,
or the learner has chosen dark (never in print). Lines marked with
``hl_lines`` get a tint and a bar at their start (``marked_line``). A
language Pygments does not know is a warning; the block is shown uncoloured.
A block with no language is not guessed at (guessing is slow and often
wrong); it is shown uncoloured.
"""

from __future__ import annotations

import functools
import re

from .contrast import HEX, contrast, is_dark

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})", re.MULTILINE)
LIGHT, DARK = "xcode", "lightbulb"
SCOPE = ".highlight"  # the class codehilite puts on each block's <div>
# Where the site is dark (site.css's selectors for its toggle, html[data-theme] set by theme.js), on screen only.
DARK_PAGES = (
    ("@media screen and (prefers-color-scheme: dark)", ':root:not([data-theme="light"])'),
    ("@media screen", ':root[data-theme="dark"]'),
)
# A marked line's tint where the style's own highlight colour would leave some token under 4.5:1, and its bar
# (3:1 or more on the block and on the tint), for a light and for a dark block.
MARKED = {False: ("#fff5c2", "#9a6700"), True: ("#241f0e", "#e0b040")}
BAR = "3px"


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
    """The code colours: light (the PDFs), or light and, where the page is dark, dark (the site)."""
    import pygments

    head = f'/* Code colours, written by course.render.highlight from Pygments {pygments.__version__}: "{LIGHT}"'
    if not dark:
        return f"{head}. */\n{colours(LIGHT)}\n"
    blocks = []
    for media, root in DARK_PAGES:
        shifted = colours(DARK, f"{root} {SCOPE}").replace("\n", "\n  ")
        blocks.append(f"{media} {{\n  {shifted}\n}}\n")
    where = "where the page is dark (the system asks for it and the learner did not choose light, or the learner chose dark)"
    return f'{head}, and "{DARK}" {where}. */\n{colours(LIGHT)}\n\n' + "\n".join(blocks)


def colours(style: str, scope: str = SCOPE) -> str:
    """A Pygments style's rules for the blocks: their background and text, marked lines, then each kind of token's.

    Only the colours: not Pygments' ``pre`` line height (content.css sets
    its own) nor its rules for line numbers, which the pages do not show.
    """
    from pygments.formatters.html import HtmlFormatter
    from pygments.token import Text

    formatter = HtmlFormatter(style=style)
    ink = formatter.style.style_for_token(Text)["color"] or "000000"  # none given: black, as Pygments' image formatter draws it
    block = f"{scope} pre {{ background: {formatter.style.background_color}; color: #{ink}; }}"
    background = [line for line in formatter.get_background_style_defs(scope) if line.startswith(f"{scope} {{")]
    marked = marked_line(formatter.style, f"#{ink}", scope)
    return "\n".join([block, *background, marked, *formatter.get_token_style_defs(scope)])


def marked_line(style, ink: str, scope: str = SCOPE) -> str:
    """The rule for a line marked with ``hl_lines`` (Pygments wraps it in ``<span class="hll">``).

    The whole line is tinted: with the style's own highlight colour where
    every token keeps 4.5:1 on it (or, if under that on the block, what it
    has there), else with ours (``MARKED``), else not at all. A bar at the
    line's start, 3:1 or more on the block and the tint, shows the mark
    where a tint is faint and in forced colours, which drop backgrounds; the
    line's text does not move.
    """
    ground = style.background_color
    inks = {ink} | {f"#{d['color']}" for _, d in style if d["color"] and not d["bgcolor"]}
    tint, bar = MARKED[is_dark(ground)]

    def reads(colour) -> bool:
        return bool(colour) and bool(HEX.fullmatch(colour)) and all(contrast(i, colour) >= min(4.5, contrast(i, ground)) for i in inks)

    tint = next((colour for colour in (style.highlight_color, tint) if reads(colour)), ground)
    if min(contrast(bar, ground), contrast(bar, tint)) < 3:
        bar = ink
    return (
        f"{scope} .hll {{ display: block; margin-inline-start: -0.5em; padding-inline-start: calc(0.5em - {BAR}); "
        f"border-inline-start: {BAR} solid {bar}; background-color: {tint}; }}"
    )
