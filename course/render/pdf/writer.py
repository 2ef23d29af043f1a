"""A PDF written object by object, never held whole in memory.

Streams go straight to the file; every other object is packed into
compressed object streams (as WeasyPrint does), and a compressed
cross-reference stream closes the file. Callers hand over objects already
serialized as PDF syntax, so this class knows nothing about what they mean.
"""

from __future__ import annotations

import zlib
from array import array
from pathlib import Path

OBJECTS_PER_STREAM = 100
FIELD_WIDTHS = (1, 4, 2)  # xref entry: type, offset or object stream, generation or index


class PdfFile:
    def __init__(self, path: Path, version: str = "1.7"):
        self.file = open(path, "wb")  # noqa: SIM115 - closed by close()
        self.file.write(f"%PDF-{version}\n%\xe2\xe3\xcf\xd3\n".encode("latin-1"))
        self.count = 1  # object 0 is the head of the free list
        self.kinds, self.fields, self.indexes = array("B", [0]), array("Q", [0]), array("H", [65535])
        self.batch: list[tuple[int, bytes]] = []

    def allocate(self, count: int = 1) -> int:
        """Reserve ``count`` consecutive object numbers; return the first."""
        first = self.count
        self.count += count
        for table in (self.kinds, self.fields, self.indexes):
            table.extend([0] * count)
        return first

    def write_object(self, number: int, body: bytes) -> None:
        self.batch.append((number, body))
        if len(self.batch) >= OBJECTS_PER_STREAM:
            self._flush()

    def write_stream(self, number: int, dictionary: bytes, data: bytes) -> None:
        """A stream object; ``dictionary`` is its ``<<...>>`` with /Length already right."""
        self._entry(number, 1, self.file.tell(), 0)
        self.file.write(b"%d 0 obj\n%s\nstream\n" % (number, dictionary))
        self.file.write(data)
        self.file.write(b"\nendstream\nendobj\n")

    def close(self, root: int, info: int, file_id: bytes) -> None:
        self._flush()
        xref = self.allocate()
        self._entry(xref, 1, self.file.tell(), 0)
        rows = bytearray()
        for kind, field, index in zip(self.kinds, self.fields, self.indexes, strict=True):
            rows += kind.to_bytes(1, "big") + field.to_bytes(4, "big") + index.to_bytes(2, "big")
        data = zlib.compress(bytes(rows))
        ident = b"<%s>" % file_id.hex().encode()
        dictionary = b"<< /Type /XRef /Size %d /W [1 4 2] /Root %d 0 R /Info %d 0 R /ID [%s %s] /Filter /FlateDecode /Length %d >>" % (
            self.count,
            root,
            info,
            ident,
            ident,
            len(data),
        )
        offset = self.file.tell()
        self.file.write(b"%d 0 obj\n%s\nstream\n%s\nendstream\nendobj\n" % (xref, dictionary, data))
        self.file.write(b"startxref\n%d\n%%%%EOF\n" % offset)
        self.file.close()

    def abort(self) -> None:
        self.file.close()

    def _entry(self, number: int, kind: int, field: int, index: int) -> None:
        self.kinds[number], self.fields[number], self.indexes[number] = kind, field, index

    def _flush(self) -> None:
        if not self.batch:
            return
        stream = self.allocate()
        offsets, bodies, position = [], [], 0
        for index, (number, body) in enumerate(self.batch):
            self._entry(number, 2, stream, index)
            offsets.append(b"%d %d" % (number, position))
            bodies.append(body)
            position += len(body) + 1
        head = b" ".join(offsets) + b"\n"
        data = zlib.compress(head + b"\n".join(bodies) + b"\n")
        dictionary = b"<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>" % (len(self.batch), len(head), len(data))
        self.batch = []
        self.write_stream(stream, dictionary, data)
