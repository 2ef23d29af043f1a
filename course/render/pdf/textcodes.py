"""The codes ``course.render.pdf.textlayer`` draws glyphs with, and the font dictionaries that give them text.

Identity-H fonts draw glyph *g* with code *g*, which reads as one text
(its ToUnicode entry) and advances one width (its ``/W`` entry). Where a
glyph must read as another text or advance another width, it is drawn with
an *alias*: a code past the font's glyphs that the font's ``/CIDToGIDMap``
sends to the same glyph, with its own ToUnicode entry and width
(``code``). A few glyphs read as nothing at all: they take one of the codes
PDFium reads as a control character and drops (it prints the code of any
other glyph with empty text), sent to the glyph by the map (``silent``,
``blank``). A *blank* is a glyph without ink (the font's space), drawn for
the extractors' sake only. The encoding stays ``/Identity-H``: pdfminer.six
reads no embedded encoding CMap.

Every font subset is also named from what it holds (``subset_tag``), so
the parts of the course book no longer carry different subsets under one
name.
"""

from __future__ import annotations

import hashlib
import io

import pydyf

SILENT_CODES = (0x98, 0x97, 0x96, 0x94, 0x93, 0x03, 0x02)  # codes PDFium reads as control characters and drops
MISSING_ROOM = 256  # codes kept free past the glyphs for WeasyPrint's .notdef stand-ins
BLANK = -1  # in an alias: a glyph with no ink, found when the font is written (``_blank_glyph``)
ANCHOR, STOP = -2, -3  # blanks with a code of their own (``blank``), and their widths
BLANK_WIDTHS = {ANCHOR: 0, STOP: 500}
original_build_fonts = None  # WeasyPrint's ``build_fonts_dictionary``, once installed


def code(font, glyph_id: int, text: str, width: float | None = None) -> int:
    """The code to draw ``glyph_id`` (or ``BLANK``) with when it stands for ``text`` and advances ``width``."""
    claimed = glyph_id in font.__dict__.get("silent_codes", {}).values()
    if glyph_id != BLANK:
        if claimed:  # this glyph id's own code now draws a silent glyph: the code maps to nothing, the glyph takes an alias
            font.to_unicode[glyph_id] = ""
        known = font.to_unicode.setdefault(glyph_id, text)
        if width == font.widths.get(glyph_id):
            width = None
        if (known == text and width is None and not claimed) or glyph_id in font.missing.values():
            return glyph_id
    aliases = font.__dict__.setdefault("text_aliases", {})
    key = (glyph_id, text, width)
    if key not in aliases:
        alias = font.glyph_count + MISSING_ROOM + len(aliases)
        if alias > 0xFFFF:
            return glyph_id if glyph_id != BLANK else 0
        aliases[key] = alias
    return aliases[key]


def silent(font, glyph_id: int) -> int:
    """The code for ``glyph_id`` standing for no letter: one PDFium drops when it has no text (else it prints the code).

    A glyph id equal to a claimed code is drawn with an alias from then on (``code``).
    """
    claimed = font.__dict__.setdefault("silent_codes", {})
    if glyph_id not in claimed:
        free = _free_code(font, claimed)
        if free is None:
            return code(font, glyph_id, "")
        font.to_unicode.setdefault(glyph_id, "")
        claimed[glyph_id] = free
    return claimed[glyph_id]


def blank(font, kind: int) -> int:
    """The code of the blank ``kind`` (``ANCHOR`` or ``STOP``): no ink, no text, one of PDFium's control codes."""
    claimed = font.__dict__.setdefault("silent_codes", {})
    if kind not in claimed:
        free = _free_code(font, claimed)
        claimed[kind] = code(font, BLANK, "", BLANK_WIDTHS[kind]) if free is None else free
    return claimed[kind]


def _free_code(font, claimed: dict) -> int | None:
    for candidate in SILENT_CODES:
        if candidate not in claimed.values() and candidate not in font.to_unicode and candidate < font.glyph_count:
            return candidate
    return None


def subset_tag(font) -> str:
    """Six capitals naming what a subset holds: the same subset gets the same tag, another subset another."""
    digest = hashlib.md5(font.hash.encode(), usedforsecurity=False)
    digest.update(repr(sorted(font.to_unicode.items())).encode())
    digest.update(repr(sorted(font.__dict__.get("text_aliases", {}).values())).encode())
    digest.update(repr(sorted(font.__dict__.get("silent_codes", {}).items())).encode())
    digest.update(repr(list(font.__dict__.get("text_aliases", {}))).encode())
    return "".join(chr(65 + byte % 26) for byte in digest.digest()[:6])


def build_fonts_dictionary(pdf, fonts, compress, subset, options):
    """WeasyPrint's font dictionaries, with subset tags of their own and the extra codes' text, width and glyph."""
    drawn_widths = {}
    for key, font in fonts.items():
        family = font.name.split(b"+", 1)[-1]
        font.name = b"/" + subset_tag(font).encode() + b"+" + family
        drawn_widths[key] = dict(font.widths)
        for extra_code, (_, _, width) in _extra_codes(font).items():
            font.widths[extra_code] = width
    try:
        pdf_fonts = original_build_fonts(pdf, fonts, compress, subset, options)
    finally:
        for key, font in fonts.items():  # the widths by glyph id, as drawing (of this document, again) needs them
            font.widths = drawn_widths[key]
    for font in fonts.values():
        extra = _extra_codes(font)
        if extra and font.hash in pdf_fonts and not font.bitmap:
            _add_codes(pdf, _object(pdf, pdf_fonts[font.hash]), extra, compress, font.glyph_count + MISSING_ROOM)
    return pdf_fonts


def _extra_codes(font) -> dict[int, tuple[int, str, float]]:
    """Code -> (glyph id, text, width) of every alias and claimed code of ``font``."""
    extra = {}
    for (glyph_id, text, width), alias in font.__dict__.get("text_aliases", {}).items():
        glyph_id = _blank_glyph(font) if glyph_id == BLANK else glyph_id
        extra[alias] = (glyph_id, text, font.widths.get(glyph_id, 0) if width is None else width)
    for glyph_id, claimed in font.__dict__.get("silent_codes", {}).items():
        if glyph_id in BLANK_WIDTHS:
            extra[claimed] = (_blank_glyph(font), "", BLANK_WIDTHS[glyph_id])
        else:
            extra[claimed] = (glyph_id, "", font.widths.get(glyph_id, 0))
    return extra


def _blank_glyph(font) -> int:
    """The font's space glyph, which has no ink: from the glyphs drawn, else from the font's own cmap.

    Found when the font is written, before WeasyPrint subsets it (a subset
    that drops the space leaves its glyph empty, which serves as well).
    """
    if "blank_glyph" not in font.__dict__:
        spaces = [glyph_id for glyph_id, text in font.to_unicode.items() if text == " "]
        font.__dict__["blank_glyph"] = min(spaces) if spaces else _space_in_cmap(font)
    return font.__dict__["blank_glyph"]


def _space_in_cmap(font) -> int:
    from fontTools.ttLib import TTFont  # WeasyPrint's own dependency; needed only when no space was drawn

    try:
        ttfont = TTFont(io.BytesIO(font.file_content), lazy=True, fontNumber=font.index)
        return ttfont.getGlyphID(ttfont["cmap"].getBestCmap()[0x20])
    except Exception:  # noqa: BLE001 - a font without a space, or one fontTools cannot read: glyph 0, as WeasyPrint would
        return 0


def _add_codes(pdf, dictionary, extra: dict, compress: bool, codes: int) -> None:
    """Write the extra codes' text (ToUnicode) and glyphs (``/CIDToGIDMap``, covering every code: it has no default)."""
    to_unicode = _object(pdf, dictionary["ToUnicode"])
    _insert(to_unicode.stream, [f"<{c:04x}> <{text.encode('utf-16-be').hex()}>" for c, (_, text, _) in extra.items()], "bfchar")
    if dictionary["Encoding"] != "/Identity-H":  # WeasyPrint's own CMap (glyphs missing from the font): let the codes through
        _insert(_object(pdf, dictionary["Encoding"]).stream, [f"<{c:04x}> {c}" for c in extra], "cidchar")
    glyphs = list(range(max(max(extra), codes - 1) + 1))
    for extra_code, (glyph_id, _, _) in extra.items():
        glyphs[extra_code] = glyph_id
    cid_to_gid = pydyf.Stream([b"".join(g.to_bytes(2, "big") for g in glyphs)], compress=compress)
    pdf.add_object(cid_to_gid)
    descendant = _object(pdf, dictionary["DescendantFonts"][0])
    descendant["CIDToGIDMap"] = cid_to_gid.reference


def _object(pdf, reference: bytes):
    return pdf.objects[int(reference.split()[0])]


def _insert(lines: list, entries: list[str], kind: str) -> None:
    """Add CMap entries before ``endcmap``, in blocks of at most 100 as the format requires."""
    at = lines.index(b"endcmap")
    block = []
    for start in range(0, len(entries), 100):
        batch = entries[start : start + 100]
        block += [f"{len(batch)} begin{kind}".encode(), *(e.encode() for e in batch), f"end{kind}".encode()]
    lines[at:at] = block
