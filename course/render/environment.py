"""The Jinja2 environment shared by every renderer (autoescape on)."""

from __future__ import annotations

import functools
import sys

import jinja2
from markupsafe import Markup

from ..grading.rules import decimal_comma
from ..model import letter, option_labels
from ..usercache import user_cache
from . import TEMPLATES
from .i18n import translations
from .markdown import render_markdown, slug
from .site.code_blocks import keyboard_code

ASSETS = TEMPLATES / "assets"


def display_letter(index: int, language: str) -> str:
    """The label shown for the n-th option: by the language's script (أ ب ج, الف ب ج), else a b c."""
    labels = option_labels(language)
    if labels is not None and index < len(labels):
        return labels[index]
    return letter(index)


def number(value, language: str | None = None) -> str:
    """Display a score: at most 2 decimals, no needless zeros; a decimal comma where the language writes one."""
    text = f"{round(float(value), 2):.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if language and decimal_comma(language) else text


def decimal(value, language: str | None = None) -> str:
    """A number of the course as written (no rounding), with a decimal comma where the language writes one (3,5)."""
    text = str(value)
    return text.replace(".", ",") if language and decimal_comma(language) else text


def _plain_gettext(catalog) -> dict:
    """``_``, ``gettext`` and ``ngettext`` as Jinja2's new-style ones behave, without their cost.

    Jinja2's own are context functions: inside a loop that sets variables
    each call copies the template context, which made a quiz page's hundred
    interface strings a quarter of its rendering time. These take the
    evaluation context only and do the same: the translated string, marked
    safe when autoescaping, always formatted with the named values
    (``%(n)s``; ``%%`` is a percent sign).
    """

    @jinja2.pass_eval_context
    def gettext(eval_ctx, string: str, **variables) -> str:
        text = catalog.gettext(string)
        return (Markup(text) if eval_ctx.autoescape else text) % variables

    @jinja2.pass_eval_context
    def ngettext(eval_ctx, singular: str, plural: str, num: int, **variables) -> str:
        variables.setdefault("num", num)
        text = catalog.ngettext(singular, plural, num)
        return (Markup(text) if eval_ctx.autoescape else text) % variables

    return {"_": gettext, "gettext": gettext, "ngettext": ngettext}


class _TemplateCache(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept between builds, as Python keeps ``__pycache__``.

    Compiling the site's templates takes about 60 ms, a fifth of a small
    course's HTML build. Jinja2 checks each entry against its template's
    source (a checksum) and its own and Python's version, so a changed
    template is compiled again. A cache that cannot be written is skipped.
    """

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # noqa: BLE001 - unreadable or damaged (a cut-off pickle, bad marshal data): compiled again
            bucket.reset()


def template_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates, in the engine's per-user cache (``course.usercache``)."""
    folder = user_cache(f"templates-py{sys.version_info[0]}{sys.version_info[1]}")
    return _TemplateCache(str(folder)) if folder is not None else None


@functools.cache
def environment(language: str, interface: tuple[tuple[str, str], ...] = ()) -> jinja2.Environment:
    """The templates in ``language``, under the course's own words (course.yaml ``interface``)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        bytecode_cache=template_cache(),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    catalog = translations(language, interface)
    env.install_gettext_translations(catalog, newstyle=True)
    env.globals.update(_plain_gettext(catalog))
    env.globals["colon"] = catalog.gettext(":")  # after a label: French puts a no-break space before it
    env.filters["markdown"] = lambda text: Markup(render_markdown(text))
    # the site's code blocks, reached from the keyboard and named; their marked lines announced (site/code_blocks.py)
    code, marked = catalog.gettext("Code"), catalog.gettext("Marked line") + env.globals["colon"] + " "
    env.filters["keyboard_code"] = lambda html: Markup(keyboard_code(str(html), code, marked))
    env.filters["slug"] = slug
    env.filters["number"] = lambda value: number(value, language)
    env.filters["decimal"] = lambda value: decimal(value, language)
    env.globals["display_letter"] = lambda index: display_letter(index, language)
    env.globals["letter"] = letter
    return env
