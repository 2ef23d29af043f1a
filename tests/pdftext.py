"""Reading PDFs back the way a person or a screen reader would: pdftotext and pypdf."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def need_poppler() -> None:
    if not shutil.which("pdftotext") or not shutil.which("pdffonts"):
        pytest.skip("poppler-utils is not installed (apt-get install poppler-utils)")


def pdftotext(path: Path, first: int | None = None, last: int | None = None) -> str:
    need_poppler()
    args = ["pdftotext", "-enc", "UTF-8"]
    if first:
        args += ["-f", str(first)]
    if last:
        args += ["-l", str(last)]
    return subprocess.run([*args, str(path), "-"], capture_output=True, text=True, check=True).stdout


def flat(text: str) -> str:
    """Bidi controls removed, all white space folded to one space."""
    return " ".join(BIDI_CONTROLS.sub("", text).split())


def words(text: str) -> list[str]:
    """Words without punctuation or brackets, in order (pdftotext mirrors brackets in RTL runs).

    A change of script also ends a word: pdftotext moves the space at the edge
    of an LTR run inside the run, so "API مع" can come back as "API" + "مع"
    with no space between them.
    """
    return re.findall(r"[A-Za-z0-9]+|[\u0600-\u06ff]+", BIDI_CONTROLS.sub("", text))


def pdffonts(path: Path) -> list[dict]:
    need_poppler()
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    fonts = []
    for line in out:
        parts = line.split()
        # name type... encoding emb sub uni object ID: the last five columns are fixed
        fonts.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return fonts


def page_texts(path: Path) -> list[str]:
    need_poppler()
    return pdftotext(path).split("\f")[:-1]
