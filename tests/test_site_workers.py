"""Site work on two processes: the same files as on one, and the workers really did a share.

A course big enough to be split (``workers.SHARE``) is built with
``jobs=2`` and ``jobs=1``; every page, the Markdown of every module and the
manifest must be the same bytes, and the pool must have handed work to a
worker process. The pool itself is checked on small jobs: results come back
in order, and an error in a worker reaches the caller.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

import course.pipeline
from course.pipeline import BuildOptions, build_course
from course.render import workers
from course.render.workers import SHARE, SitePool

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import synthetic  # noqa: E402


def files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def big_course(tmp_path_factory) -> Path:
    return synthetic.generate(tmp_path_factory.mktemp("big") / "course", SHARE * 2)


@pytest.fixture
def pools(monkeypatch) -> list[SitePool]:
    """Every SitePool the builds of a test made."""
    made = []

    def make(*args, **kwargs):
        made.append(SitePool(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(course.pipeline, "SitePool", make)
    return made


def test_two_processes_write_the_same_site_as_one(big_course: Path, tmp_path: Path, pools):
    build_course(big_course, BuildOptions(out=tmp_path / "two", pdf=False, lms=False, jobs=2))
    modules = 2 * SHARE
    pages = 2 + 2 * modules  # the index, the glossary, a page per module and per quiz
    assert pools[0].handed == modules // 2 + pages // 2, "a worker converted half the Markdown and rendered half the pages"
    build_course(big_course, BuildOptions(out=tmp_path / "one", pdf=False, lms=False, jobs=1))
    assert pools[1].handed == 0, "one job: no worker"
    two, one = files(tmp_path / "two"), files(tmp_path / "one")
    assert two.keys() == one.keys() and len(two) > 4 * SHARE
    assert [name for name in two if two[name] != one[name]] == []
    cache = {name: json.loads((tmp_path / f".{name}-cache" / "markdown.json").read_text(encoding="utf-8")) for name in ("two", "one")}
    assert cache["two"] == cache["one"]


def test_a_small_course_stays_in_this_process(english_copy: Path, tmp_path: Path, pools):
    build_course(english_copy, BuildOptions(out=tmp_path / "dist", pdf=False, lms=False, jobs=2))
    assert len(pools) == 1 and pools[0].workers == 0 and pools[0].handed == 0


def _pids(shared, items: list) -> list:
    return [(workers.resolve(shared)["tag"], item, os.getpid()) for item in items]


def _fails(shared, items: list) -> list:
    if os.getpid() != shared:
        raise ValueError("a worker failed")
    return items


def test_results_come_back_in_order_from_both_processes():
    pool = SitePool(2, pdf=False).start()
    try:
        items = list(range(SHARE * 3))
        results = pool.run(_pids, items, {"tag": "shared"})
    finally:
        pool.close()
    assert [item for _, item, _ in results] == items
    assert {tag for tag, _, _ in results} == {"shared"}
    assert len({pid for _, _, pid in results}) == 2 and os.getpid() in {pid for _, _, pid in results}


def test_an_error_in_a_worker_reaches_the_build():
    pool = SitePool(2, pdf=False).start()
    try:
        with pytest.raises(ValueError, match="a worker failed"):
            pool.run(_fails, list(range(SHARE * 2)), os.getpid())
    finally:
        pool.close()
