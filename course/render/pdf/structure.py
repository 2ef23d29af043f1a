"""PDF/UA structure WeasyPrint leaves out: what each table header cell heads.

PDF/UA-1 (ISO 14289-1, 7.5) asks every table header cell (``TH``) to say
whether it heads a column or a row: its attribute dictionary ``/A << /O
/Table /Scope /Column >>`` (PDF 32000-1, 14.8.5.7). WeasyPrint tags the
cells but writes no scope, so ``scope_table_headers`` adds it to the
structure tree it built: a header cell in the table's head (``THead``, as
Markdown writes every table's first row) heads its column, one in the body
heads its row, as HTML's own rule for ``th`` without ``scope`` has it.
"""

from __future__ import annotations

import pydyf


def scope_table_headers(pdf: pydyf.PDF) -> int:
    """Give every ``TH`` of the structure tree its ``/Scope``; the number of cells scoped."""
    objects = pdf.objects
    scoped = 0
    for element in objects:
        if not isinstance(element, pydyf.Dictionary) or element.get("S") != "/TH":
            continue
        attributes = element.get("A")
        if not isinstance(attributes, pydyf.Dictionary):  # WeasyPrint writes << /O /Table >> (and an /ID) for each cell
            attributes = element["A"] = pydyf.Dictionary({"O": "/Table"})
        if "Scope" in attributes:
            continue
        row = _parent(objects, element)
        section = _parent(objects, row) if row is not None else None
        attributes["Scope"] = "/Column" if section is not None and section.get("S") == "/THead" else "/Row"
        scoped += 1
    return scoped


def _parent(objects: list, element: pydyf.Dictionary) -> pydyf.Dictionary | None:
    reference = element.get("P")
    if not isinstance(reference, (bytes, str)):
        return None
    number = int(reference.split()[0]) if reference else -1
    parent = objects[number] if 0 <= number < len(objects) else None
    return parent if isinstance(parent, pydyf.Dictionary) else None
