"""Glossary terms on module pages: the first use links to the entry with its definition as a
tooltip; never inside code, links or headings; Arabic prefixes stay outside the link."""

from __future__ import annotations

import lxml.html

from course.model import GlossaryEntry
from course.render.site.glossary_links import link_glossary_terms

GLOSSARY = [
    GlossaryEntry("Manifest", "The carrier's list of cargo.", anchor="term-manifest"),
    GlossaryEntry("Risk analysis", "Deciding what to check.", abbreviation="RA", anchor="term-risk-analysis"),
    GlossaryEntry("سجلات أسماء الركاب", "بيانات الحجز.", abbreviation="PNR", anchor="term-pnr"),
    GlossaryEntry("سجلات أسماء الركاب الحكومية", "رسالة الحكومة.", anchor="term-pnrgov"),
]


def links(html: str) -> list[tuple[str, str, str | None]]:
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    return [(a.text, a.get("href"), a.getparent().getparent().tag) for a in root.iter("a") if "glossary-link" in (a.get("class") or "")]


def test_only_the_first_use_is_linked_with_its_definition_as_a_described_tooltip():
    html = "<p>The manifest is filed. Another manifest follows.</p><p>A Manifest again.</p>"
    out = link_glossary_terms(html, GLOSSARY, "../glossary.html")
    assert [(t, h) for t, h, _ in links(out)] == [("manifest", "../glossary.html#term-manifest")]
    root = lxml.html.fragment_fromstring(out, create_parent="div")
    [link] = root.find_class("glossary-link")
    [tip] = root.find_class("glossary-tip")
    assert link.get("aria-describedby") == tip.get("id") and tip.get("role") == "tooltip"
    assert tip.text == "The carrier's list of cargo."
    assert root.text_content().count("Another manifest follows.") == 1


def test_never_inside_code_links_or_headings():
    html = (
        '<h2 id="m">Manifest</h2><p><code>manifest</code> <a href="x.html">manifest</a></p>'
        "<pre>manifest</pre><p>Then RA and the manifest.</p>"
    )
    out = link_glossary_terms(html, GLOSSARY, "../glossary.html")
    assert [t for t, _, _ in links(out)] == ["RA", "manifest"]
    assert '<h2 id="m">Manifest</h2>' in out and "<code>manifest</code>" in out and "<pre>manifest</pre>" in out


def test_an_abbreviation_must_match_its_case_and_whole_words_only():
    out = link_glossary_terms("<p>Drama and ra and RAS.</p>", GLOSSARY, "g.html")
    assert links(out) == []


def test_arabic_prefix_stays_outside_and_the_longer_term_wins():
    html = "<p>تُرسل وسجلات أسماء الركاب الحكومية قبل الرحلة، ثم بسجلات أسماء الركاب.</p>"
    out = link_glossary_terms(html, GLOSSARY, "../glossary.html")
    assert [(t, h.split("#")[1]) for t, h, _ in links(out)] == [
        ("سجلات أسماء الركاب الحكومية", "term-pnrgov"),
        ("سجلات أسماء الركاب", "term-pnr"),
    ]
    assert "وسجلات" not in "".join(t for t, _, _ in links(out))
    assert "تُرسل و<span" in out and "ثم ب<span" in out


def test_a_module_without_terms_keeps_its_html_byte_for_byte_and_arabic_links_stay_readable():
    html = '<p>Nothing here.<br>Really.</p><p><a href="#أمن">أمن</a></p>'
    assert link_glossary_terms(html, GLOSSARY, "g.html") == html
    out = link_glossary_terms(html + "<p>manifest</p><p></p>", GLOSSARY, "g.html")
    assert 'href="#أمن"' in out and "<p></p>" in out and "<p/>" not in out
