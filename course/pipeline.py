"""The build, stage by stage: load -> model -> render -> package.

``check_course`` stops after validation; ``build_course`` renders into a
temporary folder and swaps it in only when everything was written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .load import load_course
from .model import Course
from .output import Output
from .problems import CourseError, Problem
from .progress import SilentProgress
from .render.markdown import render_modules


@dataclass
class BuildOptions:
    out: Path | None = None
    paper_size: str | None = None
    strict: bool = False
    pdf: bool = True
    lms: bool = True


@dataclass
class BuildReport:
    out: Path
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    pages: int = 0


def check_course(root: Path, strict: bool = False) -> tuple[Course | None, list[Problem]]:
    """Load, validate and render the Markdown in memory; write nothing."""
    course, problems = load_course(root)
    if course is not None:
        problems = sorted(problems + list(render_modules(course)), key=lambda p: (p.path, p.line or 0))
    failed = any(p.is_error or strict for p in problems)
    return (None if failed else course), problems


def build_course(root: Path, options: BuildOptions, progress=None) -> BuildReport:
    progress = progress or SilentProgress()
    course, problems = check_course(root, options.strict)
    if course is None:
        raise CourseError(problems)
    out = Path(options.out) if options.out else Path(root) / "dist"
    output = Output(out)
    try:
        report = _render_all(course, output, options, progress)
        output.write_manifest({"title": course.title, "language": course.language})
        output.commit()
    except BaseException:
        output.discard()
        raise
    report.out, report.problems = out, problems
    return report


def _render_all(course: Course, output: Output, options: BuildOptions, progress) -> BuildReport:
    from .render.quiz_page import write_quiz_pages
    from .render.site import write_assets, write_site

    report = BuildReport(out=output.final)
    progress.start(_steps(course, options))
    write_assets(output)
    pdfs: dict[str, str] = {}
    if options.pdf:
        pdfs = _write_pdfs(course, output, options, progress, report)
    write_site(course, output, pdfs)
    progress.advance("site")
    write_quiz_pages(course, output)
    progress.advance("quiz pages")
    if options.lms:
        _write_packages(course, output)
        progress.advance("LMS packages")
    for entry in output.entries:
        report.counts[entry.kind] = report.counts.get(entry.kind, 0) + 1
    return report


def _steps(course: Course, options: BuildOptions) -> int:
    return 2 + int(options.lms) + ((len(course.modules) + 1 + len(course.quizzes)) if options.pdf else 0)


def _write_packages(course: Course, output: Output) -> None:
    """Stage four: LMS packages and quiz exports, from the model and the written site."""
    from .package import export_all

    for written in export_all(course, output.root):
        output.record(Path(written.path).relative_to(output.root).as_posix(), written.kind, quiz=written.quiz)


def _write_pdfs(course: Course, output: Output, options: BuildOptions, progress, report: BuildReport) -> dict[str, str]:
    from .render.paper import write_quiz_papers
    from .render.pdf import PdfRenderer

    renderer = PdfRenderer(course, options.paper_size)
    rendered, pdfs = [], {}
    for number, module in enumerate(course.modules, start=1):
        content = renderer.render_module(module, number, course.key_terms(module))
        rel = f"pdf/{module.id}.pdf"
        report.pages += renderer.write_handout(module, number, content, output.path(rel))
        output.record(rel, "module-pdf", module=module.id)
        pdfs[module.id] = rel
        rendered.append((module, number, content))
        progress.advance(f"handout {module.id}")
    rel = "pdf/course-book.pdf"
    report.pages += renderer.write_book(rendered, output.path(rel))
    output.record(rel, "course-pdf")
    pdfs["book"] = rel
    progress.advance("course book")
    report.pages += write_quiz_papers(course, renderer, output, progress)
    return pdfs
