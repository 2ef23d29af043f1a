"""The codes glyphs are drawn with: aliases, PDFium's control codes, blanks (course.render.pdf.textcodes)."""

from __future__ import annotations

from types import SimpleNamespace

from course.render.pdf import textcodes
from course.render.pdf.textcodes import ANCHOR, BLANK, MISSING_ROOM, SILENT_CODES, STOP


def _font(**to_unicode):
    return SimpleNamespace(to_unicode={}, widths={5: 400, 6: 300, 3: 250}, missing={}, glyph_count=1000, hash="f", **to_unicode)


def test_a_glyph_keeps_its_code_for_its_first_text_and_takes_an_alias_for_another():
    font = _font()
    assert textcodes.code(font, 5, "ل") == 5
    alias = textcodes.code(font, 5, "ك")
    assert alias == font.glyph_count + MISSING_ROOM
    assert textcodes.code(font, 5, "ك") == alias
    assert textcodes.code(font, 5, "ل", 380) == alias + 1  # another width: another alias
    assert textcodes.code(font, 5, "ل", 400) == 5  # the glyph's own width: its own code


def test_blanks_take_control_codes_and_a_glyph_with_such_an_id_an_alias():
    font = _font()
    anchor, stop = textcodes.blank(font, ANCHOR), textcodes.blank(font, STOP)
    assert {anchor, stop} <= set(SILENT_CODES) and anchor != stop
    assert textcodes.blank(font, ANCHOR) == anchor
    assert textcodes.code(font, anchor, "ب") >= font.glyph_count  # the glyph whose id is the anchor's code
    assert font.to_unicode[anchor] == ""


def test_blank_codes_draw_the_space_glyph():
    font = _font()
    textcodes.code(font, 3, " ")
    bridge, stop = textcodes.code(font, BLANK, "", 1000), textcodes.blank(font, STOP)
    extra = textcodes._extra_codes(font)
    assert extra[bridge] == (3, "", 1000)
    assert extra[stop] == (3, "", textcodes.BLANK_WIDTHS[STOP])


def test_the_glyph_map_covers_every_code_of_the_font():
    """/CIDToGIDMap has no default: a map that stopped at the last extra code made PDFium draw nothing past it."""
    import pydyf

    to_unicode = SimpleNamespace(stream=[b"begincmap", b"endcmap"])
    descendant = pydyf.Dictionary()
    pdf = SimpleNamespace(objects=[None, to_unicode, descendant])
    pdf.add_object = lambda stream: pdf.objects.append(stream) or setattr(stream, "number", len(pdf.objects) - 1)
    dictionary = {"ToUnicode": b"1 0 R", "Encoding": "/Identity-H", "DescendantFonts": [b"2 0 R"]}
    textcodes._add_codes(pdf, dictionary, {0x98: (3, "", 500)}, False, 1256)  # one control code, no alias
    mapped = pdf.objects[-1].stream[0]
    assert len(mapped) == 2 * 1256
    assert mapped[2 * 0x98 : 2 * 0x98 + 2] == (3).to_bytes(2, "big") and mapped[2 * 999 : 2 * 1000] == (999).to_bytes(2, "big")
    assert b"<0098> <>" in b"\n".join(to_unicode.stream)
