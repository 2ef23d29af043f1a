"""WeasyPrint's text layer, corrected: the PDFs' text extracts to the words of the source, in the order written.

WeasyPrint (70) writes one ToUnicode entry per glyph id (the text of the
glyph's first use), writes kerning and mark offsets as numbers in the TJ
arrays, and writes a right-to-left run's glyphs from the left (WeasyPrint
issue #2841, and #1686). With Amiri, which draws one letter with different
glyphs, different letters with one glyph and some letters with two, copied
Arabic came out with wrong and doubled letters («الإللكتروني»), words split
at every offset («التعر يف»), and, from an extractor that reads the content
stream in order (pdfminer.six), every Arabic line backwards. Here each line
is drawn so that pdftotext (poppler), PDFium and pdfminer.six all read it
as written:

- a cluster's characters go one to a glyph in logical order (``glyph_texts``),
  a mark's character to the letter it sits on (``_marks_on_letters``); a
  glyph reads as its own text through an *alias* code where its glyph id
  already reads as another (``course.render.pdf.textcodes``);
- each glyph's advance is carried by its width, not by a TJ number, so that
  glyph boxes meet and no extractor finds a gap inside a word;
- runs are written in logical order, a right-to-left run's glyphs from the
  right, each at its own place (a TJ number brings the pen there):
  pdfminer.six reads the stream's order. PDFium sorts a line's text objects
  by position and reverses right-to-left stretches itself, so each
  right-to-left glyph is a text object of its own (after its font, set
  again: pypdf reverses what it reads between font changes), with one
  character: a cluster's other characters (marks, a ligature's second
  letter) go on invisible copies of the glyph (``3 Tr``) just left of it,
  where all three extractors read them after it. A weak mark before weak
  punctuation («معاً،») shares the punctuation's text object: PDFium keeps
  such a stretch in stream order (``_right_to_left``);
- where poppler, which builds words in stream order, would keep two narrow
  glyphs in one word, a blank *stop* where the first begins ends the word;
  a glyph whose ink does not reach the baseline ends with a blank *anchor*
  on it (PDFium takes two text objects whose boxes do not overlap in height
  for two lines);
- a glyph standing for no character (a mark whose character its letter
  carries, the second glyph of Amiri's lam) is drawn in a marked-content
  sequence whose ``/ActualText`` is a NUL: PDFium skips it, poppler drops
  the NUL, pdfminer.six reads no ActualText, and no text for the glyph. In a
  left-to-right run it is drawn at the run's end with one of the codes
  PDFium takes for a control character;
- pdfminer.six starts a new line where two glyphs that follow each other in
  the stream are far apart, and adds a space only where a glyph lies right
  of the one before: a blank stretched over the gap joins two runs of a
  line (``_bridge``), and a text box to the one drawn just before it on the
  same line, reading as a space where the two are apart (``_joined``: a
  choice's letter and its text).

Every glyph lands where WeasyPrint puts it, with the same glyph of the same
font program; blanks have no ink and copies are invisible: the page looks
as before (docs/performance.md gives the pixel comparison). Lines that need
WeasyPrint's special cases (ellipsis, bitmap or colour fonts) are drawn by
WeasyPrint itself. What no PDF can change: PDFium reverses the order of the
direction runs of a right-to-left line, so a left-to-right phrase of several
words inside Arabic («ICAO Doc 9303») comes out word by word backwards.

``install()`` is called once, by ``course.render.pdf.weasy`` after it has
imported WeasyPrint. A fix that could go upstream: WeasyPrint #2841.
"""

from __future__ import annotations

import functools
import sys
import unicodedata

import pydyf

from . import textcodes
from .textcodes import ANCHOR, BLANK, BLANK_WIDTHS, STOP, blank, code, silent

CARRIER_STEP, CARRIER_WIDTH = 1, 500  # an invisible copy carrying a cluster's character: how far left of its glyph, its width
SILENT_WIDTH = 2000  # a glyph standing for no character: so wide that PDFium ends no line at it, raised or not
BRIDGE_WIDTH = 1000  # a bridge's blank, before it is stretched (Tz) over its gap
WEAK = frozenset(("AN", "EN", "NSM", "CS", "ES", "ET", "BN"))  # the bidi classes PDFium keeps in stream order
LAST = "textlayer_last"  # on the page's stream: where the last text box ended (``_joined``)
HEX = [f"<{code:04x}>" for code in range(0x10000)]  # each code as a TJ string
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
    if pdf.build_fonts_dictionary is not textcodes.build_fonts_dictionary:
        _original_build_fonts = textcodes.original_build_fonts = pdf.build_fonts_dictionary
        pdf.build_fonts_dictionary = textcodes.build_fonts_dictionary


def draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix):
    """WeasyPrint's ``draw_first_line``, drawing each glyph for the extractors too (see the module's docstring)."""
    if not textbox.text.strip() or textbox.style["font_size"] < 1e-6:
        return []
    special = text_overflow == "ellipsis" or block_ellipsis != "none"
    if not special:
        pango.pango_layout_set_single_paragraph_mode(textbox.pango_layout.layout, True)
        first_line, _ = textbox.pango_layout.get_first_line()
        special = _special(stream, first_line)
    if special:
        stream.__dict__.pop(LAST, None)
        return _original_draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix)
    utf8 = textbox.pango_layout.text.encode()
    stream.set_text_matrix(*matrix.values)
    runs = []  # (logical position, font, font size, text objects, glyph boxes), in visual order
    x = 0.0  # the line's pen, in text space from the line's start
    run = first_line.runs[0]
    while run != ffi.NULL:
        glyph_item = run.data
        run = run.next
        pango_font = glyph_item.item.analysis.font
        font, font_size = stream.add_font(pango_font)
        if pango.pango_version() < 14802:
            font_size = textbox.style["font_size"]
        objects, boxes, x = _run(stream, glyph_item, utf8, font, font_size, pango_font, x)
        if objects:
            runs.append((glyph_item.item.offset, font, font_size, objects, boxes))
    runs.sort(key=lambda r: r[0])
    runs = [r for r in runs if r[4]] + [r for r in runs if not r[4]]  # runs of glyphs without text: drawn, not joined
    if not runs:
        return []
    objects = _joined(stream, matrix, runs[0]) if runs[0][4] else list(runs[0][3])
    for before, after in zip(runs, runs[1:], strict=False):
        objects += (_bridge(after[1], after[2], before[4][-1], after[4][0], "") if before[4] and after[4] else []) + after[3]
    _write(stream, objects)
    boxes = [b for r in runs for b in r[4]]
    if boxes:
        extent = (min(b[0] for b in boxes), max(b[1] for b in boxes))
        last = [r for r in runs if r[4]][-1]
        stream.__dict__[LAST] = (len(stream.stream), tuple(matrix.values), last[2], extent, last[4][-1])
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


def _run(stream, glyph_item, utf8: bytes, font, font_size: float, pango_font, x: float):
    """One Pango run: its text objects in logical order, its glyph boxes (x0, x1) in logical order, the pen after it.

    Each glyph is placed where WeasyPrint places it (its offset, then its
    advance less the kerning it writes), but the advance is carried by the
    glyph's width (an alias with that width where it differs from the font's)
    rather than by a number in the TJ array: extractors read those numbers,
    and boxes that do not meet, as gaps between words.
    """
    glyph_string = glyph_item.glyphs
    count = glyph_string.num_glyphs
    infos = glyph_string.glyphs
    offset, length = glyph_item.item.offset, glyph_item.item.length
    rtl = glyph_item.item.analysis.level % 2 == 1
    texts = glyph_texts([glyph_string.log_clusters[i] for i in range(count)], length, utf8[offset : offset + length], rtl)
    placed = []  # (glyph id, text, origin, rise), origins in TJ units from the run's start
    inks = font.__dict__.setdefault("ink_extents", {})  # glyph id -> ink's top and bottom (``_right_to_left``)
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
        if glyph_id not in font.widths or (rtl and glyph_id not in inks):
            pango.pango_font_get_glyph_extents(pango_font, glyph_id, stream.ink_rect, stream.logical_rect)
            font.widths.setdefault(glyph_id, round(stream.logical_rect.width * 1000 * FROM_UNITS / font_size))
            ink, size = stream.ink_rect, font_size / FROM_UNITS  # size in Pango units
            inks[glyph_id] = (-ink.y / size, -(ink.y + ink.height) / size)  # top, bottom (ems, up)
        logical_width = font.widths[glyph_id]
        kerning = logical_width + x_offset - width * 1000 * FROM_UNITS / font_size
        placed.append((glyph_id, texts[i], pen + x_offset, info.geometry.y_offset / 1000))
        pen += x_offset + logical_width - (int(kerning) if kerning else 0)
    placed = _marks_on_letters(placed, rtl)
    scale = font_size / 1000
    lettered = [i for i, g in enumerate(placed) if g[1]]
    drawn = {}  # index of a glyph with text -> (code, advance, origin in text space, rise)
    for number, index in enumerate(lettered):
        glyph_id, text, origin, rise = placed[index]
        after = placed[lettered[number + 1]][2] if number + 1 < len(lettered) else pen
        advance = round(after - origin)
        glyph_code = code(font, glyph_id, text[0] if rtl else text, advance if advance > 0 else font.widths[glyph_id])
        if glyph_code == glyph_id or advance <= 0:
            advance = font.widths[glyph_id]
        drawn[index] = (glyph_code, advance, origin, rise)
    order = lettered[::-1] if rtl else lettered
    boxes = [(x + drawn[i][2] * scale, x + (drawn[i][2] + drawn[i][1]) * scale) for i in order]
    make = _right_to_left if rtl else _left_to_right
    return make(font, font_size, placed, order, drawn, x), boxes, x + pen * scale


def _left_to_right(font, font_size: float, placed: list, order: list, drawn: dict, x: float) -> list:
    """A left-to-right run's text objects: its glyphs in order, those standing for no character last (``silent``).

    A text object is (font, font size, x, mode, rise, [(code, advance, origin)]): origins and advances in
    thousandths of the font size from ``x``, the run's start in text space.
    """
    items = [drawn[i] for i in order]
    items += [(silent(font, g[0]), font.widths[g[0]], g[2], g[3]) for g in placed if not g[1]]
    objects = []
    for glyph_code, advance, origin, rise in items:  # one object per stretch of one rise: Ts holds for a whole TJ
        if not objects or objects[-1][4] != rise:
            objects.append((font, font_size, x, "", rise, []))
        objects[-1][5].append((glyph_code, advance, origin))
    return objects


def _right_to_left(font, font_size: float, placed: list, order: list, drawn: dict, x: float) -> list:
    """A right-to-left run's text objects, from the right: each glyph with text, its carriers, its silent glyphs.

    A glyph's object ends with an anchor where its ink lies wholly above or
    below the baseline, and is followed by a stop where poppler would keep
    it in one word with the next glyph (both narrow: under 0.3 of the size
    together), and where, after an anchor, pdfminer.six would find the next
    glyph too far (over twice its width) and start a line. A glyph with
    carriers needs no stop: the first carrier, just left of it, ends
    poppler's word and meets the next glyph.
    """
    inks = font.__dict__["ink_extents"]
    anchor, stop, stop_width = blank(font, ANCHOR), blank(font, STOP), BLANK_WIDTHS[STOP]
    owned = {}  # index of a glyph with text -> the silent glyphs drawn after it
    loose = []
    for index, (glyph_id, text, origin, rise) in enumerate(placed):
        if not text:
            owner = _owner(order, index)
            item = (font, font_size, x, "silent", rise, [(code(font, glyph_id, "", SILENT_WIDTH), SILENT_WIDTH, origin)])
            (loose if owner is None else owned.setdefault(owner, [])).append(item)
    objects = []
    append = objects.append
    again = _font_again(font, font_size)
    pen = None  # where the last object leaves the pen (units from x), once there is one: simple objects are then written here
    carried = None  # a weak mark's carrier, drawn at the start of the next glyph's object
    last = len(order) - 1
    for number, index in enumerate(order):
        glyph_code, advance, origin, rise = drawn[index]
        glyph_id, text = placed[index][0], placed[index][1]
        top, bottom = inks[glyph_id]  # in ems, up from the baseline; rise is down, in points
        if rise:
            top, bottom = top - rise / font_size, bottom - rise / font_size
        anchored = bottom > 0.001 or top < -0.001
        if pen is not None and not (carried or anchored or rise):
            move, pen = _move(pen, origin, advance)
            append((f"{again}\n[{move}{HEX[glyph_code]}]TJ", pen))
        else:
            items = [carried, (glyph_code, advance, origin)] if carried else [(glyph_code, advance, origin)]
            if anchored:
                items.append((anchor, 0, origin + advance))
            append((font, font_size, x, "glyph", rise, items))
            carried, pen = None, origin + advance
        if number == last or (len(text) == 1 and _apart(advance, drawn[order[number + 1]][1], anchored)):
            if rise:
                append((font, font_size, x, "", rise, ((stop, stop_width, origin),)))
                pen = origin + stop_width
            else:
                move, pen = _move(pen, origin, stop_width)
                append((f"[{move}{HEX[stop]}]TJ", pen))
        if owned and index in owned:
            objects += owned[index]
            pen = owned[index][-1][5][0][2] + SILENT_WIDTH
        if len(text) > 1:
            following = placed[order[number + 1]][1][0] if number < last else ""
            for k, char in enumerate(text[1:], 1):
                at = origin - k * CARRIER_STEP
                if k == len(text) - 1 and following and _weak(char) and _weak(following):
                    carried = (code(font, BLANK, char, CARRIER_WIDTH), CARRIER_WIDTH, at)
                    continue
                items = [(code(font, glyph_id, char, CARRIER_WIDTH), CARRIER_WIDTH, at)]
                if anchored:
                    items.append((anchor, 0, at + CARRIER_STEP))
                append((font, font_size, x, "invisible", rise, items))
                pen = at + CARRIER_STEP if anchored else at + CARRIER_WIDTH
    return objects + loose


def _apart(advance: float, following: float, anchored: bool) -> bool:
    """Whether a glyph and the next one to its left need a stop between them (widths in thousandths of the size).

    poppler keeps a glyph in the word before it when both are narrow (under
    0.3 of the size together); after an anchor, where the glyph ends,
    pdfminer.six finds the next glyph too far (over twice its width) and
    starts a new line.
    """
    return advance + following < 300 or (anchored and advance > 1.5 * following)


def _move(pen: float, origin: float, advance: float) -> tuple[str, float]:
    """The TJ number that brings the pen to ``origin`` (whole where it is, else to three places), and the pen after the glyph."""
    number = pen - origin
    whole = round(number)
    if -1e-6 < number - whole < 1e-6:
        return (str(whole) if whole else ""), pen - whole + advance
    number = round(number, 3)
    return repr(number), pen - number + advance


@functools.lru_cache(maxsize=256)
def _font_again(font, font_size: float) -> str:
    return f"/{font.hash} {pydyf._to_bytes(font_size).decode()} Tf"


def _owner(order: list, index: int):
    """The glyph with text (of a right-to-left run) a silent glyph is drawn with: the one before it in logical order, else after."""
    before = [i for i in order if i > index]
    if before:
        return min(before)
    return max(order) if order else None


@functools.lru_cache(maxsize=4096)
def _weak(char: str) -> bool:
    return unicodedata.bidirectional(char) in WEAK


def _joined(stream, matrix, first_run) -> list:
    """The first run's text objects, after what joins them to the text box drawn just before on the same line.

    pdfminer.six adds a space only where a glyph lies right of the previous
    one. Where this box lies left of the previous one (right-to-left text, a
    choice's letter and its text), a blank with a space's text spans the gap
    between them; where their glyphs meet but are far apart in the stream, a
    blank without text.
    """
    _, font, font_size, objects, boxes = first_run
    last = stream.__dict__.get(LAST)
    if not last or matrix.values[:4] != (1, 0, 0, -1) or last[1][:4] != (1, 0, 0, -1):
        return objects
    index, values, size, extent, previous = last
    if abs(values[5] - matrix.values[5]) > 0.2 * font_size or any(_transforms(item) for item in stream.stream[index:]):
        return objects  # another line, or another coordinate system
    shift = values[4] - matrix.values[4]  # from the previous box's text space to this one's
    gap = extent[0] + shift - max(b[1] for b in boxes)
    if not -0.01 < gap < 3 * max(font_size, size):
        return objects
    text = " " if gap > 0.1 * min(font_size, size) else ""
    return _bridge(font, font_size, (previous[0] + shift, previous[1] + shift), boxes[0], text) + objects


def _transforms(operator) -> bool:
    """Whether a piece of the content stream changes the coordinate system (``cm``)."""
    if isinstance(operator, bytes):
        return b" cm" in operator
    return isinstance(operator, str) and " cm" in operator


def _bridge(font, font_size: float, before: tuple, after: tuple, text: str) -> list:
    """A blank stretched over the gap between two glyph boxes (x0, x1) that do not meet, for pdfminer.six.

    pdfminer.six starts a new line where two glyphs that follow each other
    in the stream are far apart, as the ends of runs written in logical
    order are. PDFium skips a text object without ink; poppler a glyph
    without text.
    """
    start, end = (after[1], before[0]) if after[1] <= before[0] else (before[1], after[0])
    if end - start < 0.01:
        return []
    stretch = round(100 * (end - start) * 1000 / BRIDGE_WIDTH / font_size, 4)  # Tz, in percent
    return [(font, font_size, start, stretch, 0, [(code(font, BLANK, text, BRIDGE_WIDTH), BRIDGE_WIDTH, 0)])]


def _write(stream, objects: list) -> None:
    """Write the line's text objects in order, each glyph where WeasyPrint draws it.

    A TJ number brings the pen to a glyph the previous glyph's width has not
    brought it to. A text object's glyphs share one rise and one mode: plain
    (``""``), a right-to-left glyph (``"glyph"``), ``"invisible"`` (3 Tr),
    ``"silent"`` (ActualText NUL) or a stretch (Tz, in percent). A
    right-to-left glyph's object and a copy's are preceded by their font
    again: pypdf, which puts each right-to-left character it reads before
    the ones it has read since the last font change, then reads them in
    stream order. The pen is followed in the units of the objects' runs
    (thousandths of the font size, from the run's start), where the numbers
    are whole.
    """
    pen = 0.0  # in text space
    frame_x = frame_unit = None  # the run the pen is followed in: its start and its unit
    units = 0.0
    lines = []
    add = lines.append
    current = size = None
    for piece in objects:
        if len(piece) == 2:  # written already by ``_right_to_left``, where the pen was: (text, where it leaves the pen)
            add(piece[0])
            units = piece[1]
            continue
        font, font_size, x, mode, rise, items = piece
        if current is not font or size != font_size:
            if lines:
                stream.stream.append("\n".join(lines).encode())
                lines.clear()
            stream.set_font_size(font.hash, font_size)
            current, size = font, font_size
            again = _font_again(font, font_size)
        unit = font_size * 0.00001 * mode if mode.__class__ is float else font_size * 0.001
        if x != frame_x or unit != frame_unit:
            if frame_x is not None:
                pen = frame_x + units * frame_unit
            units = (pen - x) / unit
            whole = round(units)
            if -1e-6 < units - whole < 1e-6:
                units = whole
            frame_x, frame_unit = x, unit
        tj = "["
        for glyph_code, advance, origin in items:
            number = units - origin
            if -1e-6 < number < 1e-6:
                tj += HEX[glyph_code]
            else:
                whole = round(number)
                number = whole if -1e-6 < number - whole < 1e-6 else round(number, 3)
                tj += f"{number}{HEX[glyph_code]}"
                units -= number
            units += advance
        if rise:
            add(f"{-rise!r} Ts")
        if not mode:
            add(tj + "]TJ")
        elif mode == "glyph":
            add(f"{again}\n{tj}]TJ")
        elif mode == "silent":
            add("/Span <</ActualText (\\000)>> BDC\n" + tj + "]TJ\nEMC")
        elif mode == "invisible":
            add(f"{again}\n3 Tr\n{tj}]TJ\n0 Tr")
        else:
            add(f"{mode} Tz\n{tj}]TJ\n100 Tz")
        if rise:
            add("0 Ts")
    if lines:
        stream.stream.append("\n".join(lines).encode())


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


def _marks_on_letters(placed: list, rtl: bool) -> list:
    """Give each mark's character to the letter it sits on (the glyph before it in logical order, on the baseline).

    A mark's glyph overlaps its letter's, and a raised one sits on a
    baseline of its own, where extractors end the word. The letter takes
    both characters, in logical order (a right-to-left letter keeps the
    first and hands the mark to a carrier, ``_right_to_left``); the mark's
    glyph then stands for nothing.
    """
    order = range(len(placed) - 1, -1, -1) if rtl else range(len(placed))
    base = None
    for index in order:
        glyph_id, text, origin, rise = placed[index]
        if text and base is not None and _marks_only(text):
            letter = placed[base]
            placed[base] = (letter[0], letter[1] + text, letter[2], letter[3])
            placed[index] = (glyph_id, "", origin, rise)
        elif text and not rise:
            base = index
    return placed


@functools.lru_cache(maxsize=4096)
def _marks_only(text: str) -> bool:
    return all(unicodedata.category(c) == "Mn" for c in text)
