"""The Jinja2 environment shared by every renderer (autoescape on)."""

from __future__ import annotations

import functools
from pathlib import Path

import jinja2
from markupsafe import Markup

from ..model import ABJAD_LETTERS, letter, text_direction
from .i18n import translations
from .markdown import render_markdown, slug

TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates"
ASSETS = TEMPLATES / "assets"


def display_letter(index: int, language: str) -> str:
    """The label shown for the n-th option: abjad in Arabic, a b c otherwise."""
    if text_direction(language) == "rtl" and language.split("-")[0] == "ar" and index < len(ABJAD_LETTERS):
        return ABJAD_LETTERS[index]
    return letter(index)


def number(value) -> str:
    """Display a score: at most 2 decimals, no needless zeros."""
    return f"{round(float(value), 2):.2f}".rstrip("0").rstrip(".")


@functools.cache
def environment(language: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(language), newstyle=True)
    env.filters["markdown"] = lambda text: Markup(render_markdown(text))
    env.filters["slug"] = slug
    env.filters["number"] = number
    env.globals["display_letter"] = lambda index: display_letter(index, language)
    env.globals["letter"] = letter
    return env
