"""Incremental builds: each kind of change rebuilds exactly the outputs made from it.

Every case builds the English fixture, changes one input, builds again and
checks which outputs were rendered (the rest were reused); then it builds
the same course with ``clean`` into another folder and checks the two
manifests are equal: every file the same bytes (WeasyPrint and the book
writer put no dates or random ids in a PDF, so the comparison is exact).
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

import course.build.keys
import course.build.packages
import course.build.pdf_stage
import course.build.site_stage  # noqa: F401 - loaded before any test points the engine at other templates
import course.package
import course.render.site.quiz_page
from course import fingerprint
from course.build.pipeline import BuildOptions, build_course
from course.problems import CourseError
from course.render import environment

# The whole-course packages: SCORM, Common Cartridge and cmi5 hold every page and quiz.
SCORM = {
    "lms/port-health-and-customs-basics-scorm12.zip",
    "lms/port-health-and-customs-basics-scorm2004.zip",
    "lms/port-health-and-customs-basics.imscc",
    "lms/port-health-and-customs-basics-cc11.imscc",
    "lms/port-health-and-customs-basics-cmi5.zip",
}
CUSTOMS_QUIZ = {
    "quizzes/customs-basics-quiz.html",
    "pdf/quizzes/customs-basics-quiz-sheet.pdf",
    "pdf/quizzes/customs-basics-quiz-key.pdf",
    "pdf/quizzes/customs-basics-quiz-bubbles.pdf",
    "lms/customs-basics-quiz.moodle.xml",
    "lms/customs-basics-quiz.gift",
    "lms/customs-basics-quiz-qti.zip",
    "lms/customs-basics-quiz-qti12.zip",
}
RISK_QUIZ = {path.replace("customs-basics", "risk-profiling") for path in CUSTOMS_QUIZ}
CUSTOMS_QUIZ |= {"lms/customs-basics-quiz.moodle-pre44.xml"}  # its ordering question, for Moodles before 4.4
PDFS = {
    "pdf/customs-basics.pdf",
    "pdf/risk-profiling.pdf",
    "pdf/course-book.pdf",
    *(p for p in CUSTOMS_QUIZ | RISK_QUIZ if p.endswith(".pdf")),
}
COPIES = {"modules/customs-basics/terminal.png"}  # plus everything under assets/


def build(course: Path, out: Path, **options):
    return build_course(course, BuildOptions(out=out, jobs=1, **options))


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def own_templates(monkeypatch, tmp_path) -> Path:
    """A private copy of the engine's templates, so a test can change one."""
    real = environment.TEMPLATES
    copy = tmp_path / "templates"
    shutil.copytree(real, copy)
    for module in [m for name, m in sys.modules.items() if name.startswith("course")]:
        for name, value in (("TEMPLATES", copy), ("ASSETS", copy / "assets")):
            if getattr(module, name, None) == (real if name == "TEMPLATES" else real / "assets"):
                monkeypatch.setattr(module, name, value)
    environment.environment.cache_clear()
    yield copy
    environment.environment.cache_clear()


def module_body(course: Path, templates: Path) -> None:
    edit(course / "modules" / "risk-profiling.md", "## ", "An added sentence in the first paragraph.\n\n## ")


def module_title(course: Path, templates: Path) -> None:
    edit(course / "modules" / "risk-profiling.md", "title: Risk profiling", "title: Profiling risk")


def module_order(course: Path, templates: Path) -> None:
    edit(course / "course.yaml", "  - customs-basics\n  - risk-profiling", "  - risk-profiling\n  - customs-basics")


def quiz(course: Path, templates: Path) -> None:
    quiz = course / "quizzes" / "customs-basics-quiz.yaml"
    edit(quiz, "Who files the list of everything a vessel carries?", "Who files the list of all a vessel carries?")


def glossary_entry(course: Path, templates: Path) -> None:
    edit(course / "glossary.yaml", "The carrier's list of all cargo", "The carrier's list of every item of cargo")


def module_image(course: Path, templates: Path) -> None:
    from PIL import Image

    image = course / "modules" / "customs-basics" / "terminal.png"
    with Image.open(image) as picture:
        turned = picture.rotate(180)
    turned.save(image)


def pdf_template(course: Path, templates: Path) -> None:
    edit(templates / "pdf" / "cover.html", '<p class="facts">', '<p class="facts">Handout. ')


def site_style(course: Path, templates: Path) -> None:
    edit(templates / "assets" / "css" / "site.css", "{", "{ outline-offset: 2px;")


def pass_mark(course: Path, templates: Path) -> None:
    edit(course / "course.yaml", "pass_mark: 60", "pass_mark: 75")


def language(course: Path, templates: Path) -> None:
    edit(course / "course.yaml", "language: en", "language: en-GB")


def module_added(course: Path, templates: Path) -> None:
    module = "---\ntitle: Seizures\n---\n\n## Why seize\n\nSometimes goods must be held.\n"
    (course / "modules" / "seizures.md").write_text(module, encoding="utf-8")
    edit(course / "course.yaml", "  - risk-profiling", "  - risk-profiling\n  - seizures")


EVERYTHING = object()  # every output but the copies of assets and fonts
SEARCH = "assets/search-index.js"  # the site's search index: the course's text and titles
CASES = {
    module_body: {"modules/risk-profiling.html", "pdf/risk-profiling.pdf", "pdf/course-book.pdf", SEARCH, *SCORM},
    module_title: {
        "modules/risk-profiling.html",
        "modules/customs-basics.html",
        "index.html",
        "pdf/risk-profiling.pdf",
        "pdf/course-book.pdf",
        "quizzes/risk-profiling-quiz.html",
        "pdf/quizzes/risk-profiling-quiz-sheet.pdf",
        "pdf/quizzes/risk-profiling-quiz-key.pdf",
        "pdf/quizzes/risk-profiling-quiz-bubbles.pdf",
        SEARCH,
        *SCORM,
    },
    module_order: {
        "index.html",
        "modules/customs-basics.html",
        "modules/risk-profiling.html",
        "pdf/customs-basics.pdf",
        "pdf/risk-profiling.pdf",
        "pdf/course-book.pdf",
        "quizzes/customs-basics-quiz.html",
        "quizzes/risk-profiling-quiz.html",
        *(p for p in CUSTOMS_QUIZ | RISK_QUIZ if p.startswith("pdf/")),
        SEARCH,
        *SCORM,
    },
    quiz: CUSTOMS_QUIZ | SCORM,
    # Every module page shows the glossary's definitions as tips (course.render.site.glossary_links).
    glossary_entry: {
        "glossary.html",
        "modules/customs-basics.html",
        "modules/risk-profiling.html",
        "pdf/customs-basics.pdf",
        "pdf/course-book.pdf",
        SEARCH,
        *SCORM,
    },
    module_image: {"modules/customs-basics/terminal.png", "pdf/customs-basics.pdf", *SCORM},
    # The book's module parts are the handouts' own renderings (their font subsets hold the covers' letters too).
    pdf_template: {"pdf/customs-basics.pdf", "pdf/risk-profiling.pdf", "pdf/course-book.pdf", *SCORM},
    site_style: {"assets/css/site.css", *SCORM},
    pass_mark: RISK_QUIZ | SCORM,
    language: EVERYTHING,
    module_added: {
        "modules/seizures.html",
        "pdf/seizures.pdf",
        "modules/risk-profiling.html",
        "index.html",
        "pdf/course-book.pdf",
        SEARCH,
        *SCORM,
    },
}


@pytest.mark.parametrize("change", list(CASES), ids=lambda change: change.__name__)
def test_a_change_rebuilds_what_is_made_of_it_and_nothing_else(change, english_copy: Path, tmp_path: Path, own_templates: Path):
    out = tmp_path / "dist"
    first = build(english_copy, out)
    assert first.reused == [] and len(first.rendered) == len(manifest(out)["outputs"])
    change(english_copy, own_templates)
    second = build(english_copy, out)
    listed = {entry["path"] for entry in manifest(out)["outputs"]}
    expected = CASES[change]
    if expected is EVERYTHING:
        expected = {p for p in listed if (not p.startswith("assets/") or p == SEARCH) and p not in COPIES}
    assert set(second.rendered) == expected
    assert set(second.reused) == listed - expected
    build(english_copy, tmp_path / "clean", clean=True)
    assert manifest(out) == manifest(tmp_path / "clean"), "the incremental build differs from a clean one"


def test_paper_size_and_engine_version_rebuild_what_they_change(english_copy: Path, tmp_path: Path, monkeypatch):
    out = tmp_path / "dist"
    build(english_copy, out)
    letter = build(english_copy, out, paper_size="Letter")
    assert set(letter.rendered) == PDFS | SCORM
    build(english_copy, tmp_path / "clean", paper_size="Letter", clean=True)
    assert manifest(out) == manifest(tmp_path / "clean")
    monkeypatch.setattr(fingerprint, "engine", lambda: "a later engine")
    later = build(english_copy, out, paper_size="Letter")
    listed = {entry["path"] for entry in manifest(out)["outputs"]}
    assert set(later.rendered) == {p for p in listed if not p.startswith("assets/") and p not in COPIES}


def test_other_code_colours_rewrite_code_css_and_the_pdfs_and_no_page(english_copy: Path, tmp_path: Path, monkeypatch):
    """What the code colours alone reach: code.css and the PDFs, never a page (pages only link code.css).

    A Pygments upgrade or a change of style changes the engine's fingerprint
    too, which rebuilds everything; here the style alone changes, and the
    build's whole-course shortcut (nothing read changed) is taken out.
    """
    from course.build.workers import pdf_pool
    from course.render import highlight

    edit(english_copy / "modules" / "customs-basics.md", "## ", "```python\nimport os\n```\n\n## ")
    out = tmp_path / "dist"
    build(english_copy, out)
    monkeypatch.setattr("course.build.pipeline._unchanged", lambda *args: None)
    monkeypatch.setattr(highlight, "LIGHT", "friendly")
    monkeypatch.setattr(pdf_pool, "_renderer", None)  # this process's renderer holds the style sheets it was made with
    highlight.stylesheet.cache_clear()
    try:
        again = build(english_copy, out)
        assert set(again.rendered) == {"assets/css/code.css", *PDFS, *SCORM}
        assert ".highlight .k { color: #007020; font-weight: bold }" in (out / "assets" / "css" / "code.css").read_text(encoding="utf-8")
        build(english_copy, tmp_path / "clean", clean=True)
        assert manifest(out) == manifest(tmp_path / "clean")
    finally:
        highlight.stylesheet.cache_clear()


def test_nothing_changed_reads_no_course_file_and_renders_nothing(english_copy: Path, tmp_path: Path, monkeypatch):
    out = tmp_path / "dist"
    first = build(english_copy, out)
    before = manifest(out)
    folder = out.stat().st_ino
    monkeypatch.setattr("course.load.load_course", lambda root, *rest: pytest.fail("an unchanged course was loaded again"))
    again = build(english_copy, out)
    assert again.rendered == [] and set(again.reused) == {e["path"] for e in before["outputs"]}
    assert manifest(out) == before
    assert out.stat().st_ino != folder, "the output folder is made afresh even when nothing changed"
    assert again.pages == first.pages and again.counts == first.counts


def test_warnings_of_an_unchanged_course_are_reported_again(english_copy: Path, tmp_path: Path):
    edit(english_copy / "modules" / "risk-profiling.md", "duration_minutes: 45", "duration_minutes: 45\nsummery: typo")
    out = tmp_path / "dist"
    first = build(english_copy, out, pdf=False)
    warnings = [str(p) for p in first.problems]
    assert any("summery" in w for w in warnings)
    assert [str(p) for p in build(english_copy, out, pdf=False).problems] == warnings
    with pytest.raises(CourseError):
        build(english_copy, out, pdf=False, strict=True)


def test_an_output_changed_by_hand_is_rendered_again(english_copy: Path, tmp_path: Path):
    out = tmp_path / "dist"
    build(english_copy, out)
    page = out / "modules" / "customs-basics.html"
    original = page.read_bytes()
    page.write_bytes(original.replace(b"Customs basics", b"Tampered", 1))
    again = build(english_copy, out)
    assert again.rendered == ["modules/customs-basics.html"]
    assert page.read_bytes() == original


def test_a_damaged_book_part_is_rendered_again(english_copy: Path, tmp_path: Path):
    out = tmp_path / "dist"
    build(english_copy, out)
    for part in (tmp_path / ".dist-cache" / "parts").iterdir():
        part.write_bytes(part.read_bytes()[:-10])
    module_body(english_copy, None)
    again = build(english_copy, out)
    assert {"pdf/customs-basics.pdf", "pdf/risk-profiling.pdf", "pdf/course-book.pdf"} <= set(again.rendered)
    build(english_copy, tmp_path / "clean", clean=True)
    assert manifest(out) == manifest(tmp_path / "clean")


def test_clean_renders_everything(english_copy: Path, tmp_path: Path):
    out = tmp_path / "dist"
    build(english_copy, out)
    again = build(english_copy, out, clean=True)
    assert again.reused == [] and len(again.rendered) == len(manifest(out)["outputs"])


def test_the_cache_is_kept_beside_the_output_and_only_after_a_good_build(english_copy: Path, tmp_path: Path):
    out = tmp_path / "dist"
    build(english_copy, out, pdf=False)
    cache = tmp_path / ".dist-cache" / "build.json"
    listed = {e["path"] for e in manifest(out)["outputs"]}
    assert listed == {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()} - {"manifest.json"}
    recorded = cache.read_bytes()
    edit(english_copy / "quizzes" / "customs-basics-quiz.yaml", "id: customs-basics-quiz", "id: Not An Id")
    with pytest.raises(CourseError):
        build(english_copy, out, pdf=False)
    assert cache.read_bytes() == recorded
    assert {e["path"] for e in manifest(out)["outputs"]} == listed


def test_a_render_that_fails_leaves_output_and_cache_as_they_were(english_copy: Path, tmp_path: Path, monkeypatch):
    out = tmp_path / "dist"
    build(english_copy, out)
    before, cache = manifest(out), (tmp_path / ".dist-cache" / "build.json").read_bytes()
    module_body(english_copy, None)

    def broken(*args, **kwargs):
        raise RuntimeError("the layout failed")

    monkeypatch.setattr("course.render.pdf.handout.PdfRenderer.write_module", broken)
    with pytest.raises(RuntimeError):
        build(english_copy, out)
    assert manifest(out) == before and (tmp_path / ".dist-cache" / "build.json").read_bytes() == cache
    assert not [p for p in tmp_path.iterdir() if ".building-" in p.name]


def test_packages_begun_while_a_handout_is_laid_out_are_a_clean_builds_bytes(english_copy: Path, tmp_path: Path, monkeypatch):
    """One PDF to lay out leaves a core free: the SCORM packages are written meanwhile, PDFs last, the same bytes."""
    begun = []
    begin = course.build.packages.Begun.begin
    monkeypatch.setattr(course.build.packages.Begun, "begin", lambda self: (begun.append(sorted(self.pending)), begin(self)))
    out = tmp_path / "dist"
    build_course(english_copy, BuildOptions(out=out, jobs=2))
    assert begun == [], "a cold build keeps both workers busy: the packages are written after the PDFs"
    module_body(english_copy, None)
    report = build_course(english_copy, BuildOptions(out=out, jobs=2))
    assert len(begun) == 1 and "pdf/risk-profiling.pdf" in begun[0] and "pdf/course-book.pdf" in begun[0]
    assert SCORM <= set(report.rendered)
    build_course(english_copy, BuildOptions(out=tmp_path / "clean", jobs=2, clean=True))
    assert manifest(out) == manifest(tmp_path / "clean")
    assert not list(tmp_path.rglob("*.partial"))


def test_packages_begun_for_a_build_that_fails_leave_nothing(english_copy: Path, tmp_path: Path, monkeypatch):
    out = tmp_path / "dist"
    build_course(english_copy, BuildOptions(out=out, jobs=2))
    before = manifest(out)
    module_body(english_copy, None)

    def broken(*args, **kwargs):
        raise RuntimeError("the book failed")

    monkeypatch.setattr(course.build.pdf_stage.PdfStage, "_write_book", broken)
    with pytest.raises(RuntimeError):
        build_course(english_copy, BuildOptions(out=out, jobs=2))
    assert manifest(out) == before
    assert not list(tmp_path.rglob("*.partial")) and not [p for p in tmp_path.iterdir() if ".building-" in p.name]
