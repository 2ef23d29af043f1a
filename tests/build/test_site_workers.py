"""Site work on forked workers: the same files as on one process, and the workers really did a share.

Workers are forked only from a process that runs no other thread, and this
test process may run some (servers left by other tests), so each case runs
in a fresh Python (``fresh``), as a build does. A course is built with
``jobs=2`` and ``jobs=1``; every page, the Markdown of every module and the
manifest must be the same bytes, and workers must have converted some
modules and rendered some pages. The pool itself is checked on small jobs:
every process takes parts, results come back in order, an error in a
worker reaches the caller, a worker that dies has its parts done by the
caller, and a batch nobody collected is stopped.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
import synthetic  # noqa: E402

from course.build.workers.site_pool import SHARE, SitePool  # noqa: E402


def fresh(case: str, *args: str) -> str:
    """Run ``case_<case>(*args)`` of this file in a new Python; its output."""
    code = f"import sys; sys.path[:0] = [{str(ROOT)!r}]; from tests.build import test_site_workers as t; t.case_{case}(*sys.argv[1:])"
    result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_two_processes_write_the_same_site_as_one(tmp_path: Path):
    course = synthetic.generate(tmp_path / "course", 24)
    handed = json.loads(fresh("build", str(course), str(tmp_path / "two"), "2"))
    assert 0 < handed["derive_all"] < 24, "a worker converted some of the modules' Markdown, this process the rest"
    assert 0 < handed["write_pages"] < 2 * 24, "a worker rendered some of the pages, this process the rest"
    assert json.loads(fresh("build", str(course), str(tmp_path / "one"), "1")) == {}, "one job: no worker"
    two, one = files(tmp_path / "two"), files(tmp_path / "one")
    assert two.keys() == one.keys() and len(two) > 2 * 24
    assert [name for name in two if two[name] != one[name]] == []
    cache = {name: json.loads((tmp_path / f".{name}-cache" / "markdown.json").read_text(encoding="utf-8")) for name in ("two", "one")}
    assert cache["two"] == cache["one"]


def case_build(course: str, out: str, jobs: str) -> None:
    from course.build.pipeline import BuildOptions, build_course

    report = build_course(Path(course), BuildOptions(out=Path(out), pdf=False, lms=False, jobs=int(jobs)))
    print(json.dumps(report.handed))


def test_a_small_course_stays_in_this_process(english_copy: Path, tmp_path: Path):
    assert json.loads(fresh("build", str(english_copy), str(tmp_path / "dist"), "2")) == {}, "fewer than SHARE modules: no fork"


def _pids(shared, items: list) -> list:
    time.sleep(0.003)  # long enough for every process to take parts
    return [(shared["tag"], item, os.getpid()) for item in items]


def test_every_process_takes_parts_and_results_come_back_in_order():
    out = json.loads(fresh("pids", "3"))
    items, pids = out["items"], out["pids"]
    assert items == list(range(SHARE * 4)) and out["tags"] == ["shared"]
    assert len(set(pids)) == 3 and out["me"] in pids, "two workers and this process each did parts"
    assert out["handed"] == {"_pids": sum(1 for pid in pids if pid != out["me"])}


def case_pids(jobs: str) -> None:
    pool = SitePool(int(jobs))
    results = pool.run(_pids, list(range(SHARE * 4)), {"tag": "shared"}, chunk=2)
    pool.close()
    print(
        json.dumps(
            {
                "items": [i for _, i, _ in results],
                "tags": sorted({t for t, _, _ in results}),
                "pids": [p for _, _, p in results],
                "me": os.getpid(),
                "handed": pool.handed,
            }
        )
    )


def _fails(parent: int, items: list) -> list:
    if os.getpid() != parent:
        raise ValueError("a worker failed")
    time.sleep(0.01)  # so that the worker takes parts meanwhile
    return items


def test_an_error_in_a_worker_reaches_the_build():
    assert fresh("fails").strip() == "ValueError: a worker failed"


def case_fails() -> None:
    pool = SitePool(2)
    try:
        pool.run(_fails, list(range(SHARE * 2)), os.getpid(), chunk=1)
    except ValueError as error:
        print(f"ValueError: {error}")
    pool.close()


def _dies(parent: int, items: list) -> list:
    if os.getpid() != parent:
        os._exit(3)  # killed mid-way, say by the out-of-memory killer
    time.sleep(0.005)
    return [item * 10 for item in items]


def test_parts_of_a_worker_that_died_are_done_here():
    out = json.loads(fresh("dies"))
    assert out["results"] == [item * 10 for item in range(SHARE * 2)] and out["handed"] == {}


def case_dies() -> None:
    pool = SitePool(2)
    results = pool.run(_dies, list(range(SHARE * 2)), os.getpid(), chunk=1)
    pool.close()
    print(json.dumps({"results": results, "handed": pool.handed}))


def _slow(shared, items: list) -> list:
    time.sleep(60)
    return items


def test_batches_nobody_collected_are_stopped_with_the_pool():
    out = json.loads(fresh("abandoned"))
    assert len(out["workers"]) == 4 and out["alive"] == []


def case_abandoned() -> None:
    pool = SitePool(3)
    batches = [pool.map(_slow, list(range(SHARE * 2))) for _ in range(2)]
    pids = [pid for batch in batches for pid, _ in batch.children]
    pool.close()  # as the build does when it fails before asking for the results

    def alive(pid: int) -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True

    print(json.dumps({"workers": pids, "alive": [pid for pid in pids if alive(pid)]}))


def test_no_fork_while_another_thread_runs():
    assert fresh("threaded").strip() == "in this process"


def case_threaded() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        pool = SitePool(2)
        results = pool.run(_pids, list(range(SHARE * 2)), {"tag": "t"})
    finally:
        stop.set()
        thread.join()
    print("in this process" if {pid for _, _, pid in results} == {os.getpid()} and pool.handed == {} else "forked")


def test_without_workers_everything_is_done_here():
    pool = SitePool(1)
    results = pool.run(_pids, list(range(SHARE * 2)), {"tag": "here"})
    pool.close()
    assert {pid for _, _, pid in results} == {os.getpid()} and pool.handed == {}
