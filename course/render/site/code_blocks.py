"""Code blocks on the site's pages: reached from the keyboard, their marked lines heard.

A post-processing step on a page's HTML (a module's content, a quiz's
prompts and explanations), run when the page is rendered, in the course's
language (the module HTML itself, shared with the PDFs and cached by its
body, stays as Markdown made it). A block wider than its column (a phone, a
long line) scrolls sideways, which a keyboard can only do once the block
takes focus, so each ``<pre>`` gets

    tabindex="0" role="group" aria-label="Code"

(Tab reaches it, the arrow keys scroll it; a name needs a role that allows
one: a bare ``pre`` is generic, whose name ARIA prohibits). Its focus ring is
site.css's ``:focus-visible``, in both colour schemes. Each line marked with
``hl_lines`` (Pygments' ``<span class="hll">``, tinted and barred by
``course.render.highlight``) gets ``data-marked="Marked line: "``, which
content.css makes the alternative text of an empty box before the line:
screen readers say it, the page does not show it, and it is not copied with
the code. The PDFs, and the LMS packages that take the site's pages, need
nothing more. A page with no ``<pre>`` keeps its HTML byte for byte.
"""

from __future__ import annotations

from .fragments import parse, serialize

MARKED = "hll"  # the class Pygments gives a line marked with hl_lines


def keyboard_code(html: str, name: str, marked: str) -> str:
    """``html`` with each ``<pre>`` focusable and called ``name``, each marked line announced as ``marked``."""
    if "<pre" not in html:
        return html
    root = parse(html)
    for block in root.iter("pre"):
        block.set("tabindex", "0")
        block.set("role", "group")
        block.set("aria-label", name)
        for line in block.iter("span"):
            if MARKED in (line.get("class") or "").split():
                line.set("data-marked", marked)
    return serialize(root)
