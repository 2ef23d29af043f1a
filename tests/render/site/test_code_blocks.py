"""Code blocks on the site's pages: focusable and named, their marked lines labelled, in the course's words."""

from __future__ import annotations

import lxml.html
import pytest

from course.render.environment import environment
from course.render.markdown import derive
from course.render.site.code_blocks import keyboard_code

MARKED = '```python hl_lines="2"\ndef f():\n    return "<b>"  # note\nprint(f())\n```\n'


def _tree(html: str):
    return lxml.html.fragment_fromstring(html, create_parent="div")


def test_every_block_takes_focus_with_a_name_and_only_marked_lines_get_the_label():
    html = derive(MARKED + "\n    indented block\n")["html"]
    out = _tree(keyboard_code(html, "Code", "Marked line: "))
    blocks = out.findall(".//pre")
    assert len(blocks) == 2
    for block in blocks:
        assert (block.get("tabindex"), block.get("role"), block.get("aria-label")) == ("0", "group", "Code")
    lines = out.xpath('.//span[contains(concat(" ", @class, " "), " hll ")]')
    assert [line.text_content() for line in lines] == ['    return "<b>"  # note\n']
    assert [line.get("data-marked") for line in lines] == ["Marked line: "]
    assert len(out.xpath("//*[@data-marked]")) == 1
    assert out.text_content() == _tree(html).text_content(), "the code itself is untouched"


def test_a_page_without_code_keeps_its_html_byte_for_byte():
    html = derive("## نص\n\nفقرة فيها `code` و&nbsp;مسافة.\n")["html"]
    assert keyboard_code(html, "Code", "Marked line: ") is html


def test_labels_are_escaped_as_attributes():
    html = keyboard_code("<pre><code>x</code></pre>", 'a "b" <c> & d', "")
    assert _tree(html).find(".//pre").get("aria-label") == 'a "b" <c> & d'
    assert "<c>" not in html


@pytest.mark.parametrize(
    ("language", "interface", "name", "marked"),
    [
        ("en", (), "Code", "Marked line: "),
        ("ar", (), "شيفرة", "سطر مميَّز: "),
        ("fa", (), "کد", "سطر برجسته: "),
        ("fr", (), "Code", "Ligne mise en évidence\u00a0: "),
        ("ur", (("site.code", "کوڈ"), ("site.marked-line", "نمایاں سطر")), "کوڈ", "نمایاں سطر: "),
    ],
)
def test_the_templates_filter_names_blocks_and_lines_in_the_course_language(language, interface, name, marked):
    keyboard = environment(language, interface).filters["keyboard_code"]
    out = _tree(str(keyboard(derive(MARKED)["html"])))
    assert out.find(".//pre").get("aria-label") == name
    assert out.find('.//span[@class="hll"]').get("data-marked") == marked
