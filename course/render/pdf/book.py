"""The course book, put together from parts: front, one part per module, glossary.

Each part (``course.render.pdf.parts``) is read, renumbered and written out
before the next is read, so memory holds one part at a time, whatever the
length of the course. The book stays a tagged PDF: one structure tree whose
document element holds each part's element (retagged ``/Part``), one parent
tree with each part's keys shifted past the previous part's, the course
language and ``/MarkInfo``. The outline is the parts' outlines one after
another; named destinations are merged (the first part naming one keeps it;
links inside a part already point at explicit places). A stream that is
byte for byte one already written, such as a font every part embeds whole,
is written once.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from pypdf.generic import TextStringObject

from .parts import NEXT, PREVIOUS, Part, load_part
from .writer import PdfFile
from .xmp import viewer_preferences, xmp_packet

TOKENS = re.compile(rb"\x01(\d+)\x02|\x03(\d+)\x04")


def assemble_book(parts: list[Path], target: Path, language: str, title: str, producer: str = "", file_id: bytes = b"") -> int:
    """Write the book from ``parts`` in order; return its number of pages.

    ``file_id`` (the PDF's /ID) should name the content, so the same parts make the same bytes.
    """
    book = _Book(PdfFile(target))
    try:
        for path in parts:
            book.add(load_part(path))
        book.finish(language, title, producer, file_id or _file_id(parts))
    except BaseException:
        book.pdf.abort()
        raise
    return len(book.pages)


def _file_id(parts: list[Path]) -> bytes:
    digest = hashlib.md5(usedforsecurity=False)
    for path in parts:
        digest.update(Path(path).read_bytes())
    return digest.digest()


def _text(value: str) -> bytes:
    return b"<" + TextStringObject(value).get_original_bytes().hex().encode() + b">"


class _Book:
    def __init__(self, pdf: PdfFile):
        self.pdf = pdf
        self.catalog, self.pages_root, self.structure_root, self.document, self.parent_tree, self.outline_root, self.info = (
            pdf.allocate() for _ in range(7)
        )
        self.pages: list[int] = []
        self.elements: list[int] = []
        self.parent_entries: list[bytes] = []
        self.next_key = 0
        self.dests: dict[bytes, bytes] = {}
        self.shared: dict[tuple, int] = {}
        self.namespaces: list[int] = []
        self.outline_first = self.outline_last = None
        self.outline_count = 0
        self.pending_last: tuple[int, bytes] | None = None  # the previous part's last top-level bookmark, waiting for its /Next

    def add(self, part: Part) -> None:
        base = self.pdf.allocate(part.largest_id) - 1
        fixed = {n: self.pages_root for n in part.pages_nodes}
        fixed[part.structure_root] = self.document
        fixed[part.outline_root] = self.outline_root
        shift = self.next_key
        for number, offset, length, _, _, digest in part.objects:
            shared = self._shared_key(part, number, offset, length, digest)
            if shared in self.shared:
                fixed[number] = self.shared[shared]
            elif shared is not None:
                self.shared[shared] = base + number

        def renumber(match: re.Match) -> bytes:
            if match.group(1) is not None:
                number = int(match.group(1))
                return b"%d 0 R" % fixed.get(number, base + number)
            return b"%d" % (int(match.group(2)) + shift)

        def relocated(offset: int, length: int) -> bytes:
            return TOKENS.sub(renumber, part.bytes_at(offset, length))

        self._write_objects(part, base, fixed, relocated)
        self.pages += [base + n for n in part.pages]
        self.elements += [base + n for n in part.document]
        self.parent_entries += [b"%d %s" % (key + shift, relocated(offset, length)) for key, offset, length in part.parent_tree]
        self.next_key += part.parent_tree_size
        self.namespaces += [fixed.get(n, base + n) for n in part.namespaces if fixed.get(n, base + n) not in self.namespaces]
        for name, offset, length in part.dests:
            self.dests.setdefault(bytes.fromhex(name), relocated(offset, length))

    def _shared_key(self, part: Part, number: int, offset: int, length: int, digest: str | None) -> tuple | None:
        """Objects written once for the whole book: streams without references (fonts) and namespaces."""
        body = part.bytes_at(offset, length)
        if b"\x01" in body or (digest is None and number not in part.namespaces):
            return None
        return digest, body

    def _write_objects(self, part: Part, base: int, fixed: dict, relocated) -> None:
        outline = part.outline or {}
        for number, offset, length, stream_offset, stream_length, digest in part.objects:
            if number in fixed:
                continue
            body = relocated(offset, length)
            if digest is not None:
                self.pdf.write_stream(base + number, body, part.bytes_at(stream_offset, stream_length))
                continue
            if number == outline.get("first"):
                body = self._link_previous(base + number, body)
            if number == outline.get("last"):
                self.pending_last = (base + number, body)
                continue
            self.pdf.write_object(base + number, body)
        if outline:
            self.outline_count += outline["count"]
            self.outline_last = base + outline["last"]

    def _link_previous(self, number: int, body: bytes) -> bytes:
        """The first bookmark of a part follows the last bookmark of the part before."""
        if self.outline_first is None:
            self.outline_first = number
        previous = b""
        if self.pending_last is not None:
            last, last_body = self.pending_last
            self.pdf.write_object(last, last_body.replace(NEXT, b"/Next %d 0 R " % number))
            self.pending_last = None
            previous = b"/Prev %d 0 R " % last
        return body.replace(PREVIOUS, previous)

    def finish(self, language: str, title: str, producer: str, file_id: bytes) -> None:
        pdf = self.pdf
        if self.pending_last is not None:
            last, body = self.pending_last
            pdf.write_object(last, body.replace(NEXT, b""))
        pdf.write_object(self.pages_root, b"<< /Type /Pages /Kids [%s] /Count %d >>" % (_refs(self.pages), len(self.pages)))
        namespace = b" /NS %d 0 R" % self.namespaces[0] if self.namespaces else b""
        pdf.write_object(
            self.document,
            b"<< /Type /StructElem /S /Document /P %d 0 R /K [%s]%s >>" % (self.structure_root, _refs(self.elements), namespace),
        )
        namespaces = b" /Namespaces [%s]" % _refs(self.namespaces) if self.namespaces else b""
        pdf.write_object(
            self.structure_root,
            b"<< /Type /StructTreeRoot /K [%d 0 R] /ParentTree %d 0 R /ParentTreeNextKey %d%s >>"
            % (self.document, self.parent_tree, self.next_key, namespaces),
        )
        pdf.write_object(self.parent_tree, b"<< /Nums [%s] >>" % b" ".join(self.parent_entries))
        catalog = b"<< /Type /Catalog /Pages %d 0 R /StructTreeRoot %d 0 R /MarkInfo << /Marked true >> /Lang %s" % (
            self.pages_root,
            self.structure_root,
            _text(language),
        )
        preferences = b" ".join(b"/%s %s" % (key.encode(), value.encode()) for key, value in viewer_preferences(language).items())
        catalog += b" /ViewerPreferences << %s >>" % preferences
        metadata = pdf.allocate()
        packet = xmp_packet(title, language, producer)
        pdf.write_stream(metadata, b"<< /Type /Metadata /Subtype /XML /Length %d >>" % len(packet), packet)
        catalog += b" /Metadata %d 0 R" % metadata
        if self.outline_first is not None:
            pdf.write_object(
                self.outline_root,
                b"<< /Type /Outlines /First %d 0 R /Last %d 0 R /Count %d >>" % (self.outline_first, self.outline_last, self.outline_count),
            )
            catalog += b" /Outlines %d 0 R" % self.outline_root
        if self.dests:
            names = b" ".join(b"<%s> %s" % (name.hex().encode(), dest) for name, dest in sorted(self.dests.items()))
            catalog += b" /Names << /Dests << /Names [%s] >> >>" % names
        pdf.write_object(self.catalog, catalog + b" >>")
        pdf.write_object(self.info, b"<< /Title %s /Producer %s >>" % (_text(title), _text(producer)))
        pdf.close(self.catalog, self.info, file_id)


def _refs(numbers) -> bytes:
    return b" ".join(b"%d 0 R" % n for n in numbers)
