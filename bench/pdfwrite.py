"""What the corrected text layer costs: the course's handouts written with WeasyPrint's own drawing and with ours.

``python bench/pdfwrite.py [--course DIR] [--repeat N]``

Lays the course's module handouts out once, then writes them ``--repeat``
times with each drawing in turn (WeasyPrint's ``draw_first_line`` and font
dictionaries, then ``course.render.pdf.textlayer``'s), in CPU time, and
prints the best of each: writing alone, layout plus writing, and pages per
second. CPU time in one process, because wall time on a shared machine
moves by more than the difference.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--course", type=Path, default=REPO, help="the course folder (default: the shipped course)")
    parser.add_argument("--repeat", type=int, default=7, help="writes per drawing (default 7); the best counts")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    from course.load import load_course
    from course.render.markdown import render_modules
    from course.render.pdf import textcodes, textlayer
    from course.render.pdf.handout import PDF_OPTIONS, PdfRenderer

    course, _ = load_course(args.course)
    render_modules(course)
    renderer = PdfRenderer(course)
    drawings = {
        "WeasyPrint's drawing": (textlayer._original_draw_first_line, textlayer._original_build_fonts),
        "this engine's": (textlayer.draw_first_line, textcodes.build_fonts_dictionary),
    }
    draw_text, pdf = sys.modules["weasyprint.draw.text"], sys.modules["weasyprint.pdf"]
    started = time.process_time()
    documents = {name: [renderer.render_module(m, 4, course.key_terms(m)) for m in course.modules] for name in drawings}
    layout = (time.process_time() - started) / len(drawings)
    pages = sum(len(d.pages) for d in documents["this engine's"])
    best = dict.fromkeys(drawings, float("inf"))
    try:
        for _ in range(args.repeat):
            for name, (draw, fonts) in drawings.items():
                draw_text.draw_first_line, pdf.build_fonts_dictionary = draw, fonts
                started = time.process_time()
                for document in documents[name]:
                    document.write_pdf(**PDF_OPTIONS)
                best[name] = min(best[name], time.process_time() - started)
    finally:
        textlayer.install()
    print(f"{len(course.modules)} handouts, {pages} pages; layout {layout:.2f} s (CPU)\n")
    print(f"| | writing {pages} pages (best of {args.repeat}) | layout + writing | pages/s |")
    print("| --- | ---: | ---: | ---: |")
    base = None
    for name, seconds in best.items():
        rate = pages / (layout + seconds)
        change = f" ({100 * (rate / base - 1):+.0f} %)" if base else ""
        base = base or rate
        print(f"| {name} | {seconds:.2f} s | {layout + seconds:.2f} s | {rate:.1f}{change} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
