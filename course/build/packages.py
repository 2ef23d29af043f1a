"""Stage four, incremental: LMS packages and quiz exports, redone only where needed.

A quiz export (QTI, Moodle XML, GIFT) is redone only for the quizzes whose
key changed, by handing the exporter a course holding just those quizzes; a
course package (SCORM) is redone whenever anything it could hold changed.
When the PDF stage leaves a core free, the course packages are begun beside
it (``Begun``: everything but the PDFs, which are appended after), and
finished or dropped here. Every file is recorded in registry order, as a
clean build records it.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from ..model import Course
from ..package import EXPORTERS, Written, export_all
from .incremental import Incremental
from .keys import QUIZ_EXPORTERS, Keys


class Begun:
    """Course packages begun while the PDFs are laid out (``begin``), finished by ``write_packages``."""

    def __init__(self, course: Course, build: Incremental, pending: set[str]):
        self.course, self.build, self.pending = course, build, frozenset(pending)
        self.writers: dict = {}

    def begin(self) -> None:
        """Write every course package but its PDFs, one after the other, on the core the PDFs leave free."""
        from ..package.scorm import BEGUN

        for name in [name for name in EXPORTERS if name in BEGUN]:
            self.writers[name] = BEGUN[name](self.course, self.build.output.root, self.pending)

    def take(self, name: str):
        return self.writers.pop(name, None)

    def abort(self) -> None:
        for writer in self.writers.values():
            writer.abort()
        self.writers = {}


def write_packages(course: Course, build: Incremental, keys: Keys, which: str = "all", begun: Begun | None = None) -> None:
    """Run the exporters in registry order, reusing what did not change.

    ``which``: "quizzes" (the quiz exports, which need only the model: a build
    writes them before the PDFs), "course" (the course packages, which hold
    the site and the PDFs: they come last) or "all". ``begun``: packages
    begun beside the PDF stage, finished here (or dropped, if the last
    build's are still right).
    """
    site = [(entry.path, entry.sha256) for entry in build.output.entries]  # what a course package may hold
    names = [n for n in EXPORTERS if which == "all" or (n in QUIZ_EXPORTERS) == (which == "quizzes")]
    plans: dict[str, list] = {}
    stale: dict[str, str] = {}  # course exporter -> its key, when its package must be made again
    for name in names:
        if name in QUIZ_EXPORTERS:
            plans[name] = _quiz_exports(course, build, keys, name)
            continue
        key, olds = keys.course_export(name, site), _previous(build, name)
        writer = begun.take(name) if begun is not None else None
        if olds and all(build.reusable(rel, key) for rel in olds):
            plans[name] = [(rel, None, None) for rel in olds]
            if writer is not None:
                writer.abort()
        elif writer is not None:
            written = Written(writer.finish(), name)
            plans[name] = [(_rel(build, written), key, written)]
        else:
            stale[name] = key
    exported = _side_by_side(lambda name: export_all(course, build.output.root, [name]), list(stale))
    for name, written in exported.items():
        plans[name] = [(_rel(build, item), stale[name], item) for item in written]
    for name in names:
        for rel, key, item in plans[name]:
            _record(build, name, rel, key, item)


def _side_by_side(work, names: list[str]) -> dict:
    """``work(name)`` for each of the course packages at once, on threads: most of a package's time is zlib's, which lets the others run."""
    if len(names) < 2:
        return {name: work(name) for name in names}
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(len(names), thread_name_prefix="course-package") as threads:
        running = {name: threads.submit(work, name) for name in names}
        return {name: future.result() for name, future in running.items()}


def _quiz_exports(course: Course, build: Incremental, keys: Keys, name: str) -> list:
    """For each quiz in order: its files from the last build, or from the exporter run on the quizzes that changed."""
    keyed = {quiz.id: keys.quiz_export(name, quiz) for quiz in course.quizzes}
    olds: dict[str, list[str]] = {}
    for rel in _previous(build, name):
        olds.setdefault(build.previous[rel]["meta"]["quiz"], []).append(rel)
    stale = [q for q in course.quizzes if not olds.get(q.id) or not all(build.reusable(rel, keyed[q.id]) for rel in olds[q.id])]
    fresh: dict[str, list[Written]] = {}
    for item in export_all(dataclasses.replace(course, quizzes=stale), build.output.root, [name]) if stale else []:
        fresh.setdefault(item.quiz, []).append(item)
    stale_ids = {q.id for q in stale}
    plan = []
    for quiz in course.quizzes:
        if quiz.id in stale_ids:
            plan += [(_rel(build, item), keyed[quiz.id], item) for item in fresh.get(quiz.id, [])]
        else:
            plan += [(rel, None, None) for rel in olds[quiz.id]]
    return plan


def _previous(build: Incremental, name: str) -> list[str]:
    return [rel for rel, record in build.previous.items() if record.get("meta", {}).get("exporter") == name]


def _rel(build: Incremental, item: Written) -> str:
    return Path(item.path).relative_to(build.output.root).as_posix()


def _record(build: Incremental, name: str, rel: str, key: str | None, item: Written | None) -> None:
    if item is None:
        meta = build.previous[rel]["meta"]
        build.reuse(rel, meta["kind"], quiz=meta["quiz"])
    else:
        build.wrote(rel, item.kind, key, quiz=item.quiz, meta={"exporter": name, "kind": item.kind, "quiz": item.quiz})
