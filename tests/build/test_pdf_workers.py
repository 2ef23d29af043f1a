"""PDFs on every core, and the course book put together from the parts the module renders left.

The book is checked the way a reader or an assistive technology uses it:
one structure tree with the course language, a parent tree that finds each
page's and each link's structure, bookmarks and links that land on the
right pages, and a file qpdf finds no fault in.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from course.build.pipeline import BuildOptions, build_course
from course.cli import main
from course.render.pdf.book import assemble_book
from tests.pdftext import flat, page_texts

INTERNAL_LINK = "See [the checklist](#the-checklist) before any inspection."


def manifest(out: Path) -> list:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))["outputs"]


@pytest.fixture(scope="module")
def linked_build(tmp_path_factory) -> Path:
    """The English fixture with a link to a heading of the same module, built on two processes."""
    root = tmp_path_factory.mktemp("linked") / "course"
    shutil.copytree(Path(__file__).parents[1] / "fixtures" / "english-course", root)
    module = root / "modules" / "risk-profiling.md"
    added = f"\n\n{INTERNAL_LINK}\n\n## The checklist\n\nCheck the seals.\n"
    module.write_text(module.read_text(encoding="utf-8") + added, encoding="utf-8")
    build_course(root, BuildOptions(out=root.parent / "dist", jobs=2))
    return root.parent / "dist"


def test_two_processes_write_the_same_files_as_one(english_copy: Path, tmp_path: Path):
    build_course(english_copy, BuildOptions(out=tmp_path / "parallel", jobs=2))
    build_course(english_copy, BuildOptions(out=tmp_path / "single", jobs=1))
    assert manifest(tmp_path / "parallel") == manifest(tmp_path / "single")


def test_the_book_has_one_structure_tree_in_the_course_language(linked_build: Path):
    book = PdfReader(linked_build / "pdf" / "course-book.pdf")
    root = book.trailer["/Root"]
    assert root["/Lang"] == "en" and root["/MarkInfo"]["/Marked"]
    tree = root["/StructTreeRoot"]
    document = tree["/K"][0].get_object()
    assert document["/S"] == "/Document"
    parts = [kid.get_object() for kid in document["/K"]]
    assert [part["/S"] for part in parts] == ["/Part"] * 4, "front, two modules, glossary"
    assert all(part.raw_get("/P").idnum == document.indirect_reference.idnum for part in parts)
    nums = tree["/ParentTree"]["/Nums"]
    parents = dict(zip(nums[::2], nums[1::2], strict=True))
    assert tree["/ParentTreeNextKey"] > max(parents)
    keys = [page["/StructParents"] for page in book.pages]
    assert len(set(keys)) == len(keys), "each page has its own parent tree entry"
    for number, page in enumerate(book.pages):
        elements = parents[page["/StructParents"]].get_object()
        on_page = [e.get_object() for e in elements if isinstance(e.get_object(), DictionaryObject) and "/Pg" in e.get_object()]
        assert on_page, f"page {number + 1} has no tagged content"
        pages = {e.raw_get("/Pg").idnum for e in on_page}
        assert pages == {page.indirect_reference.idnum}, f"page {number + 1} points at another page's tags"
        for reference in page.get("/Annots", []):
            annotation = reference.get_object()
            if "/StructParent" in annotation:
                element = parents[annotation["/StructParent"]].get_object()
                kids = element["/K"] if isinstance(element["/K"], list) else [element["/K"]]
                records = [k.get_object() for k in kids if isinstance(k.get_object(), DictionaryObject)]
                objects = [record.raw_get("/Obj").idnum for record in records if "/Obj" in record]
                assert reference.idnum in objects


def test_every_bookmark_and_link_in_the_book_lands_on_its_page(linked_build: Path):
    path = linked_build / "pdf" / "course-book.pdf"
    book = PdfReader(path)
    texts = [flat(t) for t in page_texts(path)]
    top = [item["/Title"] for item in book.outline if not isinstance(item, list)]
    assert top == ["Contents", "Customs basics", "Risk profiling", "Glossary"]
    assert book.get_destination_page_number(book.named_destinations["module-risk-profiling"]) == texts.index(
        next(t for t in texts if t.startswith("Risk profiling") or " Risk profiling Objectives" in t)
    )
    checklist = next(i for i, t in enumerate(texts) if "The checklist Check the seals" in t)
    found = False
    for page in book.pages:
        for annotation in page.get("/Annots", []):
            action = annotation.get_object().get("/A", {})
            target = annotation.get_object().get("/Dest") or action.get("/D")
            if isinstance(target, ArrayObject):
                found = True
                assert book.get_page_number(target[0].get_object()) == checklist
    assert found, "the link to a heading of the same module was not kept"


def test_qpdf_finds_no_fault_in_the_book(linked_build: Path):
    assert shutil.which("qpdf"), "qpdf is not installed: run scripts/install.sh --test (the README's set-up does)"
    result = subprocess.run(["qpdf", "--check", str(linked_build / "pdf" / "course-book.pdf")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_book_is_put_together_one_part_at_a_time(linked_build: Path, tmp_path: Path):
    parts = sorted((linked_build.parent / ".dist-cache" / "parts").glob("*.part"), key=lambda p: p.stat().st_size)
    largest = parts[-1]

    def peak(copies: int) -> int:
        tracemalloc.start()
        assemble_book([largest] * copies, tmp_path / f"book-{copies}.pdf", "en", "Memory")
        _, highest = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return highest

    few, many = peak(4), peak(60)
    assert many < few * 1.5 + 1_000_000, f"assembling 60 parts took {many} bytes at most, 4 parts {few}"
    assert len(PdfReader(tmp_path / "book-60.pdf").pages) == 60 * len(PdfReader(tmp_path / "book-4.pdf").pages) // 4


def test_jobs_must_be_at_least_one(english_copy: Path, capsys):
    with pytest.raises(SystemExit):
        main(["--course", str(english_copy), "--jobs", "0"])
    assert "--jobs" in capsys.readouterr().err


def test_the_build_process_lays_nothing_out_itself(english_copy: Path, tmp_path: Path):
    """With workers, WeasyPrint is never imported by the build process: its memory holds no layout."""
    script = (
        "import sys; from pathlib import Path; from course.build.pipeline import BuildOptions, build_course;"
        f"build_course(Path({str(english_copy)!r}), BuildOptions(out=Path({str(tmp_path / 'out')!r}), jobs=2, lms=False));"
        "print('weasyprint' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=Path(__file__).parents[2])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
