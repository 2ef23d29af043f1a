"""PDF/UA structure the engine adds to WeasyPrint's (course.render.pdf.structure): table header scopes."""

from __future__ import annotations

from pathlib import Path

import pikepdf

TABLE = """<html lang="en"><body><table>
<thead><tr><th>Field</th><th>Meaning</th></tr></thead>
<tbody><tr><th>PNR</th><td>Passenger name record</td></tr><tr><th>API</th><td>Advance passenger information</td></tr></tbody>
</table></body></html>"""


def _scopes(path: Path) -> list[tuple[str, str]]:
    """(owner, scope) of every TH, in tree order."""
    found = []
    with pikepdf.open(path) as pdf:
        pending = [pdf.Root.StructTreeRoot]
        while pending:
            node = pending.pop(0)
            if isinstance(node, pikepdf.Array):
                pending[:0] = list(node)
                continue
            if not isinstance(node, pikepdf.Dictionary):
                continue
            if str(node.get("/S", "")) == "/TH":
                attributes = node.get("/A")
                found.append((str(attributes.get("/O")), str(attributes.get("/Scope"))) if attributes is not None else ("", ""))
            kids = node.get("/K")
            if kids is not None:
                pending[:0] = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    return found


def test_header_cells_say_whether_they_head_a_column_or_a_row(tmp_path: Path):
    from course.render.pdf.weasy import HTML

    target = tmp_path / "table.pdf"
    HTML(string=TABLE).write_pdf(target, pdf_tags=True)  # as every PDF of the build is written
    assert _scopes(target) == [("/Table", "/Column"), ("/Table", "/Column"), ("/Table", "/Row"), ("/Table", "/Row")]


def test_a_table_without_header_cells_gets_no_scopes(tmp_path: Path):
    from course.render.pdf.weasy import HTML

    target = tmp_path / "plain.pdf"
    HTML(string="<html lang='en'><body><table><tr><td>a</td><td>b</td></tr></table></body></html>").write_pdf(target, pdf_tags=True)
    assert _scopes(target) == []
