"""What the corrected text layer costs: the course's handouts written with WeasyPrint's own drawing and with ours.

``python bench/pdfwrite.py [--course DIR] [--modules ID,ID] [--repeat N] [--instructions [--engine DIR]]``

Lays the course's module handouts out once, then writes them with each
drawing (WeasyPrint's ``draw_first_line`` and font dictionaries, then
``course.render.pdf.textlayer``'s), and prints writing alone, layout plus
writing, and the change in pages per second:

- by default in CPU time, ``--repeat`` writes with each drawing in turn, the
  best of each (wall time on a shared machine moves by more than the
  difference, and CPU time still moves by a tenth);
- with ``--instructions``, in instructions, which other load does not move:
  each measure is one process under ``valgrind --tool=cachegrind
  --cache-sim=no`` (valgrind needed), less one that only lays out.
  ``--engine DIR`` measures another checkout (an older engine) the same way.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DRAWINGS = ("WeasyPrint's drawing", "this engine's")


def _documents(course_root: Path, modules: list[str] | None):
    from course.load import load_course
    from course.render.markdown import render_modules
    from course.render.pdf.handout import PdfRenderer

    course, _ = load_course(course_root)
    render_modules(course)
    renderer = PdfRenderer(course)
    chosen = [m for m in course.modules if not modules or m.id in modules]
    return [renderer.render_module(m, 4, course.key_terms(m)) for m in chosen]


def _use(drawing: str) -> None:
    from course.render.pdf import textlayer

    draw_text, pdf = sys.modules["weasyprint.draw.text"], sys.modules["weasyprint.pdf"]
    if drawing == DRAWINGS[0]:
        draw_text.draw_first_line, pdf.build_fonts_dictionary = textlayer._original_draw_first_line, textlayer._original_build_fonts
    else:  # an older engine (--engine) kept the font dictionaries in textlayer
        fonts = getattr(textlayer, "build_fonts_dictionary", None) or sys.modules["course.render.pdf.textcodes"].build_fonts_dictionary
        draw_text.draw_first_line, pdf.build_fonts_dictionary = textlayer.draw_first_line, fonts


def cpu_time(course_root: Path, modules: list[str] | None, repeat: int) -> None:
    from course.render.pdf import textlayer
    from course.render.pdf.handout import PDF_OPTIONS

    started = time.process_time()
    documents = {name: _documents(course_root, modules) for name in DRAWINGS}
    layout = (time.process_time() - started) / len(DRAWINGS)
    pages = sum(len(d.pages) for d in documents[DRAWINGS[1]])
    best = dict.fromkeys(DRAWINGS, float("inf"))
    try:
        for _ in range(repeat):
            for name in DRAWINGS:
                _use(name)
                started = time.process_time()
                for document in documents[name]:
                    document.write_pdf(**PDF_OPTIONS)
                best[name] = min(best[name], time.process_time() - started)
    finally:
        textlayer.install()
    print(f"{len(documents[DRAWINGS[1]])} handouts, {pages} pages; layout {layout:.2f} s (CPU)\n")
    _table(f"writing (best of {repeat})", " s", "pages/s", layout, best, pages)


def instructions(course_root: Path, modules: list[str] | None, engine: Path) -> None:
    counts = {}
    for drawing in ("none", *DRAWINGS):
        command = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null", sys.executable]
        command += [str(Path(__file__).resolve()), "--course", str(course_root), "--once", drawing]
        command += ["--modules", ",".join(modules)] if modules else []
        env = {**os.environ, "PYTHONPATH": str(engine)}
        result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=engine, check=True)
        counts[drawing] = int(re.search(r"I\s+refs:\s+([\d,]+)", result.stderr).group(1).replace(",", ""))
        if drawing == "none":
            pages = int(result.stdout.split()[0])
    layout = counts.pop("none")
    print(f"{engine}: {pages} pages; layout {layout / 1e9:.2f} G instructions\n")
    writing = {name: count / 1e9 - layout / 1e9 for name, count in counts.items()}
    _table("writing", " G", "pages per G", layout / 1e9, writing, pages)


def _table(what: str, unit: str, rate_unit: str, layout: float, writing: dict, pages: int) -> None:
    print(f"| | {what} | layout + writing | {rate_unit} | change |")
    print("| --- | ---: | ---: | ---: | ---: |")
    base = None
    for name, cost in writing.items():
        rate = pages / (layout + cost)
        change = f"{100 * (rate / base - 1):+.1f} %" if base else ""
        base = base or rate
        print(f"| {name} | {cost:.2f}{unit} | {layout + cost:.2f}{unit} | {rate:.3g} | {change} |")


def once(course_root: Path, modules: list[str] | None, drawing: str) -> None:
    """One process for valgrind: lay out, then write with ``drawing`` (``none``: do not write)."""
    from course.render.pdf.handout import PDF_OPTIONS

    documents = _documents(course_root, modules)
    if drawing != "none":
        _use(drawing)
        for document in documents:
            document.write_pdf(**PDF_OPTIONS)
    print(sum(len(d.pages) for d in documents))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--course", type=Path, default=REPO, help="the course folder (default: the shipped course)")
    parser.add_argument("--modules", help="comma-separated module ids (default: every module)")
    parser.add_argument("--repeat", type=int, default=7, help="writes per drawing in CPU time (default 7); the best counts")
    parser.add_argument("--instructions", action="store_true", help="count instructions under valgrind instead")
    parser.add_argument("--engine", type=Path, default=REPO, help="the checkout to measure with --instructions (default: this one)")
    parser.add_argument("--once", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    modules = args.modules.split(",") if args.modules else None
    course_root = args.course.resolve()
    if args.once:
        sys.path.insert(0, os.getcwd())
        once(course_root, modules, args.once)
    elif args.instructions:
        instructions(course_root, modules, args.engine.resolve())
    else:
        sys.path.insert(0, str(REPO))
        cpu_time(course_root, modules, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
