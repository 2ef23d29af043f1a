"""The package's import direction (course/__init__.py), held by import-linter's contracts in pyproject.toml.

Each broken layer below is planted in a copy of the engine, to show the
contracts catch it: an import that runs against the pipeline fails this file.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# import-linter on the engine in TREE (not on the installed one, which an editable install would find first).
LINT = textwrap.dedent(
    """
    import sys
    sys.meta_path[:] = [finder for finder in sys.meta_path if "editable" not in repr(finder).lower()]
    sys.path.insert(0, sys.argv[1])
    from importlinter.cli import lint_imports
    sys.exit(lint_imports(config_filename=sys.argv[2], no_cache=True, no_logo=True))
    """
)


def lint(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", LINT, str(tree), str(tree / "pyproject.toml")], capture_output=True, text=True, cwd=tree)


def test_the_engine_keeps_its_layers():
    result = lint(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


PLANTED = [
    # (file, import added in a function, the contract it breaks)
    ("course/grading/rules.py", "from ..load import load_course", "Imports run one way"),
    ("course/load/modules.py", "from ..grading.rules import normalize", "Imports run one way"),
    ("course/render/site/pages.py", "from ...build.keys import Keys", "Imports run one way"),
    ("course/render/markdown.py", "from ..package import EXPORTERS", "Imports run one way"),
    ("course/build/pipeline.py", "from ..commands import discover", "Imports run one way"),
    ("course/model.py", "from .render import TEMPLATES", "Imports run one way"),
    ("course/classroom/app.py", "from ..build.cache import BuildCache", "The classroom builds its site through the pipeline"),
]


@pytest.mark.parametrize(("path", "statement", "contract"), PLANTED, ids=[f"{p}: {s}" for p, s, _ in PLANTED])
def test_an_import_against_the_layers_is_caught(tmp_path, path, statement, contract):
    shutil.copytree(REPO / "course", tmp_path / "course", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path)
    with open(tmp_path / path, "a", encoding="utf-8") as source:
        source.write(f"\n\ndef _planted():\n    {statement}\n")
    result = lint(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    broken = result.stdout.split("Broken contracts", 1)[-1]
    assert contract in broken and "1 broken" in result.stdout, result.stdout
