"""WeasyPrint imported through ``course.render.pdf.weasy``: the same libraries as its own import, without the look-ups.

Each case runs in a fresh Python, where WeasyPrint is not loaded yet. The
shared libraries mapped into the process after the import must be the same
files as after a plain ``import weasyprint``; the fast import must run no
program (``ldconfig``, ``gcc``, ``ld``) where the plain one does; and when
the sonames do not load, WeasyPrint must be imported the usual way, with
nothing printed by the failed attempt. Every part of the engine must take
WeasyPrint from ``weasy``.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the look-ups are skipped on Linux only")

# Counts the programs the import runs and lists the shared libraries mapped afterwards (the import is the argument).
PROBE = """
import json, subprocess, sys
sys.path.insert(0, {root!r})
runs = []
class Counting(subprocess.Popen):
    def __init__(self, args, *rest, **named):
        runs.append(args if isinstance(args, str) else args[0])
        super().__init__(args, *rest, **named)
subprocess.Popen = Counting
{setup}
exec(sys.argv[1])
libraries = sorted({{line.split()[-1] for line in open("/proc/self/maps") if ".so" in line.rsplit("/", 1)[-1]}})
from weasyprint.text import ffi
loaded = sorted(name for name in ("gobject", "pango", "harfbuzz", "harfbuzz_subset", "harfbuzz_vector", "fontconfig", "pangoft2")
                if getattr(ffi, name, None) is not None)
print(json.dumps({{"runs": runs, "libraries": libraries, "loaded": loaded}}))
"""


def probe(statement: str, setup: str = "") -> tuple[dict, str]:
    code = PROBE.format(root=str(ROOT), setup=setup)
    result = subprocess.run([sys.executable, "-c", code, statement], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    *printed, last = result.stdout.strip().splitlines()
    return json.loads(last), "\n".join(printed)


def test_the_same_libraries_without_running_a_program():
    plain, _ = probe("import weasyprint")
    fast, printed = probe("import course.render.pdf.weasy")
    # WeasyPrint's shared objects, from the same files (the engine's own modules may load a few more: csv, Pillow's)
    assert set(plain["libraries"]) <= set(fast["libraries"]), "the same shared objects, from the same files"
    assert fast["loaded"] == plain["loaded"] and {"pango", "harfbuzz", "fontconfig"} <= set(fast["loaded"])
    assert plain["runs"], "WeasyPrint's own import asks ldconfig or gcc (if this fails, the look-ups are gone upstream)"
    assert fast["runs"] == [] and printed == ""


# The sonames fail to load: every dlopen made while find_library answers "not found" raises, as if the system named them otherwise.
SONAMES_FAIL = """
import ctypes.util, cffi.api
dlopen = cffi.api.FFI.dlopen
def failing(self, name, *rest):
    if ctypes.util.find_library("c") is None:
        raise OSError(f"cannot load library {name!r}")
    return dlopen(self, name, *rest)
cffi.api.FFI.dlopen = failing
"""


def test_falls_back_to_the_usual_import_and_prints_nothing_of_the_failed_one():
    plain, _ = probe("import weasyprint")
    fallen, printed = probe("import course.render.pdf.weasy", setup=SONAMES_FAIL)
    assert fallen["runs"], "the usual import ran, look-ups and all"
    assert set(plain["libraries"]) <= set(fallen["libraries"]) and fallen["loaded"] == plain["loaded"]
    assert printed == "", "WeasyPrint's install hint from the failed attempt is not shown"


def test_the_engine_takes_weasyprint_from_weasy_only():
    direct = re.compile(r"^\s*(from weasyprint[\s.]|import weasyprint)", re.MULTILINE)
    sources = sorted((ROOT / "course").rglob("*.py"))
    found = [p.relative_to(ROOT).as_posix() for p in sources if direct.search(p.read_text(encoding="utf-8"))]
    assert found == ["course/render/pdf/weasy.py"]
