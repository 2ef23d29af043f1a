"""The build, stage by stage: load -> model -> render -> package.

``check_course`` stops after validation; ``build_course`` renders into a
temporary folder and swaps it in only when everything was written. Builds
are incremental: an output is rendered again only when something it is made
of changed (``course.build.keys``); everything else is linked in from the last
build (``course.build.incremental``), whose record is kept beside the output
folder (``course.build.cache``). When no input changed at all, nothing is loaded:
the last output is verified and linked into a fresh folder, and the last
build's warnings are reported again. ``clean`` ignores the record.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .. import fingerprint
from ..problems import CourseError, Problem
from .cache import BuildCache
from .out_folder import out_folder_problems
from .output import Output
from .progress import SilentProgress

# What stops a build on a signal: Ctrl+C, and the build server's cancel.
STOPPING = tuple(getattr(signal, name) for name in ("SIGINT", "SIGUSR1") if hasattr(signal, name))

if TYPE_CHECKING:
    from ..model import Course
    from ..render.markdown import Conversion
    from .workers.site_pool import SitePool


@dataclass
class BuildOptions:
    out: Path | None = None
    paper_size: str | None = None
    strict: bool = False
    pdf: bool = True
    lms: bool = True
    clean: bool = False  # ignore what earlier builds made
    # Processes for the PDFs (default: every core; 1: this process). They start as with multiprocessing's
    # "spawn": a script calling build_course with PDFs guards its entry point with `if __name__ == "__main__":`.
    jobs: int | None = None
    keep: tuple[str, ...] = ()  # paths in OUT (glob patterns) that are not the build's and go into each new output


@dataclass
class BuildReport:
    out: Path
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    pages: int = 0
    rendered: list[str] = field(default_factory=list)  # outputs written this time
    reused: list[str] = field(default_factory=list)  # outputs taken unchanged from the last build
    seconds: dict[str, float] = field(default_factory=dict)  # time spent in each stage
    handed: dict[str, int] = field(default_factory=dict)  # site work done by forked workers: items, by job

    def summary(self) -> str:
        """The line a build ends with."""
        kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(self.counts.items()))
        return f"built {self.out}: {kinds}; {self.pages} PDF pages; {len(self.rendered)} written, {len(self.reused)} unchanged"


def check_course(root: Path, strict: bool = False, derived: dict | None = None, pool=None) -> tuple[Course | None, list[Problem]]:
    """Load, validate and render the Markdown in memory (with ``pool``'s workers, if given); write nothing."""
    from ..load import load_course
    from ..render.markdown import Conversion, render_modules

    derived = {} if derived is None else derived
    started: list[Conversion] = []
    # partial: a file that does not load leaves the others' links and images checked all the same (one round of errors)
    course, problems = load_course(root, lambda modules: started.append(Conversion(modules, derived, pool)), partial=True)
    if course is not None:
        found = render_modules(course, derived, started[0] if started else None)
        problems = sorted(problems + list(found), key=lambda p: (p.path, p.line or 0))
    failed = any(p.is_error or strict for p in problems)
    return (None if failed else course), problems


def build_course(root: Path, options: BuildOptions, progress=None, kept=None) -> BuildReport:
    """Build the course at ``root`` as ``options`` say; ``kept``: PDF workers to use and leave running (``workers.pdf_pool.PdfWorkers``).

    One build at a time writes an output folder and its record: another
    build into the same folder (a second terminal, ``build --watch``) waits.
    """
    progress = progress or SilentProgress()
    out = Path(options.out) if options.out else Path(root) / "dist"
    refused = out_folder_problems(out, str(out), root, options.keep)
    if refused:
        raise CourseError(refused)
    cache = BuildCache(out)
    with cache.locked(lambda: progress.note(f"waiting for another build into {out} to finish")):
        return _build(root, options, progress, kept, out, cache)


def _build(root: Path, options: BuildOptions, progress, kept, out: Path, cache: BuildCache) -> BuildReport:
    previous = {} if options.clean else cache.load()
    state = _state(root, options)  # taken before anything is read, so an edit made during the build is seen next time
    reads = {rel: _digest(Path(root) / rel) for rel in previous.get("reads", [])}
    if previous.get("inputs") == fingerprint.digest({**state, "reads": reads}):
        report = _unchanged(out, previous, options, progress)
        if report is not None:
            return report
    started = time.perf_counter()
    jobs = options.jobs or os.cpu_count() or 1
    if options.pdf and jobs > 1:
        from .workers import forkserver

        forkserver.start()  # the PDF workers' fork server loads WeasyPrint while the engine and the course load
    from .workers.site_pool import SitePool

    derived = {} if options.clean else cache.markdown()
    pool = SitePool(jobs)  # forks site workers for the Markdown as soon as it is read, and for the pages
    try:
        course, problems = check_course(root, options.strict, derived, pool)
        loaded = time.perf_counter() - started
        if course is None:
            raise CourseError(problems)
        output = Output(out, options.keep)
        try:
            from .incremental import Incremental

            build = Incremental(output, cache, previous, course.root)
            report = _render_all(course, build, options, progress, pool, kept)
        except BaseException:
            output.discard()
            raise
    finally:
        pool.close()
    with _finishing():
        try:
            output.write_manifest({"title": course.title, "language": course.language})
            output.commit()
        except BaseException:
            output.discard()
            raise
        reads = {rel: digest for record in build.outputs.values() for rel, digest in record.get("meta", {}).get("reads", {}).items()}
        cache.save(
            {
                "inputs": fingerprint.digest({**state, "reads": reads}),
                "reads": sorted(reads),
                "problems": [dataclasses.asdict(p) for p in problems],
                **build.record(),
            },
            {m.id: derived[m.id] for m in course.modules},
        )
    report.out, report.problems = out, problems
    report.rendered, report.reused = build.rendered, build.reused
    report.handed = dict(pool.handed)
    report.seconds = {"load": loaded, **report.seconds}
    return report


@contextlib.contextmanager
def _finishing():
    """Let a Ctrl+C go while the new output goes in place and its record is written: the build is done but for that.

    Stopped there, a build could leave no output folder (between the two
    renames) or an output without its record. Also the build server's
    cancel (SIGUSR1, ``course.build.server``); only in the main thread,
    where signal handlers live.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    saved = [(number, signal.signal(number, signal.SIG_IGN)) for number in STOPPING]
    try:
        yield
    finally:
        for number, handler in saved:
            signal.signal(number, signal.SIG_DFL if handler is None else handler)


def _state(root: Path, options: BuildOptions) -> dict:
    """The fingerprints of everything a build reads (with the files WeasyPrint read, added later)."""
    from ..render import TEMPLATES
    from ..render.fonts import font_files

    root = Path(root).resolve()
    return {
        "engine": fingerprint.engine(),
        "root": str(root),
        "course": fingerprint.course_files(root),
        "templates": fingerprint.folder_digests(TEMPLATES),
        "fonts": [fingerprint.file_digest(path) for path in font_files()],
        "options": {"paper": options.paper_size, "pdf": options.pdf, "lms": options.lms},
    }


def _digest(path: Path) -> str | None:
    return fingerprint.file_digest(path) if path.is_file() else None


def _unchanged(out: Path, previous: dict, options: BuildOptions, progress) -> BuildReport | None:
    """Nothing changed: link the last output, verified file by file, into a fresh folder (None if any file differs)."""
    problems = [Problem(**p) for p in previous.get("problems", [])]
    if any(p.is_error or options.strict for p in problems):
        raise CourseError(problems)
    manifest = json.loads((Path(out) / "manifest.json").read_text(encoding="utf-8"))
    final = Path(out).resolve()
    for entry in manifest["outputs"]:
        path = final / entry["path"]
        if not path.is_file() or fingerprint.file_digest(path) != entry["sha256"]:
            return None
    progress.start(1)
    output = Output(out, options.keep)
    try:
        for entry in manifest["outputs"]:
            output.link(final / entry["path"], entry["path"], entry["kind"], entry["module"], entry["quiz"], entry["sha256"])
        with _finishing():
            output.write_manifest(manifest["course"])
            output.commit()
    except BaseException:
        output.discard()
        raise
    progress.advance("nothing changed")
    report = BuildReport(out=out, problems=problems, reused=[e["path"] for e in manifest["outputs"]])
    report.counts = _counts(output)
    report.pages = sum(record.get("meta", {}).get("pages", 0) for record in previous.get("outputs", {}).values())
    return report


def _render_all(course: Course, build, options: BuildOptions, progress, pool: SitePool, kept=None) -> BuildReport:
    from ..render.pdf import plan as pdf_plan
    from .keys import Keys
    from .site_stage import write_assets, write_site

    report = BuildReport(out=build.output.final)
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        report.seconds[stage] = report.seconds.get(stage, 0.0) + time.perf_counter() - clock
        clock = time.perf_counter()

    keys = Keys(course, options.paper_size or course.paper_size)
    progress.start(_steps(course, options))
    write_assets(build)
    # The site and the quiz exports first: they only name the PDFs, and the PDF workers' fork
    # server loads WeasyPrint meanwhile. The course packages last: they hold everything.
    planned = pdf_plan.planned_pdfs(course) if options.pdf else pdf_plan.PlannedPdfs()
    write_site(course, build, keys, planned, pool)
    pool.close()
    progress.advance("site")
    lap("site")
    if options.lms:
        from .packages import write_packages

        write_packages(course, build, keys, "quizzes")
    lap("lms")
    begun = None
    try:
        if options.pdf:
            from .pdf_stage import PdfStage

            stage = PdfStage(course, build, keys, options.paper_size, options.jobs or os.cpu_count() or 1, progress, kept)
            if options.lms:
                from .packages import Begun

                begun = Begun(course, build, planned.linked())
            report.pages = stage.run(beside=begun.begin if begun is not None else None)
        lap("pdf")
        if options.lms:
            write_packages(course, build, keys, "course", begun)
            progress.advance("LMS packages")
        lap("lms")
    finally:
        if begun is not None:
            begun.abort()  # what was begun and not finished (a build that failed)
    report.counts = _counts(build.output)
    return report


def _counts(output: Output) -> dict[str, int]:
    counts: dict[str, int] = {}
    for entry in output.entries:
        counts[entry.kind] = counts.get(entry.kind, 0) + 1
    return counts


def _steps(course: Course, options: BuildOptions) -> int:
    return 1 + int(options.lms) + ((len(course.modules) + 1 + len(course.quizzes)) if options.pdf else 0)
