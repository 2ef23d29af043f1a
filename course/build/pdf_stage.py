"""The PDF stage: handouts, quiz papers and the course book.

Whatever changed is rendered in a pool of processes (``workers.pdf_pool``); the
rest is reused. A module job lays the module out once and writes both its
handout and its book part; a quiz's sheet and its key are a job each. The
modules go first; as they run out, quiz papers keep every worker busy, but
no more are queued than keep them so. Once every module's headings have
landed, the book's front (cover and contents) is rendered next, and this
process puts the book together from the parts (``course.render.pdf.book``), one part at a
time, so no laid-out document is ever held here, while the workers finish
the papers.
Files are recorded in one order whatever was reused, so an incremental
build writes the same manifest as a clean one.
"""

from __future__ import annotations

from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass, field
from pathlib import Path

from ..fingerprint import installed_versions
from ..model import Course
from ..render.pdf.book import assemble_book
from ..render.pdf.contents import book_contents
from ..render.pdf.paper import paper_paths
from ..render.pdf.plan import BOOK, handout_path
from .incremental import Incremental
from .keys import Keys
from .workers import pdf_pool


@dataclass
class Job:
    """A module's handout and book part, or a quiz's papers: reused, or being rendered by ``futures`` (one per file)."""

    name: str
    key: str
    files: list[tuple[str, str]]  # output path, manifest kind
    module: str | None = None
    quiz: str | None = None
    reused: bool = False
    futures: list[Future] = field(default_factory=list)
    meta: dict = field(default_factory=dict)  # what the render returned, or the first file's record
    pages: list[int] = field(default_factory=list)


@dataclass
class Part:
    """A part of the book: cached at ``path``, or being rendered there by ``future``."""

    name: str
    key: str
    path: Path
    future: Future | None = None


class PdfStage:
    def __init__(self, course: Course, build: Incremental, keys: Keys, paper_size: str | None, jobs: int, progress, kept=None):
        self.course, self.build, self.keys, self.progress = course, build, keys, progress
        self.paper_size, self.jobs = paper_size, jobs
        self.kept: pdf_pool.PdfWorkers | None = kept  # workers that outlive this build
        self.workers = 1
        self.submitted: list[Future] = []  # every render handed to the pool

    def run(self, beside=None) -> int:
        """Write every PDF (where ``course.render.pdf.plan`` says); return the number of pages.

        ``beside()`` is called once the renders are under way if they leave a
        core free (fewer renders than ``--jobs``): this process would only wait.
        """
        modules = [self._module_job(number, module) for number, module in enumerate(self.course.modules, start=1)]
        numbers = {m.id: (n, m) for n, m in enumerate(self.course.modules, start=1)}
        quizzes = [self._quiz_job(quiz, *numbers.get(quiz.module, (None, None))) for quiz in self.course.quizzes]
        papers = [(index, which) for index, job in enumerate(quizzes) if not job.reused for which in range(len(job.files))]
        work = self._side_by_side(modules, papers)
        self.workers = self.kept.jobs if self.kept is not None else max(1, min(self.jobs, work))
        executor = pdf_pool.pool(self.course, self.paper_size, self.jobs, work, self.kept)
        try:
            parts = self._render_modules(executor, modules)
            if beside is not None and 0 < work < self.jobs:
                beside()
            self._wait(modules, "handout", lambda: self._feed(executor, quizzes, papers))
            toc = book_contents(self.course, {job.module: job.meta["anchors"] for job in modules})
            front = self._part(executor, "front", self.keys.front_part(toc), "pdf/book-front.html", toc=toc)
            while papers:
                self._submit_paper(executor, quizzes, *papers.pop(0))
            book = self._write_book([front, *parts])
            self._wait(quizzes, "quiz papers")
        except BaseException:
            for future in self.submitted:  # kept workers outlive the build: what they have not begun is dropped
                future.cancel()
            raise
        finally:
            executor.shutdown(wait=True, cancel_futures=True)
        return self._record(modules, book, quizzes)

    def _side_by_side(self, modules: list[Job], papers: list) -> int:
        """How many renders can run at once: the modules, the glossary and (as the modules run out) the quiz papers.

        The front can change only after a module did (its contents are where the
        headings landed); one module edited is one render, done in a worker.
        """
        stale_modules = sum(not job.reused for job in modules)
        stale_glossary = bool(self.course.glossary) and self.build.part("glossary", self.keys.glossary_part()) is None
        return stale_modules + stale_glossary + len(papers)

    def _feed(self, executor: Executor, quizzes: list[Job], papers: list) -> None:
        """Queue quiz papers while fewer renders are under way than keep every worker busy (one waiting)."""
        while papers and sum(not future.done() for future in self.submitted) <= self.workers:
            self._submit_paper(executor, quizzes, *papers.pop(0))

    def _submit_paper(self, executor: Executor, quizzes: list[Job], index: int, which: int) -> None:
        job = quizzes[index]
        job.futures.append(self._submit(executor, pdf_pool.paper_job, index, which, self.build.output.path(job.files[which][0])))

    def _submit(self, executor: Executor, *job) -> Future:
        self.submitted.append(executor.submit(*job))
        return self.submitted[-1]

    def _module_job(self, number: int, module) -> Job:
        job = Job(f"module:{module.id}", self.keys.module_pdf(module, number), [(handout_path(module), "module-pdf")], module=module.id)
        return self._check(job, needs_part=True)

    def _quiz_job(self, quiz, number: int | None, module) -> Job:
        files = paper_paths(quiz)
        return self._check(Job(f"quiz:{quiz.id}", self.keys.quiz_papers(quiz, module, number), files, module=quiz.module, quiz=quiz.id))

    def _check(self, job: Job, needs_part: bool = False) -> Job:
        """Reused when every file (and a module's book part) is as the last build left it."""
        olds = [self.build.reusable(rel, job.key) for rel, _ in job.files]
        job.reused = all(olds) and (not needs_part or self.build.part(job.name, job.key) is not None)
        if job.reused:
            job.meta, job.pages = olds[0]["meta"], [old["meta"]["pages"] for old in olds]
        return job

    def _render_modules(self, executor: Executor, modules: list[Job]) -> list[Part]:
        """Start every module job that is not reused, and the glossary; return the book's parts after the front."""
        parts = []
        for index, job in enumerate(modules):
            path = self.build.cache.part(job.key)
            if not job.reused:
                job.futures = [self._submit(executor, pdf_pool.module_job, index, self.build.output.path(job.files[0][0]), path)]
            parts.append(Part(job.name, job.key, path, job.futures[0] if job.futures else None))
        if self.course.glossary:
            parts.append(self._part(executor, "glossary", self.keys.glossary_part(), "pdf/glossary.html"))
        return parts

    def _part(self, executor: Executor, name: str, key: str, template: str, **context) -> Part:
        cached = self.build.part(name, key)
        if cached is not None:
            return Part(name, key, cached)
        path = self.build.cache.part(key)
        return Part(name, key, path, self._submit(executor, pdf_pool.part_job, template, path, context))

    def _wait(self, jobs: list[Job], what: str, meanwhile=None) -> None:
        """Wait for every job's files, calling ``meanwhile`` before each wait (to give idle workers more)."""
        for job in jobs:
            if job.reused:
                self.progress.advance(f"{what} {job.name.split(':', 1)[1]} (unchanged)")
        pending = {future: job for job in jobs for future in job.futures}
        while pending:
            if meanwhile is not None:
                meanwhile()
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                job = pending.pop(future)
                if not any(f in pending for f in job.futures):  # its last file
                    self._landed(job, [f.result() for f in job.futures])
                    self.progress.advance(f"{what} {job.name.split(':', 1)[1]}")

    @staticmethod
    def _landed(job: Job, results: list[dict]) -> None:
        """What the renders of a job's files returned: its pages, file by file, and the rest (the first file's, reads merged)."""
        job.pages = [result.pop("pages") for result in results]
        job.meta = results[0]
        for result in results[1:]:
            job.meta["reads"] = {**job.meta.get("reads", {}), **result.get("reads", {})}

    def _write_book(self, parts: list[Part]) -> tuple[str, int, bool]:
        """Put the book together from its parts unless the last one was made from the same parts."""
        for part in parts:
            result = part.future.result() if part.future is not None else {}
            self.build.keep_part(part.name, part.key, part.path, result.pop("part_sha256", None), result.pop("pages", None))
        key = self.keys.book([self.build.parts[part.name]["sha256"] for part in parts])
        old = self.build.reusable(BOOK, key)
        if old:
            pages = old["meta"]["pages"]
        else:
            producer = f"WeasyPrint {installed_versions(('weasyprint',))['weasyprint']}"
            pages = assemble_book(
                [p.path for p in parts],
                self.build.output.path(BOOK),
                self.course.language,
                self.course.title,
                producer,
                bytes.fromhex(key)[:16],
            )
        self.progress.advance("course book")
        return key, pages, bool(old)

    def _record(self, modules: list[Job], book: tuple[str, int, bool], quizzes: list[Job]) -> int:
        """Record every file in the order of a clean build: handouts, the book, the papers."""
        for job in modules:
            self._record_job(job)
        key, pages, reused = book
        if reused:
            self.build.reuse(BOOK, "course-pdf")
        else:
            self.build.wrote(BOOK, "course-pdf", key, meta={"pages": pages})
        for job in quizzes:
            self._record_job(job)
        return pages + sum(sum(job.pages) for job in modules + quizzes)

    def _record_job(self, job: Job) -> None:
        for (rel, kind), count in zip(job.files, job.pages, strict=True):
            if job.reused:
                self.build.reuse(rel, kind, job.module, job.quiz)
            else:
                self.build.wrote(rel, kind, job.key, job.module, job.quiz, {**job.meta, "pages": count})
