"""One build at a time into an output folder: a second build waits for the first, and a dead build holds nothing.

The lock is held here (``BuildCache.locked``) while a real ``python
build.py`` runs in another process: it must say it is waiting, write
nothing until the lock is let go, and then build. A process that took the
lock and was killed must not hold up the next build.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from course.build.cache import BuildCache

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(os.name != "posix", reason="builds are kept apart with flock")


def start_build(course: Path, out: Path) -> subprocess.Popen:
    command = [sys.executable, str(REPO / "build.py"), "--course", str(course), "--out", str(out), "--no-pdf", "--no-lms"]
    return subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_second_build_waits_for_the_first(english_copy: Path, tmp_path: Path):
    out = tmp_path / "dist"
    with BuildCache(out).locked():
        build = start_build(english_copy, out)
        first_line = build.stderr.readline()
        assert first_line.strip() == f"waiting for another build into {out} to finish"
        time.sleep(0.5)
        assert build.poll() is None, "still waiting"
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted([english_copy.name, ".dist-cache"]), "nothing written yet"
    rest, errors = build.communicate(timeout=120)
    assert build.returncode == 0, errors
    assert "built " in errors and (out / "manifest.json").is_file()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["outputs"] and all((out / entry["path"]).is_file() for entry in manifest["outputs"])


def test_no_wait_when_nobody_builds(tmp_path: Path):
    waited = []
    with BuildCache(tmp_path / "dist").locked(lambda: waited.append(True)):
        pass
    with BuildCache(tmp_path / "dist").locked(lambda: waited.append(True)):
        pass
    assert waited == []


HOLD = """
import sys, time
sys.path.insert(0, {repo!r})
from pathlib import Path
from course.build.cache import BuildCache
with BuildCache(Path(sys.argv[1])).locked():
    print("holding", flush=True)
    time.sleep(600)
"""


def test_a_killed_build_holds_nothing(english_copy: Path, tmp_path: Path):
    out = tmp_path / "dist"
    holder = subprocess.Popen([sys.executable, "-c", HOLD.format(repo=str(REPO)), str(out)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        waited = []
        with pytest.raises(TimeoutError):
            with BuildCache(out).locked(lambda: (waited.append(True), _raise_timeout())):
                pass
        assert waited == [True], "the lock was held"
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)
    build = start_build(english_copy, out)
    _, errors = build.communicate(timeout=120)
    assert build.returncode == 0 and "waiting" not in errors, errors


def _raise_timeout():
    raise TimeoutError("would wait")


def test_the_lock_says_whether_a_build_holds_it(tmp_path: Path):
    cache = BuildCache(tmp_path / "dist")
    assert not cache.building(), "no lock file yet"
    with cache.locked():
        assert cache.building()
    assert not cache.building()
