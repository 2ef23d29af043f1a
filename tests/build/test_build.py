"""The build command end to end on the English fixture: outputs, manifest, options."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

from pypdf import PdfReader

from course.cli import main
from course.model import text_direction

REQUIRED_KINDS = {"site-index", "module-html", "module-pdf", "course-pdf"}


def test_manifest_lists_every_file_written_with_its_hash(english_build: Path):
    manifest = json.loads((english_build / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["course"] == {"title": "Port Health and Customs Basics", "language": "en"}
    listed = {entry["path"] for entry in manifest["outputs"]}
    on_disk = {p.relative_to(english_build).as_posix() for p in english_build.rglob("*") if p.is_file()} - {"manifest.json"}
    assert listed == on_disk
    for entry in manifest["outputs"]:
        assert hashlib.sha256((english_build / entry["path"]).read_bytes()).hexdigest() == entry["sha256"]
        assert set(entry) == {"path", "kind", "module", "quiz", "sha256"}
    kinds = {entry["kind"] for entry in manifest["outputs"]}
    assert REQUIRED_KINDS <= kinds
    modules = {e["module"] for e in manifest["outputs"] if e["kind"] in ("module-html", "module-pdf")}
    assert modules == {"customs-basics", "risk-profiling"}


def test_default_output_is_dist_inside_the_course(english_copy: Path, capsys):
    assert main(["--course", str(english_copy), "--no-pdf", "--quiet"]) == 0
    assert (english_copy / "dist" / "index.html").is_file()
    assert "built" in capsys.readouterr().err


def test_rebuild_replaces_the_output_whole(english_copy: Path, tmp_path: Path):
    out = tmp_path / "site"
    assert main(["--course", str(english_copy), "--out", str(out), "--no-pdf", "--quiet"]) == 0
    assert list((out / "lms").iterdir())
    assert main(["--course", str(english_copy), "--out", str(out), "--no-pdf", "--no-lms", "--quiet"]) == 0
    assert not (out / "lms").exists(), "what the last build wrote and this one does not is gone"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site.")], "temporary folders left behind"
    stray = out / "stray.txt"
    stray.write_text("not the build's", encoding="utf-8")
    assert main(["--course", str(english_copy), "--out", str(out), "--no-pdf", "--quiet"]) == 1
    assert stray.read_text(encoding="utf-8") == "not the build's", "a file the build did not write is never deleted"


def test_progress_is_plain_lines_when_not_a_terminal(english_copy: Path, tmp_path: Path):
    result = subprocess.run(
        [sys.executable, "build.py", "--course", str(english_copy), "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert any(line.startswith("[1/") for line in lines), result.stderr
    assert "\x1b[" not in result.stderr, "terminal escapes in non-terminal output"
    assert lines[-1].startswith("built "), result.stderr


def test_letter_paper_option(english_copy: Path, tmp_path: Path):
    out = tmp_path / "letter"
    assert main(["--course", str(english_copy), "--out", str(out), "--paper", "Letter", "--quiet"]) == 0
    box = PdfReader(out / "pdf" / "customs-basics.pdf").pages[1].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


def test_a4_is_the_default(english_build: Path):
    box = PdfReader(english_build / "pdf" / "customs-basics.pdf").pages[1].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_check_writes_nothing(english_copy: Path, capsys):
    before = sorted(p.relative_to(english_copy) for p in english_copy.rglob("*"))
    assert main(["check", "--course", str(english_copy)]) == 0
    assert sorted(p.relative_to(english_copy) for p in english_copy.rglob("*")) == before
    assert "0 error(s), 0 warning(s)" in capsys.readouterr().err


def test_direction_follows_language():
    assert [text_direction(x) for x in ("ar", "fa-IR", "he", "ur", "en", "fr", "ar-EG")] == [
        "rtl",
        "rtl",
        "rtl",
        "rtl",
        "ltr",
        "ltr",
        "rtl",
    ]


def test_english_pages_are_left_to_right(english_build: Path):
    page = (english_build / "modules" / "customs-basics.html").read_text(encoding="utf-8")
    assert '<html lang="en" dir="ltr">' in page
    assert "Module 1" in page and "Key terms" in page
    assert 'href="risk-profiling.html"' in page, "links between modules point at the built pages"
