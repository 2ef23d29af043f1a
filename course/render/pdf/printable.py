"""A module's HTML as the PDFs show it: formulas drawn as SVG, video and audio as a note.

WeasyPrint lays MathML out as a row of characters (no fractions, no
scripts, and in right-to-left text in reverse), so each ``<math>`` the site
shows is drawn here as SVG with ziamath (its own STIX Two Math font, no TeX,
no network), sized in ``em`` so that it follows the text, and lowered by its
depth so that its baseline is the line's. A formula ziamath cannot draw
keeps its MathML (its characters are printed).

Paper cannot play: a ``<video>`` becomes its poster image, if it has one,
above a note naming its file ("Video: cpr/compressions.mp4"), and an
``<audio>`` a note naming its file. The HTML given was sanitized
(``course.render.sanitize``), and what is put in is made here.
"""

from __future__ import annotations

import functools
import re
import warnings
import xml.etree.ElementTree as etree
from io import StringIO
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from tinyhtml5.parser import HTMLParser

from ..i18n import translate

_ATTRIBUTES = r"""(?:[^>"']|"[^"]*"|'[^']*')*"""
MATH = re.compile(rf"<math\b{_ATTRIBUTES}>.*?</math>", re.S)
PLAYER = re.compile(rf"<(video|audio)\b{_ATTRIBUTES}>.*?</\1>", re.S)
SIZE = 24.0  # ziamath's font size, in SVG units: the drawing is scaled to 1em of the text around it


def printable(html: str, language: str) -> str:
    """``html`` with its formulas as SVG and its video and audio as notes."""
    if "<math" in html:
        html = MATH.sub(lambda match: drawn(match.group(0)), html)
    if "<video" in html or "<audio" in html:
        html = PLAYER.sub(lambda match: _note(match.group(0), language), html)
    return html


def _fragment(html: str) -> etree.Element:
    return HTMLParser(namespace_html_elements=False).parse_fragment(StringIO(html), container="div")


@functools.lru_cache(maxsize=2048)
def drawn(mathml: str) -> str:
    """The SVG for one ``<math>`` element's markup (or the markup itself, if ziamath cannot draw it)."""
    with warnings.catch_warnings():  # ziamath finds its font with a deprecated importlib.resources call
        warnings.simplefilter("ignore", DeprecationWarning)
        return _drawn(mathml)


def _drawn(mathml: str) -> str:
    import ziamath  # only a PDF with maths pays for importing it

    root = _fragment(mathml)
    if not len(root):
        return mathml
    math = root[0]
    for part in math.iter():
        part.tag = part.tag.rpartition("}")[2]
    ziamath.config.svg2 = False  # each glyph drawn where it stands: no <symbol> ids, which a PDF would take for anchors (twice)
    try:
        svg = ziamath.Math(math, size=SIZE, title=math.get("alttext") or None).svgxml()
        left, top, width, height = (float(value) for value in svg.get("viewBox").split())
    except Exception:  # noqa: BLE001 - ziamath raises many kinds on MathML it does not handle: the text is printed instead
        return mathml
    svg.set("width", f"{width / SIZE:.3f}em")
    svg.set("height", f"{height / SIZE:.3f}em")
    svg.set("style", f"vertical-align: {-(top + height) / SIZE:.3f}em")
    svg.set("class", "math-drawn")
    svg.set("role", "img")
    if math.get("alttext"):
        svg.set("aria-label", math.get("alttext"))
    return etree.tostring(svg, encoding="unicode")


def _note(markup: str, language: str) -> str:
    root = _fragment(markup)
    player = next((element for element in root.iter() if element.tag in ("video", "audio")), None)
    if player is None:
        return markup
    files = [player.get("src")] + [source.get("src") for source in player.iter("source")]
    shown = next((url for url in files if url), "")
    name = unquote(urlsplit(shown).path) if shown else ""
    note = etree.Element("span", {"class": f"media-print media-print-{player.tag}"})  # phrasing content: it may stand in a <p>
    label = translate(language, "Video:" if player.tag == "video" else "Audio:")
    file_name = PurePosixPath(name).as_posix() if name else "—"
    poster = player.get("poster")
    if player.tag == "video" and poster:
        etree.SubElement(note, "img", {"src": poster, "alt": f"{label} {file_name}"})
    caption = etree.SubElement(note, "span", {"class": "media-print-name"})
    caption.text = label + " "
    etree.SubElement(caption, "bdi", {"dir": "ltr"}).text = file_name
    return etree.tostring(note, encoding="unicode", method="html")
