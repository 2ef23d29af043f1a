"""Sites without PDFs or packages, for the learner's features (faster than the full builds)."""

from __future__ import annotations

from pathlib import Path

import pytest

from course.build.pipeline import BuildOptions, build_course

REPO = Path(__file__).resolve().parents[2]
ENGLISH = REPO / "tests" / "fixtures" / "english-course"


@pytest.fixture(scope="session")
def english_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("english-site") / "dist"
    build_course(ENGLISH, BuildOptions(out=out, pdf=False, lms=False))
    return out


@pytest.fixture(scope="session")
def arabic_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("arabic-site") / "dist"
    build_course(REPO, BuildOptions(out=out, pdf=False, lms=False))
    return out
