"""Site work on two processes: the same files as on one, and the workers really did a share.

A course big enough to be split (``workers.POOL_MODULES``) is built with
``jobs=2`` and ``jobs=1``; every page, the Markdown of every module and the
manifest must be the same bytes, and the pool must have handed work to a
worker process. The pool itself is checked on small jobs: both processes
take parts (the worker from the front, this one from the back), results
come back in order, and an error in a worker reaches the caller.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pytest

import course.pipeline
from course.pipeline import BuildOptions, build_course
from course.render import workers
from course.render.workers import POOL_MODULES, SHARE, SitePool

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import synthetic  # noqa: E402


def files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def big_course(tmp_path_factory) -> Path:
    return synthetic.generate(tmp_path_factory.mktemp("big") / "course", POOL_MODULES)


class WaitingPool(SitePool):
    """A pool whose workers are up before the course is read (on a course of 200 modules, reading takes longer)."""

    def start(self) -> SitePool:
        super().start().ready()
        return self


@pytest.fixture
def pools(monkeypatch) -> list[SitePool]:
    """Every SitePool the builds of a test made."""
    made = []

    def make(*args, **kwargs):
        made.append(WaitingPool(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(course.pipeline, "SitePool", make)
    return made


def test_two_processes_write_the_same_site_as_one(big_course: Path, tmp_path: Path, pools):
    build_course(big_course, BuildOptions(out=tmp_path / "two", pdf=False, lms=False, jobs=2))
    handed = pools[0].handed
    assert 0 < handed["derive_all"] < POOL_MODULES, "a worker converted some of the modules' Markdown, this process the rest"
    assert 0 < handed["write_pages"] < 2 * POOL_MODULES, "a worker rendered some of the pages, this process the rest"
    build_course(big_course, BuildOptions(out=tmp_path / "one", pdf=False, lms=False, jobs=1))
    assert pools[1].handed == {}, "one job: no worker"
    two, one = files(tmp_path / "two"), files(tmp_path / "one")
    assert two.keys() == one.keys() and len(two) > 2 * POOL_MODULES
    assert [name for name in two if two[name] != one[name]] == []
    cache = {name: json.loads((tmp_path / f".{name}-cache" / "markdown.json").read_text(encoding="utf-8")) for name in ("two", "one")}
    assert cache["two"] == cache["one"]


def test_a_small_course_stays_in_this_process(english_copy: Path, tmp_path: Path, pools):
    build_course(english_copy, BuildOptions(out=tmp_path / "dist", pdf=False, lms=False, jobs=2))
    assert len(pools) == 1 and pools[0].workers == 0 and pools[0].handed == {}


def _pids(shared, items: list) -> list:
    time.sleep(0.002 * len(items))  # long enough for both processes to take parts
    return [(workers.resolve(shared)["tag"], item, os.getpid()) for item in items]


def _fails(shared, items: list) -> list:
    if os.getpid() != shared:
        raise ValueError("a worker failed")
    time.sleep(0.01)  # so that the worker takes parts meanwhile
    return items


def test_both_processes_take_parts_and_results_come_back_in_order():
    pool = SitePool(2, pdf=False).start()
    assert pool.ready()
    try:
        items = list(range(SHARE * 4))
        results = pool.run(_pids, items, {"tag": "shared"}, chunk=3)
    finally:
        pool.close()
    assert [item for _, item, _ in results] == items
    assert {tag for tag, _, _ in results} == {"shared"}
    pids = [pid for _, _, pid in results]
    assert len(set(pids)) == 2 and os.getpid() in pids
    # the worker takes parts from the front, this process from the back
    assert pids[0] != os.getpid() and pids[-1] == os.getpid()
    assert pool.handed == {"_pids": pids.count(pids[0])}


def test_an_error_in_a_worker_reaches_the_build():
    pool = SitePool(2, pdf=False).start()
    assert pool.ready()
    try:
        with pytest.raises(ValueError, match="a worker failed"):
            pool.run(_fails, list(range(SHARE * 2)), os.getpid())
    finally:
        pool.close()


def test_without_workers_everything_is_done_here():
    pool = SitePool(1, pdf=False).start()
    results = pool.run(_pids, list(range(SHARE * 2)), {"tag": "here"})
    pool.close()
    assert {pid for _, _, pid in results} == {os.getpid()} and pool.handed == {}
