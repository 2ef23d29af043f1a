"""The engine as users install it: a wheel (not editable) in a fresh virtual environment, run from outside the repository.

Trial 2 of the UX review: ``pip install .`` gave a wheel without ``templates/``,
so ``build``, ``serve`` and ``classroom`` crashed with ``FileNotFoundError`` and
``new module`` with ``StopIteration``. Here the wheel is built from this tree,
installed with ``--no-deps`` into a new environment whose only other
packages are the dependencies of the running one (a ``.pth`` line to its
site-packages: no editable finder, no repository on the path), and every
command runs from a folder outside the repository.
"""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
ENGLISH = REPO / "tests" / "fixtures" / "english-course"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(the environment's bin folder, a folder outside the repository, the wheel)."""
    pytest.importorskip("hatchling", reason="the wheel is built with hatchling (the `test` extra installs it)")
    work = tmp_path_factory.mktemp("installed")
    wheels = work / "wheels"
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(wheels), str(REPO)],
        capture_output=True,
        text=True,
        cwd=work,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = wheels.glob("course_engine-*.whl")
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bin_dir / "python"
    target = Path(
        subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], capture_output=True, text=True, check=True
        ).stdout.strip()
    )
    # the dependencies, from the running environment; .pth files there (an editable install of the engine) are not read
    (target / "dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n", encoding="utf-8")
    pip = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", "-q", str(wheel)],
        capture_output=True,
        text=True,
    )
    assert pip.returncode == 0, pip.stdout + pip.stderr
    outside = work / "elsewhere"
    outside.mkdir()
    return bin_dir, outside, wheel


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["PYTHONNOUSERSITE"] = "1"
    return env


def run(installed, *arguments: str) -> subprocess.CompletedProcess:
    bin_dir, outside, _ = installed
    return subprocess.run([str(bin_dir / "course"), *arguments], capture_output=True, text=True, cwd=outside, env=_env(), timeout=600)


def test_the_wheel_carries_the_templates_catalogues_schemas_and_migrations(installed):
    names = set(zipfile.ZipFile(installed[2]).namelist())
    for needed in (
        "course/templates/pdf/fonts.css",
        "course/templates/site/module.html",
        "course/templates/assets/js/quiz.js",
        "course/templates/assets/js/classroom.js",
        "course/templates/classroom/base.html",
        "course/templates/scaffold/module.md.j2",
        "course/templates/scaffold/course/course.yaml.j2",
        "course/locale/ar/LC_MESSAGES/site.po",
        "course/locale/fr/LC_MESSAGES/scaffold.po",
        "course/classroom/locale/ar/LC_MESSAGES/classroom.po",
        "course/package/scorm_schemas/scorm12/imscp_rootv1p1p2.xsd",
        "course/classroom/migrations/m001_initial.py",
    ):
        assert needed in names, needed
    # one copy: every file of templates/ is in the wheel, byte for byte
    archive = zipfile.ZipFile(installed[2])
    for path in (REPO / "templates").rglob("*"):
        if path.is_file():
            assert archive.read("course/templates/" + path.relative_to(REPO / "templates").as_posix()) == path.read_bytes()


def test_the_engine_runs_from_the_wheel_not_from_the_repository(installed):
    bin_dir, outside, _ = installed
    where = subprocess.run(
        [str(bin_dir / "python"), "-c", "import course, course.resources as r; print(course.__file__); print(r.TEMPLATES)"],
        capture_output=True,
        text=True,
        cwd=outside,
        env=_env(),
    )
    module, templates = where.stdout.split()
    assert Path(module).is_relative_to(bin_dir.parent), module
    assert Path(templates) == Path(module).parent / "templates"
    version = run(installed, "--version")
    assert version.returncode == 0 and version.stdout.strip() == "course-engine 0.1.0", version.stdout + version.stderr


def test_the_installed_engine_builds_the_english_course_from_another_folder(installed, tmp_path):
    course = tmp_path / "english"
    shutil.copytree(ENGLISH, course)
    assert run(installed, "check", "--course", str(course)).returncode == 0
    built = run(installed, "build", "--course", str(course), "--out", str(tmp_path / "out"))
    assert built.returncode == 0, built.stderr
    kinds = {entry["kind"] for entry in json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))["outputs"]}
    assert {
        "site-index",
        "module-html",
        "quiz-html",
        "module-pdf",
        "course-pdf",
        "quiz-sheet-pdf",
        "quiz-key-pdf",
        "scorm12",
        "qti",
    } <= kinds
    assert "quiz.js" in {p.name for p in (tmp_path / "out").rglob("*.js")}

    template = tmp_path / "answers.csv"
    graded = run(installed, "grade", str(course / "quizzes" / "customs-basics-quiz.yaml"), "--template", str(template))
    assert graded.returncode == 0, graded.stderr
    assert template.read_text(encoding="utf-8-sig").startswith("learner,")


def test_the_installed_engine_starts_a_course_that_builds_and_passes_check_strict(installed):
    _, outside, _ = installed
    made = run(installed, "new", "course", "first-aid", "--title", "First aid", "--language", "fr")
    assert made.returncode == 0, made.stderr
    assert "Premiers pas" in (outside / "first-aid" / "modules" / "getting-started.md").read_text(encoding="utf-8")
    strict = run(installed, "check", "--strict", "--course", "first-aid")
    assert strict.returncode == 0, strict.stdout + strict.stderr
    added = run(installed, "new", "module", "burns", "--title", "Burns", "--course", "first-aid")
    assert added.returncode == 0, added.stderr
    built = run(installed, "build", "--course", "first-aid", "--out", "site", "--no-pdf")
    assert built.returncode == 0, built.stderr
    assert (outside / "site" / "modules" / "burns.html").is_file()


def test_the_installed_engine_serves_a_course(installed, tmp_path):
    bin_dir, outside, _ = installed
    course = tmp_path / "served"
    assert run(installed, "new", "course", str(course), "--title", "Served", "--language", "en").returncode == 0
    process = subprocess.Popen(
        [str(bin_dir / "course"), "serve", "--course", str(course), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=outside,
        env=_env(),
    )
    try:
        printed = []
        while not printed or not printed[-1].startswith("serving"):
            line = process.stdout.readline()
            assert line, "serve stopped: " + "".join(printed)
            printed.append(line)
        line = printed[-1]
        url = line.split(" at ")[1].split()[0]
        deadline = time.monotonic() + 120
        while True:
            with urllib.request.urlopen(url + "modules/getting-started.html", timeout=60) as response:
                page = response.read().decode("utf-8")
            if "Getting started" in page or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert "Getting started" in page and "FileNotFoundError" not in page
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_the_installed_engine_runs_the_classroom(installed, tmp_path):
    pytest.importorskip("starlette", reason="the classroom extra")
    import socket

    bin_dir, outside, _ = installed
    course = tmp_path / "class"
    assert run(installed, "new", "course", str(course), "--title", "Class", "--language", "ar").returncode == 0
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [str(bin_dir / "course"), "classroom", "--course", str(course), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=outside,
        env=_env(),
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/classroom/join", timeout=30) as response:
                    page = response.read().decode("utf-8")
                break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, "the classroom did not start"
                time.sleep(0.5)
        assert 'dir="rtl"' in page and "<form" in page
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_the_sdist_carries_the_templates_and_builds_the_same_wheel(installed, tmp_path):
    made = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from hatchling.builders.sdist import SdistBuilder; print(*SdistBuilder(sys.argv[1]).build(directory=sys.argv[2]))",
            str(REPO),
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    import tarfile

    with tarfile.open(made.stdout.strip()) as sdist:
        names = sdist.getnames()
        sdist.extractall(tmp_path / "src", filter="data")
    assert any(name.endswith("/templates/pdf/fonts.css") for name in names) and any(name.endswith("/hatch_build.py") for name in names)
    (source,) = (tmp_path / "src").iterdir()
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path / "wheels"), str(source)],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "wheels").glob("*.whl")
    assert sorted(zipfile.ZipFile(wheel).namelist()) == sorted(zipfile.ZipFile(installed[2]).namelist())
