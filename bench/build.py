"""How fast a build is, measured side by side with the alternatives.

``python bench/build.py [--sizes 10,50,200] [--jobs N] [--work DIR]``

For each size N it writes a synthetic course (``bench/synthetic.py``: N
Arabic modules of about 1,200 words, a 12-question quiz each, a glossary)
and times, each build a separate process as a user would run it:

- cold: the first build (site, PDFs, LMS packages), then two more
  (``--clean``), each followed by plain WeasyPrint (below); the median of
  the three is reported, as the edits below are medians of three;
- no-op: the same build again, nothing changed;
- paragraph, quiz, module: one paragraph of a module edited (three times,
  each followed by a build; the median is reported), one quiz edited, one
  module added, each followed by a build;
- watch: ``build.py --watch`` running, one paragraph edited three times;
  each is timed from the file's save to the line saying the build is done,
  and the median is reported;
- server: ``build.py --server`` running, one paragraph edited three times,
  each followed by ``python build.py``, which hands its build to the server
  (timed from its start to its exit; the median is reported);
- HTML only: a cold ``--no-pdf --no-lms`` build (the site), five times,
  alternating with MkDocs; the fastest of each is reported (the machine may
  be shared: its slow moments are noise, not the tools);
- a cold ``--no-lms`` build, for the memory the site and PDFs take alone;

and, on the same content and machine, MkDocs building the same Markdown
into a site, and WeasyPrint rendering the handout and quiz-paper HTML our
templates produce with plain ``HTML(string=...).write_pdf()`` (on a sample
of ``--sample`` modules: it gives a rate), right after each cold build, in
one process and in as many processes side by side as our build has
workers, each with a share: two processes on two cores rarely render twice
as fast as one, so our rate is set against both. Our rate is the pages laid
out over the fastest of the three cold builds' PDF stages, plain
WeasyPrint's the fastest of its three runs: the machine's speed may move
between one run and the next. Peak memory is the
largest total resident size of the build process and all its descendants
(the fork server and the PDF workers), sampled every 20 ms with psutil.
It prints a Markdown table and the machine it ran on.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(BENCH))
# psutil and the course generator are imported where they are used, so that a
# measured build (``_build``) loads nothing a plain ``python build.py`` would not.

TIMEOUT = 3600  # seconds, for any one measured process
ROUNDS = 5  # HTML-only builds and MkDocs builds, each; the fastest of each is reported
EDITS = 3  # paragraph edits, one-off and under --watch; the median is reported
PDF_ROUNDS = 3  # cold builds and plain WeasyPrint runs, each, for the PDF rates; the fastest of each is reported


def measure(command: list[str], cwd: Path = REPO) -> dict:
    """Run ``command``; return its wall time, peak memory of its process tree, and its stdout."""
    import psutil

    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = {"total": 0, "largest": 0}
    done = threading.Event()

    def sample():
        try:
            root = psutil.Process(process.pid)
        except psutil.NoSuchProcess:
            return
        while not done.is_set():
            sizes = []
            for member in [root, *_descendants(root)]:
                try:
                    sizes.append(member.memory_info().rss)
                except psutil.Error:
                    pass
            if sizes:
                peak["total"], peak["largest"] = max(peak["total"], sum(sizes)), max(peak["largest"], max(sizes))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        out, err = process.communicate(timeout=TIMEOUT)
    finally:
        done.set()
        sampler.join()
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{err[-3000:]}")
    return {"seconds": seconds, "peak_mb": peak["total"] / 2**20, "largest_mb": peak["largest"] / 2**20, "stdout": out}


def _descendants(process) -> list:
    import psutil

    try:
        return process.children(recursive=True)
    except psutil.Error:
        return []


def build(course: Path, out: Path, *options: str) -> dict:
    result = measure([sys.executable, str(BENCH / "build.py"), "_build", str(course), str(out), *options])
    result["report"] = json.loads(result["stdout"].strip().splitlines()[-1])
    return result


def _build(argv: list[str]) -> int:
    """One build in this process, reported as JSON (what ``measure`` runs)."""
    from course.build.pipeline import BuildOptions, build_course

    course, out, *flags = argv
    jobs = next((int(f.split("=")[1]) for f in flags if f.startswith("--jobs=")), None)
    options = BuildOptions(out=Path(out), pdf="--no-pdf" not in flags, lms="--no-lms" not in flags, clean="--clean" in flags, jobs=jobs)
    report = build_course(Path(course), options)
    print(json.dumps({"pages": report.pages, "rendered": len(report.rendered), "reused": len(report.reused), "seconds": report.seconds}))
    return 0


class Staying:
    """``build.py --watch`` or ``--server`` running on a course, its lines read as they come; ``stop()`` ends it."""

    def __init__(self, course: Path, out: Path, mode: str, flags: list[str]):
        import queue

        command = [sys.executable, str(REPO / "build.py"), "--course", str(course), "--out", str(out), mode, *flags]
        self.mode = mode
        self.process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: [self.lines.put(line) for line in self.process.stderr], daemon=True).start()

    def until(self, start: str) -> str:
        while not (line := self.lines.get(timeout=TIMEOUT)).startswith(start):
            if "not built" in line:
                raise RuntimeError(f"build {self.mode} failed: {line}")
        return line

    def stop(self) -> None:
        import signal

        self.process.send_signal(signal.SIGTERM)  # stops it as Ctrl+C does (SIGINT is ignored if this benchmark was started with `&`)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:  # a bug to look into, not a reason to lose the run's other figures
            self.process.kill()
            print(f"warning: build {self.mode} did not stop within 60 s of SIGTERM; killed", file=sys.stderr, flush=True)


def watched_edits(course: Path, out: Path, flags: list[str], edits: int = EDITS) -> float:
    """``build.py --watch`` on the course: seconds from a paragraph's save to the rebuild's last line (the median of ``edits``)."""
    import synthetic

    watching = Staying(course, out, "--watch", flags)
    seconds = []
    try:
        watching.until("watching ")
        for _ in range(edits):
            synthetic.edit_paragraph(course)
            saved = time.perf_counter()
            watching.until("rebuilt ")
            seconds.append(time.perf_counter() - saved)
    finally:
        watching.stop()
    return statistics.median(seconds)


def served_edits(course: Path, out: Path, flags: list[str], edits: int = EDITS) -> float:
    """``build.py --server`` on the course: seconds a ``python build.py`` takes after a paragraph's save (the median of ``edits``)."""
    import synthetic

    serving = Staying(course, out, "--server", flags)
    command = [sys.executable, str(REPO / "build.py"), "--course", str(course), "--out", str(out), "--quiet", *flags]
    seconds = []
    try:
        serving.until("serving ")
        for _ in range(edits):
            synthetic.edit_paragraph(course)
            seconds.append(measure(command)["seconds"])
            line = serving.until("for pid ")  # the server built it, not the command
            if ": 0 written," in line:
                raise RuntimeError(f"build --server: {line}")
    finally:
        serving.stop()
    return statistics.median(seconds)


def laid_out_pages(out: Path) -> int:
    """Pages a build laid out: handouts, quiz papers and the book's own (cover, contents, glossary).

    The book's module pages are not counted: they are the handouts' pages, copied.
    """
    record = json.loads((out.parent / f".{out.name}-cache" / "build.json").read_text(encoding="utf-8"))
    outputs = record["outputs"].items()
    files = sum(r.get("meta", {}).get("pages", 0) for path, r in outputs if path.startswith("pdf/") and "course-book" not in path)
    return files + sum(part.get("pages", 0) for part in record.get("parts", {}).values())


def mkdocs_project(course: Path, target: Path) -> Path:
    """The same Markdown as an MkDocs project (front matter is MkDocs' own meta-data; same extensions)."""
    docs = target / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    modules = sorted((course / "modules").glob("*.md"))
    for path in modules:
        shutil.copyfile(path, docs / path.name)
    (docs / "index.md").write_text("# الدورة\n\n" + "\n".join(f"- [{p.stem}]({p.name})" for p in modules) + "\n", encoding="utf-8")
    config = [
        "site_name: Benchmark",
        "theme:",
        "  name: mkdocs",
        "  locale: ar",
        "markdown_extensions:",
        "  - extra",
        "  - admonition",
        "  - sane_lists",
        "  - toc",
        "nav:",
        "  - index.md",
        *(f"  - {p.name}" for p in modules),
    ]
    (target / "mkdocs.yml").write_text("\n".join(config) + "\n", encoding="utf-8")
    return target


def raw_weasyprint(course: Path, sample: int, processes: int = 1) -> dict:
    """Plain WeasyPrint's rate on the sample, on ``processes`` processes side by side (each a share of it).

    Each process times its renders after its imports; the rate is every page
    over the longest of those times.
    """
    command = [sys.executable, str(BENCH / "build.py"), "_raw", str(course), str(sample)]
    running = [subprocess.Popen([*command, str(i), str(processes)], cwd=REPO, stdout=subprocess.PIPE, text=True) for i in range(processes)]
    results = []
    for process in running:
        out, _ = process.communicate(timeout=TIMEOUT)
        if process.returncode != 0:
            raise RuntimeError("plain WeasyPrint failed")
        results.append(json.loads(out.strip().splitlines()[-1]))
    return {"pages": sum(r["pages"] for r in results), "seconds": max(r["seconds"] for r in results)}


def _raw(argv: list[str]) -> int:
    """Our handout and quiz-paper HTML, rendered with plain WeasyPrint in one process, timed (share ``i`` of ``n``)."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from course.load import load_course
    from course.render.environment import TEMPLATES, environment
    from course.render.fonts import font_faces
    from course.render.markdown import render_modules
    from course.render.pdf.paper import PAPERS, PrintedVersion, marking_grid, text_dir

    course_root, sample = Path(argv[0]), int(argv[1])
    share, shares = (int(argv[2]), int(argv[3])) if len(argv) > 3 else (0, 1)
    course, _ = load_course(course_root)
    render_modules(course)
    env = environment(course.language)
    fonts = FontConfiguration()
    fonts_css = env.get_template("pdf/fonts.css").render(faces=font_faces(), paper_size=course.paper_size)
    css = [CSS(string=fonts_css, font_config=fonts), CSS(filename=str(TEMPLATES / "pdf" / "print.css"), font_config=fonts)]
    quiz_css = [*css, CSS(filename=str(TEMPLATES / "pdf" / "quiz.css"), font_config=fonts)]
    pages, started = 0, time.perf_counter()
    with tempfile.TemporaryDirectory() as scratch:
        for number, module in list(enumerate(course.modules[:sample], start=1))[share::shares]:
            for template, base in (("pdf/cover.html", course.root), ("pdf/module.html", course.root / "modules")):
                html = env.get_template(template).render(course=course, module=module, number=number, key_terms=course.key_terms(module))
                document = HTML(string=html, base_url=base.resolve().as_uri() + "/").render(stylesheets=css, font_config=fonts)
                document.write_pdf(Path(scratch) / "out.pdf", pdf_tags=True)
                pages += len(document.pages)
        for quiz in course.quizzes[:sample][share::shares]:
            number, module = next((n, m) for n, m in enumerate(course.modules, start=1) if m.id == quiz.module)
            printed = PrintedVersion(quiz, "A", course.language)
            for template, _, _ in PAPERS:
                html = env.get_template(template).render(
                    course=course,
                    quiz=quiz,
                    module=module,
                    number=number,
                    printed=printed,
                    grid=marking_grid(course, quiz, printed),
                    letter_index=lambda v: ord(v) - ord("a"),
                    text_dir=text_dir,
                )
                document = HTML(string=html, base_url=course.root.resolve().as_uri() + "/").render(stylesheets=quiz_css, font_config=fonts)
                document.write_pdf(Path(scratch) / "out.pdf", pdf_tags=True)
                pages += len(document.pages)
    print(json.dumps({"pages": pages, "seconds": time.perf_counter() - started}))
    return 0


def run_size(size: int, work: Path, jobs: str | None, sample: int) -> dict:
    import synthetic

    folder = work / f"n{size}"
    shutil.rmtree(folder, ignore_errors=True)
    course = synthetic.generate(folder / "course", size)
    out = folder / "dist"
    flags = [f"--jobs={jobs}"] if jobs else []
    row = {"size": size}
    print(f"N={size}: cold build...", file=sys.stderr, flush=True)
    cold = build(course, out, *flags)
    row.update(cold_peak=cold["peak_mb"], cold_largest=cold["largest_mb"])
    row["pages"], row["laid_out"] = cold["report"]["pages"], laid_out_pages(out)
    cores = int(jobs or os.cpu_count() or 1)  # as many plain processes as our workers
    colds, stages, ones, boths = [cold["seconds"]], [cold["report"]["seconds"]["pdf"]], [], []
    for round in range(1, PDF_ROUNDS + 1):  # ours and plain WeasyPrint alternately; the fastest of each is reported
        if round > 1:
            print(f"N={size}: cold build again ({round} of {PDF_ROUNDS}), for the PDF rate...", file=sys.stderr, flush=True)
            again = build(course, out, "--clean", *flags)
            colds.append(again["seconds"])
            stages.append(again["report"]["seconds"]["pdf"])
        print(f"N={size}: plain WeasyPrint, on one process and on {cores} side by side...", file=sys.stderr, flush=True)
        one, both = raw_weasyprint(course, min(sample, size)), raw_weasyprint(course, min(sample, size), cores)
        ones.append(one["pages"] / one["seconds"])
        boths.append(both["pages"] / both["seconds"])
    row.update(pdf_seconds=min(stages), pdf_stages=stages, raw_rate=max(ones), raw_both_rate=max(boths))
    row.update(raw_rates=ones, raw_both_rates=boths, cold=statistics.median(colds), colds=colds)
    row["noop"] = build(course, out, *flags)["seconds"]
    paragraphs = []
    for _ in range(EDITS):
        synthetic.edit_paragraph(course)
        paragraphs.append(build(course, out, *flags))
    row.update(paragraph=statistics.median(p["seconds"] for p in paragraphs), paragraph_rendered=paragraphs[-1]["report"]["rendered"])
    synthetic.edit_quiz(course)
    quiz = build(course, out, *flags)
    row.update(quiz=quiz["seconds"], quiz_rendered=quiz["report"]["rendered"])
    synthetic.add_module(course)
    added = build(course, out, *flags)
    row.update(added=added["seconds"], added_rendered=added["report"]["rendered"])
    print(f"N={size}: build --watch, one paragraph edited...", file=sys.stderr, flush=True)
    row["watch"] = watched_edits(course, out, flags)
    print(f"N={size}: build --server, one paragraph edited...", file=sys.stderr, flush=True)
    row["served"] = served_edits(course, out, flags)
    print(f"N={size}: HTML only, MkDocs...", file=sys.stderr, flush=True)
    project = mkdocs_project(course, folder / "mkdocs")
    mkdocs = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(project / "mkdocs.yml"), "-d", str(project / "site")]
    ours, theirs = [], []
    for _ in range(ROUNDS):  # alternately, so that a busy moment of the machine does not favour either
        ours.append(build(course, folder / "html", "--no-pdf", "--no-lms", "--clean")["seconds"])
        theirs.append(measure(mkdocs)["seconds"])
    row["html"], row["mkdocs"] = min(ours), min(theirs)
    print(f"N={size}: cold build without LMS packages, for its memory...", file=sys.stderr, flush=True)
    bare = build(course, folder / "bare", "--no-lms", "--clean", *flags)
    row.update(bare_peak=bare["peak_mb"], bare_largest=bare["largest_mb"])
    row["our_rate"] = row["laid_out"] / row["pdf_seconds"]
    return row


def table(rows: list[dict], cores: int) -> str:
    lines = [
        "| | " + " | ".join(f"N = {r['size']}" for r in rows) + " |",
        "| --- |" + " --- |" * len(rows),
    ]

    def line(label, cell):
        lines.append(f"| {label} | " + " | ".join(cell(r) for r in rows) + " |")

    line("cold build (site, PDFs, LMS; median of 3)", lambda r: f"{r['cold']:.1f} s")
    line("no-op rebuild", lambda r: f"{r['noop']:.2f} s")
    line(
        "one paragraph edited (median of 3)",
        lambda r: f"{r['paragraph']:.1f} s ({100 * r['paragraph'] / r['cold']:.1f} % of cold; {r['paragraph_rendered']} files)",
    )
    line(
        "one paragraph edited, `build --watch` running (median of 3)",
        lambda r: f"{r['watch']:.2f} s ({100 * r['watch'] / r['cold']:.1f} % of cold)",
    )
    line(
        "one paragraph edited, `python build.py` with `build --server` running (median of 3)",
        lambda r: f"{r['served']:.2f} s ({100 * r['served'] / r['cold']:.1f} % of cold)",
    )
    line("one quiz edited", lambda r: f"{r['quiz']:.1f} s ({r['quiz_rendered']} files)")
    line("one module added", lambda r: f"{r['added']:.1f} s ({r['added_rendered']} files)")
    line("HTML only (`--no-pdf --no-lms`)", lambda r: f"{r['html']:.1f} s")
    line("MkDocs, same Markdown", lambda r: f"{r['mkdocs']:.1f} s ({r['mkdocs'] / r['html']:.1f}× ours)")
    line(
        f"PDF pages/s, ours ({cores} processes)",
        lambda r: f"{r['our_rate']:.1f} ({r['laid_out']} pages laid out in {r['pdf_seconds']:.0f} s)",
    )
    line("PDF pages/s, plain WeasyPrint (1 process)", lambda r: f"{r['raw_rate']:.1f}")
    line(f"PDF pages/s, plain WeasyPrint ({cores} processes side by side)", lambda r: f"{r['raw_both_rate']:.1f}")
    line(f"ours ÷ ({cores} × plain on 1 process)", lambda r: f"{100 * r['our_rate'] / (cores * r['raw_rate']):.0f} %")
    line(f"ours ÷ plain on {cores} processes", lambda r: f"{100 * r['our_rate'] / r['raw_both_rate']:.0f} %")
    line("peak memory, cold build (all processes)", lambda r: f"{r['cold_peak']:.0f} MB (largest process {r['cold_largest']:.0f} MB)")
    line("peak memory, cold build without LMS packages", lambda r: f"{r['bare_peak']:.0f} MB (largest process {r['bare_largest']:.0f} MB)")
    return "\n".join(lines)


def machine() -> str:
    import psutil

    model = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
        platform.processor(),
    )
    memory = psutil.virtual_memory().total / 2**30
    return f"{os.cpu_count()} cores ({model}), {memory:.0f} GiB RAM, Python {platform.python_version()}, {platform.platform()}"


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "_build":
        return _build(argv[1:])
    if argv and argv[0] == "_raw":
        return _raw(argv[1:])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,50,200", help="module counts, comma-separated (default: 10,50,200)")
    parser.add_argument("--jobs", help="--jobs for our builds (default: every core)")
    parser.add_argument("--sample", type=int, default=20, help="modules and quizzes plain WeasyPrint renders for its rate (default: 20)")
    parser.add_argument("--work", type=Path, help="scratch folder (default: a temporary one, removed afterwards)")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="course-bench-"))
    try:
        rows = [run_size(int(size), work, args.jobs, args.sample) for size in args.sizes.split(",")]
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    print(f"Machine: {machine()}\n")
    print(table(rows, int(args.jobs or os.cpu_count() or 1)))
    print("\n" + json.dumps(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
