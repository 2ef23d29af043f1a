"""The Jinja environment of ``templates/classroom`` (autoescape on) in the course's language.

Its interface strings come from the site's catalogs plus this package's own
``locale/<language>/LC_MESSAGES/classroom.po``; English msgids are the
fallback, as for the site.
"""

from __future__ import annotations

import datetime
import functools

import jinja2

from ..model import text_direction
from ..render.environment import TEMPLATES, decimal, display_letter, number
from ..render.i18n import LOCALE_DIR as I18N_DIR
from ..render.i18n import catalogs
from ..resources import PACKAGE

LOCALE_DIR = PACKAGE / "classroom" / "locale"
CSS_FILE = TEMPLATES / "classroom" / "classroom.css"
SCRIPT_FILE = TEMPLATES / "assets" / "js" / "classroom.js"


def classroom_translations(language: str, interface: tuple[tuple[str, str], ...] = ()):
    """The site's catalogs and the classroom's own, merged, under the course's own words (course.yaml ``interface``)."""
    return catalogs(language, (I18N_DIR, LOCALE_DIR), interface)


def when(timestamp: float | None) -> str:
    """A stored time (epoch seconds) as the server's local time, to the minute."""
    if timestamp is None:
        return ""
    return datetime.datetime.fromtimestamp(timestamp).strftime("%Y-%m-%d %H:%M")


def form_time(timestamp: float | None) -> str:
    """The value of an ``<input type="datetime-local">``."""
    return "" if timestamp is None else datetime.datetime.fromtimestamp(timestamp).strftime("%Y-%m-%dT%H:%M")


@functools.cache
def environment(language: str, interface: tuple[tuple[str, str], ...] = ()) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    catalog = classroom_translations(language, interface)
    env.install_gettext_translations(catalog, newstyle=True)
    # A message made in Python (it may quote what a user sent): looked up, never
    # %-formatted or marked safe, unlike ``_()``, so autoescape still applies.
    env.filters["translate"] = lambda message: str(catalog.gettext(str(message)))
    env.globals["colon"] = catalog.gettext(":")  # after a label: French puts a no-break space before it
    env.filters["number"] = lambda value: number(value, language)
    env.filters["decimal"] = lambda value: decimal(value, language)
    env.filters["when"] = when
    env.filters["form_time"] = form_time
    env.globals["display_letter"] = lambda index: display_letter(index, language)
    env.globals["language"] = language
    env.globals["direction"] = text_direction(language)
    return env


def gettext(language: str, message: str, **values) -> str:
    text = classroom_translations(language).gettext(message)
    return text % values if values else text
