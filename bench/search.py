"""How big the search index is and how fast search answers, on the synthetic course.

``python bench/search.py [--modules 200] [--work DIR]``

Writes the synthetic course (``bench/synthetic.py``: N Arabic modules of
about 1,200 words each and a glossary), builds its site (no PDFs, no LMS
packages), then, in Chromium from ``file://`` (as a learner opens it):

- the size of ``assets/search-index.js``, plain and gzipped (as a server
  would send it), and of the vendored engine;
- the time the page takes to parse the index script (load to CourseSearch
  being there) and to build the MiniSearch index (done on the box's first
  focus);
- the time of each query of a fixed list (median and worst of 5 runs each),
  the results counted.

Prints a Markdown table; nothing is kept unless ``--work`` is given.
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

# Arabic as learners type it (no diacritics, ا for أ, ه for ة, attached prefixes); the synthetic course has no English.
QUERIES = ["الحدود", "المعلومات المسبقه عن الركاب", "جواز السفر الالكتروني", "امن", "بالتعاون", "مبادره", "والتاشيرات"]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", type=int, default=200)
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args(argv)

    from bench.synthetic import generate
    from course.build.pipeline import BuildOptions, build_course
    from tests.browser import chromium_path, launch

    with tempfile.TemporaryDirectory() as scratch:
        work = args.work or Path(scratch)
        course = generate(work / "course", args.modules)
        out = work / "dist"
        started = time.perf_counter()
        build_course(course, BuildOptions(out=out, pdf=False, lms=False))
        build_seconds = time.perf_counter() - started
        index = (out / "assets" / "search-index.js").read_bytes()
        engine = sum((out / "assets" / "vendor" / name).stat().st_size for name in ("minisearch.min.js", "stemmer.min.js"))
        rows = [
            ("modules", str(args.modules)),
            ("site build (no PDF, no LMS)", f"{build_seconds:.1f} s"),
            ("search-index.js", f"{len(index) / 1024:.0f} KiB ({len(gzip.compress(index)) / 1024:.0f} KiB gzipped)"),
            ("engine (MiniSearch + stemmer, minified)", f"{engine / 1024:.1f} KiB"),
        ]
        if chromium_path() is None:
            print("chromium is missing: sizes only", file=sys.stderr)
        else:
            from playwright.sync_api import sync_playwright

            with sync_playwright() as playwright:
                browser = launch(playwright)
                page = browser.new_page()
                page.goto((out / "index.html").as_uri())
                page.wait_for_function("() => window.CourseSearch !== undefined")
                # Loading and running the index script again, as each page does (read from disk and parsed).
                timing = page.evaluate(
                    """() => new Promise((done) => { const t = performance.now(); const s = document.createElement('script');
                    s.src = 'assets/search-index.js'; s.onload = () => done(performance.now() - t); document.head.append(s); })"""
                )
                build_ms = page.evaluate("() => { const t = performance.now(); CourseSearch.search('x'); return performance.now() - t; }")
                rows.append(("search-index.js loaded and parsed (file://)", f"{timing:.0f} ms"))
                rows.append(("MiniSearch index built (first focus)", f"{build_ms:.0f} ms"))
                docs = page.evaluate("() => CourseSearchIndex.docs.length")
                rows.append(("documents (sections and glossary entries)", str(docs)))
                for query in QUERIES:
                    runs = page.evaluate(
                        """(q) => { const out = []; let n = 0;
                        for (let i = 0; i < 5; i++) {
                          const t = performance.now(); n = CourseSearch.search(q).length; out.push(performance.now() - t);
                        }
                        return [out, n]; }""",
                        query,
                    )
                    times, count = runs
                    rows.append(
                        (f"query «{query}»", f"{statistics.median(times):.1f} ms median, {max(times):.1f} ms worst, {count} results")
                    )
                browser.close()
    print("| measure | value |\n| --- | --- |")
    for name, value in rows:
        print(f"| {name} | {value} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
