"""How well the text of a build's PDFs reads back: broken words per PDF and per extractor.

``python bench/pdftext.py [--course DIR] [--out DIR] [--pdf DIR] [--show N]``

Builds the course (``--no-lms``, into ``--out`` or a temporary folder), or
reads the PDFs already in ``--pdf``, then extracts the text of every PDF
with three extractors, as a person copying text, a search box or a screen
reader would get it:

- ``pdftotext`` (poppler-utils), what most Linux viewers and tools use;
- PDFium (``pypdfium2``), the engine of Chromium's viewer;
- ``pdfminer.six``, what many Python pipelines (and indexers) use.

Each extracted word of two letters or more is looked up in the words of the
source: the course's Markdown, quiz YAML, glossary, course file and trainer
notes, and the interface strings of its language (the gettext catalogues).
A word that is not a source word is *broken* (split, doubled, reversed or
misread); the table gives their share per PDF and extractor, and ``--show``
lists the commonest. Both sides go through the same tokenisation: Unicode
NFC, Arabic and Latin presentation forms mapped to the letters they stand
for, bidi and other format controls dropped (pdftotext writes them around
runs); nothing else, so that no real break is hidden. A word is a run of
letters and combining marks (harakat stay inside their word). The source's
words are taken as written and also without Markdown's inline markup, which
is not printed («و**يركّز**» reads «ويركّز» on the page).

``broken_words`` and ``source_vocabulary`` are what the tests use.
"""

from __future__ import annotations

import argparse
import collections
import re
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
EXTRACTORS = ("pdftotext", "pdfium", "pdfminer")
PRESENTATION_FORMS = ((0xFB00, 0xFDFF), (0xFE70, 0xFEFF))


def normalise(text: str) -> str:
    """NFC, presentation forms mapped to their letters, format controls (Cf) turned into spaces."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        code = ord(char)
        if any(low <= code <= high for low, high in PRESENTATION_FORMS):
            out.append(unicodedata.normalize("NFKC", char))
        elif unicodedata.category(char) == "Cf":
            out.append(" ")
        else:
            out.append(char)
    return unicodedata.normalize("NFC", "".join(out))


def tokens(text: str) -> list[str]:
    """The words of ``text``: runs of letters and combining marks, in order (any length)."""
    found, word = [], []
    for char in normalise(text):
        if unicodedata.category(char)[0] in "LM":
            word.append(char)
        elif word:
            found.append("".join(word))
            word = []
    if word:
        found.append("".join(word))
    return found


def without_markup(text: str) -> str:
    """``text`` without Markdown's inline markup, which is not printed: «و**يركّز**» is the word «ويركّز» on the page."""
    return MARKUP.sub("", LINK_TARGET.sub("]", text))


LINK_TARGET = re.compile(r"\]\([^)\s]*\)")
MARKUP = re.compile(r"[*`\[\]]")


def counted(word: str) -> bool:
    """Whether a word counts: two letters or more."""
    return sum(unicodedata.category(c)[0] == "L" for c in word) >= 2


def source_vocabulary(course_root: Path, language: str | None = None) -> set[str]:
    """Every word of a course's text files and of its language's interface strings."""
    course_root = Path(course_root)
    files = [course_root / "course.yaml", course_root / "glossary.yaml"]
    for folder, pattern in (("modules", "**/*.md"), ("quizzes", "**/*.yaml"), ("trainer", "**/*.md")):
        files += sorted((course_root / folder).glob(pattern))
    words: set[str] = set()
    for path in files:
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            words.update(tokens(text))
            words.update(tokens(without_markup(text)))
    if language is None:
        import yaml

        language = str(yaml.safe_load((course_root / "course.yaml").read_text(encoding="utf-8")).get("language", "en"))
    words.update(_interface_words(language.split("-")[0]))
    words.update(tokens(" ".join(FILE_NAME_WORDS)))  # a question sheet names its bubble sheet's file: <quiz>-bubbles.pdf
    return words


FILE_NAME_WORDS = ("sheet", "key", "bubbles", "pdf")


def _interface_words(language: str) -> set[str]:
    """The words of the interface strings a PDF of this language prints (English: the message ids)."""
    from babel.messages.pofile import read_po

    words: set[str] = set()
    for po in sorted((REPO / "course" / "locale").glob("*/LC_MESSAGES/*.po")):
        catalog = read_po(po.open("rb"))
        ours = po.parts[-3] == language
        for message in catalog:
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            texts = [*ids] if language == "en" else [s for s in strings if s] if ours else []
            for text in texts:
                words.update(tokens(text))
    return words


def extract(pdf: Path, extractor: str) -> str:
    """The text of ``pdf`` as ``extractor`` gives it, pages separated by form feeds."""
    if extractor == "pdftotext":
        return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    if extractor == "pdfium":
        import pypdfium2

        document = pypdfium2.PdfDocument(str(pdf))
        try:
            pages = []
            for page in document:
                textpage = page.get_textpage()
                pages.append(textpage.get_text_range())
                textpage.close()
                page.close()
            return "\f".join(pages)
        finally:
            document.close()
    if extractor == "pdfminer":
        from pdfminer.high_level import extract_text

        return extract_text(str(pdf))
    raise ValueError(f"unknown extractor {extractor}")


def broken_words(text: str, vocabulary: set[str]) -> tuple[int, list[str]]:
    """The number of counted words in ``text`` and those of them that are not source words."""
    words = [w for w in tokens(text) if counted(w)]
    return len(words), [w for w in words if w not in vocabulary]


def measure(pdfs: list[Path], vocabulary: set[str], extractors=EXTRACTORS) -> dict:
    """{pdf: {extractor: (words, broken list)}}."""
    return {pdf: {e: broken_words(extract(pdf, e), vocabulary) for e in extractors} for pdf in pdfs}


def table(results: dict, root: Path) -> str:
    extractors = list(next(iter(results.values())))
    lines = ["| PDF | words | " + " | ".join(f"{e} broken" for e in extractors) + " |"]
    lines.append("| --- | ---: | " + " | ".join("---:" for _ in extractors) + " |")
    totals = {e: [0, 0] for e in extractors}
    for pdf, by in results.items():
        cells = []
        for e in extractors:
            count, broken = by[e]
            totals[e][0] += count
            totals[e][1] += len(broken)
            cells.append(f"{len(broken)} ({_share(len(broken), count)})")
        lines.append(f"| {pdf.relative_to(root)} | {by[extractors[0]][0]} | " + " | ".join(cells) + " |")
    words = totals[extractors[0]][0]
    lines.append(f"| **all** | {words} | " + " | ".join(f"{b} ({_share(b, c)})" for c, b in totals.values()) + " |")
    return "\n".join(lines)


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.2f} %" if whole else "-"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--course", type=Path, default=REPO, help="the course folder (default: the shipped course)")
    parser.add_argument("--out", type=Path, help="build into this folder (default: a temporary one)")
    parser.add_argument("--pdf", type=Path, help="measure the PDFs already built in this output folder; no build")
    parser.add_argument("--show", type=int, default=10, help="list the N commonest broken words per extractor")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="pdftext-") as scratch:
        out = args.pdf or args.out or Path(scratch) / "dist"
        if not args.pdf:
            command = [sys.executable, str(REPO / "build.py"), "build", "--course", str(args.course), "--out", str(out)]
            command += ["--no-lms", "--quiet"]
            subprocess.run(command, check=True)
        pdfs = sorted(out.rglob("*.pdf"))
        results = measure(pdfs, source_vocabulary(args.course))
        print(table(results, out))
        for extractor in EXTRACTORS:
            common = collections.Counter(w for by in results.values() for w in by[extractor][1]).most_common(args.show)
            if common:
                print(f"\n{extractor}: " + ", ".join(f"{w} ×{n}" for w, n in common))
    return 0


if __name__ == "__main__":
    sys.exit(main())
