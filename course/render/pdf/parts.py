"""A PDF made relocatable, so the course book is put together by copying bytes.

A module's handout is laid out and written once; ``save_part`` turns that
PDF, less its cover, into a *part*: every object the remaining pages lead
to, serialized once, with each reference written as a token
(``\\x01<n>\\x02``) and each structure-parent number as another
(``\\x03<n>\\x04``), strings in hex and streams kept apart. Beside them the
part keeps what a book needs to join parts together: the pages, the
document's structure element, the entries of its structure parent tree, the
top level of its outline and its named destinations. ``course.render.pdf.book``
renumbers the tokens with a regular expression and streams the objects into
the book; nothing is parsed again.

The file: ``COURSE-PART 1\\n``, the length of a JSON header (8 bytes), the
header, then the bytes it points into.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    ByteStringObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)

MAGIC = b"COURSE-PART 1\n"
PREVIOUS, NEXT = b"\x05P", b"\x05N"  # where a top-level outline item gets its /Prev and /Next in the book
INHERITED = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")
REFERENCE = re.compile(rb"\x01(\d+)\x02")
SKIPPED_TYPES = ("/ObjStm", "/XRef", "/Catalog", "/Pages", "/StructTreeRoot", "/Outlines")


@dataclass
class Part:
    """What the book needs from a part; ``blob`` holds the serialized bytes."""

    pages: list[int] = field(default_factory=list)
    document: list[int] = field(default_factory=list)  # the structure tree's top elements
    structure_root: int = 0
    pages_nodes: list[int] = field(default_factory=list)
    outline_root: int = 0
    outline: dict | None = None  # {"first", "last", "count"}
    objects: list[list] = field(default_factory=list)  # [id, body offset, length, stream offset, length, stream digest]
    parent_tree: list[list] = field(default_factory=list)  # [key, offset, length]
    parent_tree_size: int = 0
    dests: list[list] = field(default_factory=list)  # [name as hex, offset, length]
    namespaces: list[int] = field(default_factory=list)
    largest_id: int = 0
    blob: bytearray = field(default_factory=bytearray, repr=False)

    def add(self, data: bytes) -> tuple[int, int]:
        start = len(self.blob)
        self.blob += data
        return start, len(data)

    def bytes_at(self, offset: int, length: int) -> bytes:
        return bytes(self.blob[offset : offset + length])


def save_part(pdf: bytes, target: Path, skip_pages: int = 0) -> str:
    """Write ``pdf`` (one WeasyPrint document) to ``target`` as a part; return the file's SHA-256.

    The first ``skip_pages`` pages (a handout's cover) are left out, with
    their structure elements and everything only they use.
    """
    import io

    part = _Converter(PdfReader(io.BytesIO(pdf)), skip_pages).convert()
    header = {k: v for k, v in part.__dict__.items() if k != "blob"}
    head = json.dumps(header, separators=(",", ":")).encode()
    data = MAGIC + len(head).to_bytes(8, "big") + head + bytes(part.blob)
    temporary = target.with_name(f".{target.name}.{os.getpid()}")
    temporary.write_bytes(data)
    os.replace(temporary, target)
    return hashlib.sha256(data).hexdigest()


def load_part(path: Path) -> Part:
    data = Path(path).read_bytes()
    if not data.startswith(MAGIC):
        raise ValueError(f"{path}: not a course book part")
    length = int.from_bytes(data[len(MAGIC) : len(MAGIC) + 8], "big")
    start = len(MAGIC) + 8
    header = json.loads(data[start : start + length])
    return Part(**header, blob=bytearray(data[start + length :]))


class _Converter:
    def __init__(self, reader: PdfReader, skip_pages: int = 0):
        self.reader = reader
        self.part = Part()
        self.catalog = reader.trailer["/Root"].get_object()
        self.dests: dict[str, ArrayObject] = {}
        self.skip = {_number(_raw(reader.trailer, "/Root")), _number(_raw(reader.trailer, "/Info"))}
        pages = list(reader.pages)
        self.dropped = {page.indirect_reference.idnum for page in pages[:skip_pages]}
        self.dropped_keys = {page.get("/StructParents") for page in pages[:skip_pages]}
        self.dropped_keys |= {a.get_object().get("/StructParent") for page in pages[:skip_pages] for a in page.get("/Annots", [])}
        self.part.pages = [page.indirect_reference.idnum for page in pages[skip_pages:]]
        self.roots: list[bytes] = []  # what the book refers to besides pages and structure: parent tree entries, destinations

    def convert(self) -> Part:
        part, catalog = self.part, self.catalog
        self._read_dests(_raw(catalog, "/Names"))
        tree = _raw(catalog, "/StructTreeRoot")
        if tree is not None:
            part.structure_root = tree.idnum
            tree = tree.get_object()
            kids = _raw(tree, "/K")
            kids = kids.get_object() if isinstance(kids, IndirectObject) else kids
            part.document = [k.idnum for k in (kids if isinstance(kids, list) else [kids])]
            part.namespaces = [ns.idnum for ns in _raw(tree, "/Namespaces") or []]
            self._read_parent_tree(_raw(tree, "/ParentTree"))
            part.parent_tree_size = int(tree.get("/ParentTreeNextKey", 1 + max([e[0] for e in part.parent_tree] or [-1])))
        self._read_outline(_raw(catalog, "/Outlines"))
        numbers = set(self.reader.xref.get(0, {})) | set(self.reader.xref_objStm)
        serialized = {}
        for number in sorted(numbers - self.skip):
            obj = self.reader.get_object(number)
            kind = obj.get("/Type") if isinstance(obj, DictionaryObject) else None
            if kind == "/Pages":
                part.pages_nodes.append(number)
            elif obj is not None and kind not in SKIPPED_TYPES:
                serialized[number] = self._object(number, obj)
        for number in sorted(self._reachable(serialized)):
            body, data = serialized[number]
            stream = self.part.add(data) if data is not None else (0, 0)
            digest = hashlib.sha256(data).hexdigest() if data is not None else None
            part.objects.append([number, *self.part.add(body), *stream, digest])
        part.largest_id = max(numbers)
        return part

    def _reachable(self, serialized: dict[int, tuple[bytes, bytes | None]]) -> set[int]:
        """The objects the kept pages, structure, outline and destinations lead to (a left-out cover's are not)."""
        outline = [self.part.outline["first"]] if self.part.outline else []
        pending = [*self.part.pages, *self.part.document, *outline, *self.part.namespaces]
        pending += [int(n) for root in self.roots for n in REFERENCE.findall(root)]
        seen: set[int] = set()
        while pending:
            number = pending.pop()
            if number in seen or number not in serialized:
                continue
            if number in self.dropped:
                raise ValueError("a left-out page is still referred to (a bookmark or link to the cover?)")
            seen.add(number)
            pending += [int(n) for n in REFERENCE.findall(serialized[number][0])]
        return seen

    def _nodes(self, ref, kids: str = "/Kids"):
        """The nodes of a name or number tree (any of them may be indirect: those are left out of the copy)."""
        pending = [ref] if ref is not None else []
        while pending:
            ref = pending.pop()
            self.skip.add(_number(ref))
            node = ref.get_object()
            pending += list(node.get(kids, []))
            yield node

    def _read_dests(self, names) -> None:
        if names is None:
            return
        self.skip.add(_number(names))
        for node in self._nodes(names.get_object().raw_get("/Dests")):
            flat = node.get("/Names", [])
            for name, dest in zip(flat[::2], flat[1::2], strict=True):
                dest = dest.get_object()
                dest = dest["/D"] if isinstance(dest, DictionaryObject) else dest
                if _number(dest[0]) in self.dropped:
                    continue
                self.dests[str(name)] = dest
                raw = name.get_original_bytes() if isinstance(name, TextStringObject) else bytes(name)
                self.roots.append(_serialized(dest))
                self.part.dests.append([raw.hex(), *self.part.add(self.roots[-1])])

    def _read_parent_tree(self, tree) -> None:
        for node in self._nodes(tree):
            flat = node.get("/Nums", [])
            for key, value in zip(flat[::2], flat[1::2], strict=True):
                if key not in self.dropped_keys:
                    self.roots.append(_serialized(value))
                    self.part.parent_tree.append([int(key), *self.part.add(self.roots[-1])])

    def _read_outline(self, root) -> None:
        if root is None or "/First" not in root.get_object():
            return
        self.skip.add(_number(root))
        self.part.outline_root = root.idnum
        root = root.get_object()
        self.part.outline = {"first": _raw(root, "/First").idnum, "last": _raw(root, "/Last").idnum, "count": int(root.get("/Count", 0))}

    def _object(self, number: int, obj) -> tuple[bytes, bytes | None]:
        """The object serialized with tokens, and a stream's data (as WeasyPrint encoded it)."""
        outline = self.part.outline or {}
        if isinstance(obj, DictionaryObject):
            obj = self._adjusted(number, obj)
        if isinstance(obj, StreamObject):
            dictionary = DictionaryObject({k: v for k, v in obj.items() if k != "/Length"})
            dictionary[NameObject("/Length")] = NumberObject(len(obj._data))
            return _serialized(dictionary), obj._data
        body = _serialized(obj)
        extra = (PREVIOUS if number == outline.get("first") else b"") + (NEXT if number == outline.get("last") else b"")
        return (body[:-2] + extra + b">>" if extra else body), None

    def _adjusted(self, number: int, obj: DictionaryObject) -> DictionaryObject:
        """A page gets what it inherits; a link's named destination becomes explicit; the document becomes a part."""
        if obj.get("/Type") == "/Page":
            obj = DictionaryObject(obj)
            parent = obj.get("/Parent")
            while parent is not None:
                parent = parent.get_object()
                for key in INHERITED:
                    if key in parent and key not in obj:
                        obj[NameObject(key)] = parent[key]
                parent = parent.get("/Parent")
        if obj.get("/Subtype") == "/Link":
            obj = DictionaryObject(obj)
            if isinstance(obj.get("/Dest"), (TextStringObject, ByteStringObject)) and str(obj["/Dest"]) in self.dests:
                obj[NameObject("/Dest")] = self.dests[str(obj["/Dest"])]
            action = obj.get("/A")
            if action is not None and isinstance(action.get_object().get("/D"), (TextStringObject, ByteStringObject)):
                action = DictionaryObject(action.get_object())
                if str(action["/D"]) in self.dests:
                    action[NameObject("/D")] = self.dests[str(action["/D"])]
                obj[NameObject("/A")] = action
        if number in self.part.document and obj.get("/S") == "/Document":
            obj = DictionaryObject(obj)
            obj[NameObject("/S")] = NameObject("/Part")
            kids = _raw(obj, "/K")
            obj[NameObject("/K")] = ArrayObject(k for k in (kids if isinstance(kids, list) else [kids]) if not self._on_left_out_page(k))
        return obj

    def _on_left_out_page(self, kid) -> bool:
        kid = kid.get_object()
        return isinstance(kid, DictionaryObject) and _number(_raw(kid, "/Pg")) in self.dropped


def _raw(dictionary, key: str):
    """A value as written: an indirect reference stays one."""
    return dict.get(dictionary, key)


def _number(ref) -> int | None:
    return ref.idnum if isinstance(ref, IndirectObject) else None


def _serialized(obj) -> bytes:
    out = bytearray()
    _write(obj, out)
    return bytes(out)


def _write(obj, out: bytearray) -> None:
    if isinstance(obj, IndirectObject):
        out += b"\x01%d\x02" % obj.idnum
    elif isinstance(obj, DictionaryObject):
        out += b"<<"
        for key, value in obj.items():
            out += NameObject(key).renumber() + b" "
            if key in ("/StructParents", "/StructParent") and isinstance(value, int):
                out += b"\x03%d\x04" % value
            else:
                _write(value, out)
            out += b" "
        out += b">>"
    elif isinstance(obj, ArrayObject):
        out += b"["
        for item in obj:
            _write(item, out)
            out += b" "
        out += b"]"
    elif isinstance(obj, NameObject):
        out += obj.renumber()
    elif isinstance(obj, BooleanObject):
        out += b"true" if obj else b"false"
    elif isinstance(obj, NullObject) or obj is None:
        out += b"null"
    elif isinstance(obj, FloatObject):
        out += obj.myrepr().encode()
    elif isinstance(obj, NumberObject | int):
        out += b"%d" % obj
    elif isinstance(obj, TextStringObject):
        out += b"<" + obj.get_original_bytes().hex().encode() + b">"
    elif isinstance(obj, ByteStringObject):
        out += b"<" + bytes(obj).hex().encode() + b">"
    else:
        raise TypeError(f"cannot copy a {type(obj).__name__} into the course book")
