"""The HTML an author's Markdown may give, and what is taken out of the rest.

A course may come from someone else, and its pages run inside the site, the
trainer's dashboard and an LMS's origin: raw HTML in Markdown must not run
script, load from elsewhere, send forms or reach outside its place in the
page. Every path that turns author Markdown into HTML (module bodies, quiz
prompts, options, explanations and feedback, trainer notes) passes its HTML
through ``sanitize``, which cleans it with nh3 (Ammonia) under ``ALLOWED``.

When nh3 takes nothing out, the HTML Markdown wrote is kept byte for byte
(nh3 writes ``<br>`` for ``<br />`` and ``↩`` for ``&#8617;``): it is kept
only if an HTML5 parser (tinyhtml5, WeasyPrint's) reads it without a single
parse error, every element it opens is closed in order (so nothing can close
the page's ``<main>`` or leave an element open over the rest of the page),
and it reads as the very same tree as nh3's output. Otherwise nh3's output is
used, and each thing it removed is named (``Removed``) for a warning.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from io import StringIO
from urllib.parse import urlsplit
from xml.etree import ElementTree

import nh3
from tinyhtml5.constants import Token, void_elements
from tinyhtml5.parser import HTMLParser
from tinyhtml5.tokenizer import HTMLTokenizer

# What authors write, and what Python-Markdown's extensions ("extra",
# "admonition", "sane_lists", "toc") emit: footnotes, tables, definition
# lists, abbreviations, admonitions, fenced code, heading anchors.
TAGS = frozenset(
    """a abbr b bdi bdo blockquote br caption cite code col colgroup dd del details dfn div dl dt em
    figcaption figure h1 h2 h3 h4 h5 h6 hr i img ins kbd li mark ol p pre q s samp small span strong
    sub summary sup table tbody td tfoot th thead time tr u ul var wbr audio video source track""".split()
)
# Removed with everything inside them (their content is code or another document, not words).
EMPTIED = frozenset("script style iframe object embed noscript template svg math frame frameset noembed noframes".split())
MEDIA = frozenset({"img", "audio", "video", "source", "track"})  # their files must be the course's own
_CELL = {"colspan", "rowspan", "align", "valign"}
ATTRIBUTES = {
    # attr_list and the extensions put ids and classes anywhere (anchors, footnotes, admonitions, code)
    "*": {"id", "class", "dir", "lang", "title"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading"},
    "audio": {"src", "controls", "preload", "loop", "muted"},
    "video": {"src", "controls", "preload", "loop", "muted", "width", "height", "poster", "playsinline"},
    "source": {"src", "type", "media"},
    "track": {"src", "kind", "srclang", "label", "default"},
    "th": _CELL | {"scope", "abbr"},
    "td": _CELL | {"headers"},
    "col": {"span", "align"},
    "colgroup": {"span", "align"},
    "ol": {"start", "type", "reversed"},
    "li": {"value"},
    "details": {"open"},
    "time": {"datetime"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
}
# Python-Markdown's tables align columns with these styles and no others.
_ALIGN = {f"text-align: {side};" for side in ("left", "right", "center")}
STYLES = {"th": {"style": _ALIGN}, "td": {"style": _ALIGN}}
SCHEMES = frozenset({"http", "https", "mailto"})  # and relative URLs


@dataclass(frozen=True)
class Removed:
    """One thing nh3 took out: ``what`` names it for a message, ``needle`` finds it in the source."""

    what: str
    needle: str
    why: str


def _media_src(tag: str, attribute: str, value: str) -> str | None:
    """Media files only from the course: a remote image or video tells a third party who reads the page."""
    if tag in MEDIA and attribute in ("src", "poster"):
        parts = urlsplit(value.strip())
        if parts.scheme or parts.netloc:
            return None
    return value


def clean(html: str) -> str:
    """``html`` under the allow-list, as nh3 writes it."""
    return nh3.clean(
        html,
        tags=set(TAGS),
        clean_content_tags=set(EMPTIED),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        tag_attribute_values={tag: {name: set(values) for name, values in allowed.items()} for tag, allowed in STYLES.items()},
        attribute_filter=_media_src,
        url_schemes=set(SCHEMES),
        link_rel=None,
        strip_comments=True,
    )


def sanitize(html: str) -> tuple[str, list[Removed]]:
    """The HTML to publish for ``html``, and what was removed from it (nothing: ``html`` itself)."""
    published, removed, _ = sanitized(html)
    return published, removed


def sanitized(html: str) -> tuple[str, list[Removed], list[tuple[str, str]]]:
    """``sanitize``, and the media files (element, URL) the published HTML loads."""
    if "<" not in html:
        return html, [], []
    cleaned = clean(html)
    if cleaned == html:  # already as nh3 writes it (most short texts): nothing to compare
        return html, [], _media(_events(html)) if "src=" in html or "poster=" in html else []
    original = _read(html)
    after = _events(cleaned)
    if original is not None and original == after and _balanced(html):
        return html, [], _media(after)
    return cleaned, _removed(_events(html), after) + _stray(html), _media(after)


def _media(events: list) -> list[tuple[str, str]]:
    return [(e[1], value) for e in events if e[0] == "start" and e[1] in MEDIA for name, value in e[2] if name in ("src", "poster")]


def _parse(html: str) -> tuple[ElementTree.Element, list]:
    parser = HTMLParser(namespace_html_elements=False)
    root = parser.parse_fragment(StringIO(html), container="div")  # a str could be taken for a file name
    return root, parser.errors


def _read(html: str) -> list | None:
    """The tree as a list of events; None if the parser met any error."""
    root, errors = _parse(html)
    return None if errors else _flatten(root)


def _events(html: str) -> list:
    return _flatten(_parse(html)[0])


def _flatten(root: ElementTree.Element) -> list:
    events: list = []

    def text(value):
        if not value:
            return
        if events and events[-1][0] == "text":
            events[-1] = ("text", events[-1][1] + value)
        else:
            events.append(("text", value))

    def walk(element):
        if isinstance(element.tag, str):
            tag = element.tag.rpartition("}")[2]  # svg and math elements come with their namespace
            events.append(("start", tag, tuple(sorted(element.attrib.items()))))
            if tag not in EMPTIED:  # nh3 drops what is inside them too: name the element, not its parts
                text(element.text)
                for child in element:
                    walk(child)
            events.append(("end", tag))
        else:  # a comment: nh3 drops it; it is not content
            events.append(("comment",))
        text(element.tail)

    text(root.text)
    for child in root:
        walk(child)
    return events


def _balanced(html: str) -> bool:
    """Every element opened is closed, in order, and nothing else is closed."""
    stack = []
    for token in HTMLTokenizer(StringIO(html)):
        kind = token["type"]
        if kind == Token.PARSE_ERROR:
            return False
        if kind in (Token.START_TAG, Token.EMPTY_TAG) and token["name"] not in void_elements:
            if kind == Token.EMPTY_TAG:
                return False
            stack.append(token["name"])
        elif kind == Token.END_TAG:
            if not stack or stack.pop() != token["name"]:
                return False
    return not stack


def _stray(html: str) -> list[Removed]:
    """End tags that close nothing this text opened (``</main>``: they would close the page's own elements)."""
    stack, stray = [], []
    for token in HTMLTokenizer(StringIO(html)):
        if token["type"] == Token.START_TAG and token["name"] not in void_elements:
            stack.append(token["name"])
        elif token["type"] == Token.END_TAG:
            if token["name"] in stack:
                del stack[len(stack) - 1 - stack[::-1].index(token["name"]) :]
            elif token["name"] not in stray:
                stray.append(token["name"])
    why = "it closes an element this text did not open, outside its place in the page"
    return [Removed(f"</{name}>", f"</{name}", why) for name in stray]


_URLS = {"href", "src", "poster", "cite", "action", "formaction", "xlink:href", "data"}


def _removed(before: list, after: list) -> list[Removed]:
    """What is in ``before`` and not in ``after``: elements, then attributes of the elements kept."""
    tags = Counter(event[1] for event in before if event[0] == "start")
    tags.subtract(event[1] for event in after if event[0] == "start")
    gone = [tag for tag, count in tags.items() if count > 0]
    found = [Removed(f"<{tag}>", f"<{tag}", _why_tag(tag)) for tag in gone]
    attributes = Counter((e[1], name, value) for e in before if e[0] == "start" and e[1] not in gone for name, value in e[2])
    attributes.subtract((e[1], name, value) for e in after if e[0] == "start" for name, value in e[2])
    for (tag, name, value), count in attributes.items():
        if count > 0:
            shown = f'{name}="{_short(value)}"' if name in _URLS or name == "style" else name
            found.append(Removed(f"{shown} from <{tag}>", value if name in _URLS else name, _why_attribute(tag, name, value)))
    return found


def _short(value: str) -> str:
    return value if len(value) <= 60 else value[:57] + "..."


def _why_tag(tag: str) -> str:
    if tag in ("script", "noscript", "template"):
        return "raw HTML that runs script is not allowed in a course"
    if tag in ("iframe", "frame", "frameset", "object", "embed", "applet", "portal"):
        return "a course does not embed other pages or plug-ins; link to them instead"
    if tag in ("form", "input", "button", "select", "textarea", "option", "label", "fieldset"):
        return "forms would send what learners type elsewhere; quizzes are written in quizzes/"
    if tag in ("base", "meta", "link", "style", "title", "head", "body", "html"):
        return "it would change the whole page, not this module's part of it"
    if tag in ("svg", "math"):
        return "inline SVG and MathML are not allowed; use an image file"
    return "this element is not among those a course may use"


def _why_attribute(tag: str, name: str, value: str) -> str:
    if name.startswith("on"):
        return "raw HTML that runs script is not allowed in a course"
    if name in _URLS:
        if tag in MEDIA:
            return "only files inside the course are used"
        return "only http, https, mailto and relative links are allowed"
    if name == "style":
        return "inline styles are not allowed; the course's stylesheet styles the page"
    return f"<{tag}> may not have this attribute here"
