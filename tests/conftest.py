"""Fixtures layered like the pipeline: a scratch course, a built site, a browser."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from course.build.pipeline import BuildOptions, build_course

# The classroom's fixtures and helpers (a plugin of its test modules) get pytest's assert messages too.
pytest.register_assert_rewrite("tests.classroom.fixtures")

REPO = Path(__file__).resolve().parent.parent
ENGLISH = REPO / "tests" / "fixtures" / "english-course"
SHARED = REPO.parent / "shared"


@pytest.fixture
def english_copy(tmp_path) -> Path:
    """A private copy of the English fixture course to break or edit."""
    target = tmp_path / "course"
    shutil.copytree(ENGLISH, target)
    return target


@pytest.fixture(scope="session")
def english_build(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("english") / "dist"
    build_course(ENGLISH, BuildOptions(out=out))
    return out


@pytest.fixture(scope="session")
def shipped_build(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("shipped") / "dist"
    build_course(REPO, BuildOptions(out=out))
    return out


@pytest.fixture(scope="session")
def browser():
    from tests.browser import chromium_path, launch

    if chromium_path() is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium); browser tests need it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = launch(playwright)
        yield instance
        instance.close()


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside this clone; the seed documents are needed for this test")
    return SHARED
