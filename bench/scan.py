"""How fast `course scan` reads a class's scan: pages per second at 200 dpi, and peak memory.

Run ``python bench/scan.py [PAGES] [--jobs N]`` (default: 120 pages, one
process per core). It renders the Arabic course's bubble sheet of its
``ibm-quiz`` in two versions, fills and distorts ``PAGES`` copies with the
tests' synthetic scanner (``tests/scan/synthetic.py``: marks of every kind,
rotation, perspective, blur, noise, uneven light), writes them into one
PDF of JPEG pages at 200 dpi as an office scanner does, then times
``course scan`` on it in a separate process (as a trainer runs it: the
rasterising of the PDF with PDFium is counted) and samples the resident
memory of that process and its workers every 20 ms (psutil), and their CPU
time (on a shared machine, pages per CPU second says what an idle one would
do: wall time there is CPU time over the cores). The target is at least 4
pages per second on two cores.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.scan import synthetic as syn  # noqa: E402


def make_scan(folder: Path, pages: int) -> tuple[Path, Path]:
    """A quiz file printed in two versions and a PDF of ``pages`` filled, distorted sheets."""
    import yaml
    from PIL import Image

    quiz = syn.quiz_with_versions(syn.ARABIC, 1, 2)
    data = yaml.safe_load(quiz.path.read_text(encoding="utf-8"))
    data["versions"] = 2
    quiz_file = folder / "quizzes" / quiz.path.name
    quiz_file.parent.mkdir(parents=True)
    quiz_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    (folder / "course.yaml").write_text("language: ar\n", encoding="utf-8")
    rng = random.Random(23)
    images = []
    for version in "AB":
        sheet = syn.layout_for(quiz, version, syn.ARABIC)
        page = syn.rasterise(syn.sheet_pdf(syn.ARABIC, quiz, version, folder), 200)[0]
        for _ in range(pages // 2):
            marks, _ = syn.plan_answers(quiz, sheet, 1, rng, ambiguity=0.3)
            images.append(Image.fromarray(syn.distort(syn.fill(page, sheet, 1, marks, 200, rng), rng, jpeg=False)))
    scan = folder / "class.pdf"
    images[0].save(scan, save_all=True, append_images=images[1:], resolution=200, quality=80)
    return quiz_file, scan


def run(quiz_file: Path, scan: Path, folder: Path, jobs: int) -> tuple[float, int, float]:
    """Seconds, peak resident bytes (the process and its workers) and CPU seconds of one `course scan`."""
    command = [sys.executable, str(ROOT / "build.py"), "scan", str(quiz_file), str(scan), "--out", str(folder / "answers.csv"),
               "--review", str(folder / "review.html"), "--jobs", str(jobs)]  # fmt: skip
    start = time.perf_counter()
    process = psutil.Popen(command, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak, cpu = 0, 0.0
    while process.poll() is None:
        try:
            family = [process, *process.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in family if p.is_running()))
            times = [p.cpu_times() for p in family if p.is_running()]
            cpu = max(cpu, sum(t.user + t.system + t.children_user + t.children_system for t in times))
        except psutil.Error:
            pass
        time.sleep(0.02)
    elapsed = time.perf_counter() - start
    out, err = process.communicate()
    if process.returncode not in (0, 2):
        sys.exit(f"course scan failed ({process.returncode}): {err.decode()}")
    return elapsed, peak, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", type=int, nargs="?", default=120)
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="scan-bench-") as scratch:
        folder = Path(scratch)
        quiz_file, scan = make_scan(folder, args.pages)
        rows = []
        for jobs in sorted({1, args.jobs}):
            elapsed, peak, cpu = run(quiz_file, scan, folder, jobs)
            rows.append((jobs, args.pages / elapsed, elapsed, peak / 2**20, cpu))
        print(f"| processes | pages/s (200 dpi) | seconds for {args.pages} pages | CPU seconds | pages per CPU second | peak MiB |")
        print("| --- | --- | --- | --- | --- | --- |")
        for jobs, rate, elapsed, mib, cpu in rows:
            print(f"| {jobs} | {rate:.1f} | {elapsed:.1f} | {cpu:.1f} | {args.pages / cpu if cpu else 0:.1f} | {mib:.0f} |")
        print(f"\nmachine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
