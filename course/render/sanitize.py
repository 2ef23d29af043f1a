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

from .media import records

# What authors write, and what Python-Markdown's extensions ("extra",
# "admonition", "sane_lists", "toc") emit: footnotes, tables, definition
# lists, abbreviations, admonitions, fenced code, heading anchors.
TAGS = frozenset(
    """a abbr b bdi bdo blockquote br caption cite code col colgroup dd del details dfn div dl dt em
    figcaption figure h1 h2 h3 h4 h5 h6 hr i img ins kbd li mark ol p pre q s samp small span strong
    sub summary sup table tbody td tfoot th thead time tr u ul var wbr audio video source track""".split()
)
# MathML Core's presentation elements, which latex2mathml writes for `$...$` (course.render.maths),
# and menclose for \boxed and \cancel. Not: semantics, annotation and annotation-xml (an
# annotation-xml may hold HTML, the way past sanitizers were escaped), maction (it acts on
# events), mglyph (it loads an image).
MATHML = frozenset(
    """math mi mn mo ms mtext mspace mrow mfrac msqrt mroot mstyle merror mpadded mphantom msub msup
    msubsup munder mover munderover mmultiscripts mprescripts none mtable mtr mtd menclose""".split()
)
TAGS = TAGS | MATHML
# Removed with everything inside them (their content is code or another document, not words).
# Inline SVG is among them: the PDFs draw formulas as SVG after sanitizing (course.render.pdf.printable), authors use image files.
EMPTIED = frozenset(
    "script style iframe object embed noscript template svg frame frameset noembed noframes annotation annotation-xml".split()
)
MEDIA = frozenset({"img", "audio", "video", "source", "track"})  # their files must be the course's own
_CELL = {"colspan", "rowspan", "align", "valign"}
# Presentation attributes only: no href (MathML 3 let any element be a link), no style, no event handlers.
MATHML_ATTRIBUTES = frozenset(
    """mathvariant mathsize mathcolor mathbackground displaystyle scriptlevel fence separator stretchy symmetric
    largeop movablelimits accent accentunder lspace rspace minsize maxsize form linethickness width height depth
    voffset columnalign rowalign columnspacing rowspacing columnlines rowlines frame framespacing equalrows
    equalcolumns columnspan rowspan notation linebreak""".split()
)
ATTRIBUTES = {
    # attr_list and the extensions put ids and classes anywhere (anchors, footnotes, admonitions, code)
    "*": {"id", "class", "dir", "lang", "title"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading"},
    "audio": {"src", "controls", "preload", "loop", "muted"},
    "video": {"src", "controls", "preload", "loop", "muted", "width", "height", "poster", "playsinline"},
    "source": {"src", "type", "media"},
    "track": {"src", "kind", "srclang", "label", "default"},
    **dict.fromkeys(MATHML - {"math"}, MATHML_ATTRIBUTES),
    "math": MATHML_ATTRIBUTES | {"display", "alttext"},
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


def sanitized(html: str) -> tuple[str, list[Removed], list[dict]]:
    """``sanitize``, and the images, video and audio the published HTML loads (``media.records``)."""
    if "<" not in html:
        return html, [], []
    cleaned = clean(html)
    if cleaned == html:  # already as nh3 writes it (most short texts): nothing to compare
        return html, [], records(_events(html)) if "src=" in html or "poster=" in html else []
    original = _read(html)
    after = _events(cleaned)
    if original is not None and original == after and _balanced(html):
        return html, [], records(after)
    return cleaned, _removed(_events(html), after) + _stray(html), records(after)


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
    found = []
    for tag in gone:
        remote = [url for url in _addresses(before, tag) if _remote(url)] if tag in FRAMES else []
        if remote:  # each remote frame named by its address
            why = OFFLINE + "; a course does not embed other sites: link to it instead"
            found += [Removed(f"<{tag}> of {_short(url)}", url, why) for url in remote]
        else:
            found.append(Removed(f"<{tag}>", f"<{tag}", _why_tag(tag)))
    attributes = Counter((e[1], name, value) for e in before if e[0] == "start" and e[1] not in gone for name, value in e[2])
    attributes.subtract((e[1], name, value) for e in after if e[0] == "start" for name, value in e[2])
    for (tag, name, value), count in attributes.items():
        if count > 0:
            shown = f'{name}="{_short(value)}"' if name in _URLS or name == "style" else name
            found.append(Removed(f"{shown} from <{tag}>", value if name in _URLS else name, _why_attribute(tag, name, value)))
    return found


FRAMES = frozenset({"iframe", "frame", "object", "embed"})
OFFLINE = "it loads from the network, so the course would not work offline"


def _addresses(events: list, tag: str) -> list[str]:
    return [value for e in events if e[0] == "start" and e[1] == tag for name, value in e[2] if name in ("src", "data")]


def _remote(url: str | None) -> bool:
    parts = urlsplit((url or "").strip())
    return bool(parts.netloc) or parts.scheme in ("http", "https")


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
    if tag == "svg":
        return "inline SVG is not allowed; use an image file"
    if tag in ("annotation-xml", "annotation", "semantics", "maction", "mglyph"):
        return "this MathML element is not among those a course may use; write the formula as $...$"
    return "this element is not among those a course may use"


def _why_attribute(tag: str, name: str, value: str) -> str:
    if name.startswith("on"):
        return "raw HTML that runs script is not allowed in a course"
    if name == "href" and tag in MATHML:
        return "parts of a formula are not links (\\href); put the link beside the formula"
    if name in _URLS:
        if tag in MEDIA and _remote(value):
            return f"only files inside the course are used: {OFFLINE}; put the file in the module's folder (modules/<id>/)"
        if tag in MEDIA:
            return "only files inside the course are used"
        return "only http, https, mailto and relative links are allowed"
    if name == "style":
        return "inline styles are not allowed; the course's stylesheet styles the page"
    return f"<{tag}> may not have this attribute here"
