"""The output folder rule (course-format.md section 2): a build never destroys what it did not write.

Each attack of the security review (``--out`` naming the course, its parent,
a folder of the user's files) is refused with exit 1 and a message naming the
folder, and leaves every file as it was. Published folders get ordinary
permissions; a build killed half-way leaves debris that the next build clears.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from course.cli import main

REPO = Path(__file__).resolve().parents[2]
ENGLISH = REPO / "tests" / "fixtures" / "english-course"
SITE_ONLY = ["--no-pdf", "--no-lms", "--quiet"]


@pytest.fixture
def place(tmp_path) -> Path:
    """A folder holding a copy of the English course as ``course/``."""
    shutil.copytree(ENGLISH, tmp_path / "course")
    return tmp_path


def tree(folder: Path) -> dict[str, str]:
    """Every file and folder under ``folder`` (hidden ones too), files with their SHA-256."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "folder" for p in folder.rglob("*")}


def build(course: Path, out: Path, *extra: str) -> int:
    return main(["build", "--course", str(course), "--out", str(out), *SITE_ONLY, *extra])


def refused(capsys, course: Path, out: Path, *extra: str) -> str:
    """Build into ``out``; assert it was refused before anything changed; the message."""
    watched = out if out.is_dir() and out in course.parents else course.parent
    before = tree(watched)
    assert build(course, out, *extra) == 1
    assert tree(watched) == before, "a refused build changed, added or removed files (its record and lock included)"
    err = capsys.readouterr().err
    assert f"{out}: refused as the output folder" in err
    return err


def test_out_as_the_course_folder_is_refused_and_the_course_kept(place, capsys):
    message = refused(capsys, place / "course", place / "course")
    assert "it is the course folder" in message
    assert (place / "course" / "course.yaml").is_file() and (place / "course" / "modules" / "customs-basics.md").is_file()


def test_out_as_the_course_parent_is_refused_and_its_files_kept(place, capsys):
    (place / "other-project.txt").write_text("mine", encoding="utf-8")
    message = refused(capsys, place / "course", place)
    assert "contains the course folder" in message
    assert (place / "other-project.txt").read_text(encoding="utf-8") == "mine"


def test_out_as_a_folder_of_user_files_is_refused_and_the_files_kept(place, capsys):
    docs = place / "docs"
    docs.mkdir()
    (docs / "thesis.txt").write_text("years of work", encoding="utf-8")
    (docs / "taxes.txt").write_text("receipts", encoding="utf-8")
    message = refused(capsys, place / "course", docs)
    assert "no manifest.json" in message and "taxes.txt" in message and "thesis.txt" in message
    assert (docs / "thesis.txt").read_text(encoding="utf-8") == "years of work"


@pytest.mark.parametrize("inside", ["modules", "quizzes", "trainer", "sources", "modules/customs-basics"])
def test_out_inside_the_course_sources_is_refused(place, capsys, inside):
    message = refused(capsys, place / "course", place / "course" / inside / "site")
    assert "inside the course's" in message
    assert not (place / "course" / inside / "site").exists()


def test_out_that_is_a_file_is_refused(place, capsys):
    (place / "out").write_text("a file", encoding="utf-8")
    assert "it is a file" in refused(capsys, place / "course", place / "out")


def test_an_absent_or_empty_folder_is_written(place):
    (place / "empty").mkdir()
    assert build(place / "course", place / "empty") == 0
    assert build(place / "course", place / "absent" / "site") == 0
    for out in (place / "empty", place / "absent" / "site"):
        assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["outputs"]


def test_an_earlier_output_is_replaced_and_a_stray_file_in_it_stops_the_next_build(place, capsys):
    out = place / "out"
    assert build(place / "course", out) == 0
    assert build(place / "course", out) == 0, "the no-op rebuild of an earlier output"
    assert build(place / "course", out, "--clean") == 0, "a full rebuild of an earlier output"
    (out / "modules" / "my-notes.txt").write_text("notes", encoding="utf-8")
    message = refused(capsys, place / "course", out)
    assert "its manifest.json does not list (modules/my-notes.txt)" in message
    assert (out / "modules" / "my-notes.txt").read_text(encoding="utf-8") == "notes"


def test_a_manifest_naming_paths_outside_its_folder_is_no_manifest(place, capsys):
    out = place / "out"
    out.mkdir()
    (out / "page.html").write_text("mine", encoding="utf-8")
    entry = {"kind": "module-html", "module": None, "quiz": None, "sha256": "0" * 64}
    outputs = [{**entry, "path": "page.html"}, {**entry, "path": "../course/course.yaml"}]
    (out / "manifest.json").write_text(json.dumps({"course": {}, "outputs": outputs}), encoding="utf-8")
    assert "no manifest.json of an earlier build" in refused(capsys, place / "course", out)


def test_kept_files_are_carried_into_every_new_output(place):
    out = place / "out"
    assert build(place / "course", out) == 0
    (out / "CNAME").write_text("course.example.org", encoding="utf-8")
    (out / ".git").mkdir()
    (out / ".git" / "HEAD").write_text("ref: refs/heads/main", encoding="utf-8")
    for extra in ([], ["--clean"]):
        assert build(place / "course", out, "--keep", "CNAME", "--keep", ".git", *extra) == 0
        assert (out / "CNAME").read_text(encoding="utf-8") == "course.example.org"
        assert (out / ".git" / "HEAD").read_text(encoding="utf-8") == "ref: refs/heads/main"
        listed = {e["path"] for e in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["outputs"]}
        assert "CNAME" not in listed and ".git/HEAD" not in listed


def test_keeping_a_path_the_build_writes_fails_and_changes_nothing(place, capsys):
    out = place / "out"
    assert build(place / "course", out) == 0
    before = tree(out)
    assert build(place / "course", out, "--keep", "index.html", "--clean") == 1
    assert "--keep names index.html, which this build writes" in capsys.readouterr().err
    assert tree(out) == before


def test_the_published_folder_has_ordinary_permissions(place):
    out = place / "out"
    code = "import os, sys; os.umask(0o022); from course.cli import main; sys.exit(main(sys.argv[1:]))"
    args = ["build", "--course", str(place / "course"), "--out", str(out), *SITE_ONLY]
    subprocess.run([sys.executable, "-c", code, *args], check=True, cwd=REPO)
    assert oct(out.stat().st_mode & 0o777) == oct(0o755)
    assert oct((out / "index.html").stat().st_mode & 0o777) == oct(0o644)
    assert oct((out / "modules").stat().st_mode & 0o777) == oct(0o755)


def test_debris_of_a_killed_build_is_cleared_by_the_next_build(place):
    out = place / "out"
    command = [sys.executable, "build.py", "--course", str(place / "course"), "--out", str(out), "--quiet", "--jobs", "1"]
    process = subprocess.Popen(command, cwd=REPO, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not list(place.glob(".out.building-*/index.html")) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    debris = list(place.glob(".out.building-*"))
    assert debris, "the build was killed before it wrote anything: no debris to clear"
    assert not out.exists()
    assert build(place / "course", out) == 0
    assert not list(place.glob(".out.building-*")) and not list(place.glob(".out.old-*"))
    assert (out / "index.html").is_file()
