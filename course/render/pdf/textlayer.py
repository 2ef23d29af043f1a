"""WeasyPrint's text layer, corrected: what each drawn glyph reads as is the text it stands for there.

WeasyPrint (70) writes one ToUnicode entry per glyph id, the text of the
glyph's first use, gives every other glyph of a cluster the whole cluster
again or nothing, and writes kerning and mark offsets as numbers in the TJ
arrays (WeasyPrint issue #2841, and #1686). With Amiri, which draws one
letter with different glyphs, different letters with one glyph and some
letters with two glyphs, copied Arabic came out with wrong letters, doubled
letters («الإللكتروني») and words split at every offset («التعر يف»).
While a line is drawn here:

- a cluster's characters go one to a glyph in logical order (``glyph_texts``);
  a mark's character goes to the letter it sits on (``_marks_on_letters``);
- a glyph whose text (or advance, below) differs from what its glyph id
  already maps to is drawn with an *alias*: a CID past the font's glyphs
  that the font's ``/CIDToGIDMap`` sends to the same glyph, with its own
  ToUnicode entry and ``/W`` width. The encoding stays ``/Identity-H``
  (pdfminer.six reads no embedded encoding CMap);
- each glyph's advance is carried by its width, not by a TJ number, so the
  glyph boxes meet and extractors find no gap inside a word;
- a glyph standing for no character is drawn at the end of its run, with
  one of the codes PDFium reads as a control character (``_silent``);
- every font subset is named from what it holds (``subset_tag``), so the
  parts of the course book no longer carry different subsets under one name.

Every glyph lands exactly where WeasyPrint puts it, with the same glyph of
the same font program: the page looks as before (docs/performance.md gives
the pixel comparison). Lines that need WeasyPrint's special cases (ellipsis,
bitmap or colour fonts) are drawn by WeasyPrint itself.

``install()`` is called once, by ``course.render.pdf.weasy`` after it has
imported WeasyPrint. A fix that could go upstream: WeasyPrint #2841.
"""

from __future__ import annotations

import functools
import hashlib
import sys
import unicodedata

import pydyf

SILENT_CODES = (0x98, 0x97, 0x96, 0x94, 0x93, 0x03, 0x02)  # codes PDFium reads as control characters and drops
MISSING_ROOM = 256  # CIDs kept free past the glyphs for WeasyPrint's .notdef stand-ins
_original_draw_first_line = _original_build_fonts = None
FROM_UNITS = ffi = pango = None  # WeasyPrint's, once installed


def install() -> None:
    """Draw text and write fonts through this module from now on (idempotent).

    Called by ``course.render.pdf.weasy`` once WeasyPrint is imported; the
    modules are taken from there, so that WeasyPrint is imported one way only.
    """
    global _original_draw_first_line, _original_build_fonts, FROM_UNITS, ffi, pango
    draw_text, pdf, text_ffi = (sys.modules[m] for m in ("weasyprint.draw.text", "weasyprint.pdf", "weasyprint.text.ffi"))
    FROM_UNITS, ffi, pango = text_ffi.FROM_UNITS, text_ffi.ffi, text_ffi.pango
    if draw_text.draw_first_line is not draw_first_line:
        _original_draw_first_line, draw_text.draw_first_line = draw_text.draw_first_line, draw_first_line
    if pdf.build_fonts_dictionary is not build_fonts_dictionary:
        _original_build_fonts, pdf.build_fonts_dictionary = pdf.build_fonts_dictionary, build_fonts_dictionary


def draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix):
    """WeasyPrint's ``draw_first_line``, with each glyph's own text (see the module's docstring)."""
    if not textbox.text.strip() or textbox.style["font_size"] < 1e-6:
        return []
    if text_overflow == "ellipsis" or block_ellipsis != "none":
        return _original_draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix)
    pango.pango_layout_set_single_paragraph_mode(textbox.pango_layout.layout, True)
    first_line, _ = textbox.pango_layout.get_first_line()
    if _special(stream, first_line):
        return _original_draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix)
    utf8 = textbox.pango_layout.text.encode()
    stream.set_text_matrix(*matrix.values)
    string = ""
    previous_font = None
    run = first_line.runs[0]
    while run != ffi.NULL:
        glyph_item = run.data
        run = run.next
        pango_font = glyph_item.item.analysis.font
        font, font_size = stream.add_font(pango_font)
        if pango.pango_version() < 14802:
            font_size = textbox.style["font_size"]
        if pango_font != previous_font:
            previous_font = pango_font
            if string:
                stream.show_text(string)
            string = ""
            stream.set_font_size(font.hash, font_size)
        string = _run(stream, glyph_item, utf8, font, font_size, pango_font, string + "<")
        string = string[:-1] if string[-1] == "<" else string + ">"
    stream.show_text(string)
    return []


def _special(stream, first_line) -> bool:
    """Whether a font of the line is one WeasyPrint draws specially (bitmap, PNG, SVG or COLR glyphs)."""
    run = first_line.runs[0]
    while run != ffi.NULL:
        font, _ = stream.add_font(run.data.item.analysis.font)
        if font.bitmap or font.png or font.svg or font.colr:
            return True
        run = run.next
    return False


def glyph_texts(clusters: list[int], length: int, text: bytes, rtl: bool) -> list[str]:
    """The text of each glyph of a run (visual order), from Pango's log clusters (byte offsets into ``text``).

    A cluster's characters go one to a glyph in logical order; the last
    glyph takes what is left; a glyph left over takes nothing.
    """
    decoded = text.decode("utf-8", "replace")
    if len(decoded) == len(text):  # ASCII: byte offsets are character offsets
        index_of = None
    else:
        index_of = {byte: char for char, byte in enumerate(i for i, b in enumerate(text) if b & 0xC0 != 0x80)}
        index_of[length] = len(decoded)
    members: dict[int, list[int]] = {}
    for index, start in enumerate(clusters):
        members.setdefault(start, []).append(index)
    starts = sorted(members)
    texts = [""] * len(clusters)
    for number, start in enumerate(starts):
        end = starts[number + 1] if number + 1 < len(starts) else length
        chars = decoded[start:end] if index_of is None else decoded[index_of.get(start, 0) : index_of.get(end, len(decoded))]
        glyphs = members[start]
        if len(glyphs) == 1:
            texts[glyphs[0]] = chars
            continue
        logical = glyphs[::-1] if rtl else glyphs
        for position, index in enumerate(logical):
            last = position == len(logical) - 1
            texts[index] = chars[position:] if last else (chars[position] if position < len(chars) else "")
    return texts


def _code(font, glyph_id: int, text: str, width: int | None = None) -> int:
    """The code to draw ``glyph_id`` with when it stands for ``text`` (and advances ``width``): the glyph id, or an alias."""
    claimed = glyph_id in font.__dict__.get("silent_codes", {}).values()
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
        code = font.glyph_count + MISSING_ROOM + len(aliases)
        if code > 0xFFFF:
            return glyph_id
        aliases[key] = code
    return aliases[key]


def _run(stream, glyph_item, utf8: bytes, font, font_size: float, pango_font, string: str) -> str:
    """Add one Pango run's glyphs to ``string`` (a TJ array's content), where WeasyPrint would put them.

    Each glyph is placed where WeasyPrint places it (its offset, then its
    advance less the kerning it writes), but the advance is carried by the
    glyph's width (an alias with that width where it differs from the
    font's) rather than by a number in the TJ array: extractors read those
    numbers, and boxes that do not meet, as gaps between words.
    """
    glyph_string = glyph_item.glyphs
    count = glyph_string.num_glyphs
    infos = glyph_string.glyphs
    offset, length = glyph_item.item.offset, glyph_item.item.length
    rtl = glyph_item.item.analysis.level % 2 == 1
    texts = glyph_texts([glyph_string.log_clusters[i] for i in range(count)], length, utf8[offset : offset + length], rtl)
    placed = []  # (glyph id, text, origin, rise), origins in TJ units from the run's start
    pen = 0.0
    for i in range(count):
        info = infos[i]
        glyph_id = info.glyph
        width = info.geometry.width
        if glyph_id == pango.PANGO_GLYPH_EMPTY:
            pen += width / font_size
            continue
        if glyph_id & pango.PANGO_GLYPH_UNKNOWN_FLAG:
            codepoint = glyph_id - pango.PANGO_GLYPH_UNKNOWN_FLAG
            glyph_id = font.get_unused_glyph_id(codepoint)
            font.widths[glyph_id] = round(width * 1000 * FROM_UNITS / font_size)
            if 0 not in font.widths:
                font.widths[0] = font.widths[glyph_id]
        x_offset = info.geometry.x_offset / font_size
        if glyph_id not in font.widths:
            pango.pango_font_get_glyph_extents(pango_font, glyph_id, stream.ink_rect, stream.logical_rect)
            font.widths[glyph_id] = round(stream.logical_rect.width * 1000 * FROM_UNITS / font_size)
        logical_width = font.widths[glyph_id]
        kerning = logical_width + x_offset - width * 1000 * FROM_UNITS / font_size
        placed.append((glyph_id, texts[i], pen + x_offset, info.geometry.y_offset / 1000))
        pen += x_offset + logical_width - (int(kerning) if kerning else 0)
    placed = _marks_on_letters(placed, rtl)
    lettered = [g for g in placed if g[1]]
    silent = [g for g in placed if not g[1]]  # drawn last, so that they sit between no two letters of a word
    at = 0.0  # where the PDF's pen is, TJ units from the run's start
    for index, (glyph_id, text, origin, rise) in enumerate(lettered + silent):
        if abs(origin - at) > 1e-6:  # a glyph the previous width could not bring the pen to
            string += f">{at - origin}<"
            at = origin
        after = lettered[index + 1][2] if index + 1 < len(lettered) else pen
        advance = round(after - at) if text else font.widths[glyph_id]
        code = _code(font, glyph_id, text, advance if advance > 0 else font.widths[glyph_id]) if text else _silent(font, glyph_id)
        if code == glyph_id or advance <= 0:
            advance = font.widths[glyph_id]
        if rise:
            string = string[:-1] if string[-1] == "<" else string + ">"
            if string:
                stream.show_text(string)
            stream.set_text_rise(-rise)
            stream.show_text(f"<{code:04x}>")
            stream.set_text_rise(0)
            string = "<"
        else:
            string += f"{code:04x}"
        at += advance
    if abs(pen - at) > 1e-6:
        string += f">{at - pen}<"
    return string


def _marks_on_letters(placed: list, rtl: bool) -> list:
    """Give each mark's character to the letter it sits on (the glyph before it in logical order, on the baseline).

    A mark's glyph overlaps its letter's, and a raised one sits on a baseline
    of its own: poppler ends the word there, PDFium moves the mark past the
    punctuation that follows. The letter's glyph takes both characters, in
    the order pdftotext and PDFium read a right-to-left glyph's characters
    (they reverse them with the line); the mark's glyph then stands for
    nothing.
    """
    order = range(len(placed) - 1, -1, -1) if rtl else range(len(placed))
    base = None
    for index in order:
        glyph_id, text, origin, rise = placed[index]
        if text and base is not None and _marks_only(text):
            letter = placed[base]
            placed[base] = (letter[0], text + letter[1] if rtl else letter[1] + text, letter[2], letter[3])
            placed[index] = (glyph_id, "", origin, rise)
        elif text and not rise:
            base = index
    return placed


@functools.lru_cache(maxsize=4096)
def _marks_only(text: str) -> bool:
    return all(unicodedata.category(c) == "Mn" for c in text)


def _silent(font, glyph_id: int) -> int:
    """The code for ``glyph_id`` standing for no letter: one PDFium drops when it has no text (else it prints the code).

    Those are the codes PDFium takes for control characters; the font's
    ``/CIDToGIDMap`` sends the one claimed to the glyph. A glyph id equal to
    a claimed code is drawn with an alias from then on (``_code``).
    """
    silent = font.__dict__.setdefault("silent_codes", {})
    if glyph_id in silent:
        return silent[glyph_id]
    for code in SILENT_CODES:
        if code not in silent.values() and code not in font.to_unicode and code < font.glyph_count:
            font.to_unicode.setdefault(glyph_id, "")
            silent[glyph_id] = code
            return code
    return _code(font, glyph_id, "")


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
        for code, (_, _, width) in _extra_codes(font).items():
            font.widths[code] = width
    try:
        pdf_fonts = _original_build_fonts(pdf, fonts, compress, subset, options)
    finally:
        for key, font in fonts.items():  # the widths by glyph id, as drawing (of this document, again) needs them
            font.widths = drawn_widths[key]
    for font in fonts.values():
        extra = _extra_codes(font)
        if extra and font.hash in pdf_fonts and not font.bitmap:
            _add_codes(pdf, _object(pdf, pdf_fonts[font.hash]), extra, compress)
    return pdf_fonts


def _extra_codes(font) -> dict[int, tuple[int, str, float]]:
    """Code -> (glyph id, text, width) of every alias and claimed silent code of ``font``."""
    extra = {}
    for (glyph_id, text, width), code in font.__dict__.get("text_aliases", {}).items():
        extra[code] = (glyph_id, text, font.widths.get(glyph_id, 0) if width is None else width)
    for glyph_id, code in font.__dict__.get("silent_codes", {}).items():
        extra[code] = (glyph_id, "", font.widths.get(glyph_id, 0))
    return extra


def _add_codes(pdf, dictionary, extra: dict, compress: bool) -> None:
    to_unicode = _object(pdf, dictionary["ToUnicode"])
    _insert(to_unicode.stream, [f"<{code:04x}> <{text.encode('utf-16-be').hex()}>" for code, (_, text, _) in extra.items()], "bfchar")
    if dictionary["Encoding"] != "/Identity-H":  # WeasyPrint's own CMap (glyphs missing from the font): let the codes through
        _insert(_object(pdf, dictionary["Encoding"]).stream, [f"<{code:04x}> {code}" for code in extra], "cidchar")
    glyphs = list(range(max(extra) + 1))
    for code, (glyph_id, _, _) in extra.items():
        glyphs[code] = glyph_id
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
