"""Maths in module Markdown: which dollars are maths, MathML for the site, SVG for the PDFs, warnings for bad TeX."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from course.build.pipeline import BuildOptions, build_course, check_course
from course.render.markdown import derive
from course.render.pdf.printable import printable

REPO = Path(__file__).resolve().parents[2]


def html_of(body: str) -> str:
    data = derive(body)
    assert data["removed"] == [], data["removed"]  # the sanitizer keeps the MathML as written
    return data["html"]


def test_inline_maths_becomes_mathml_isolated_left_to_right():
    html = html_of("The area is $A = \\pi r^2$ here.")
    assert '<span class="math" dir="ltr"><math alttext="A = \\pi r^2" display="inline">' in html
    assert "<mi>π</mi>" in html and "<msup><mi>r</mi><mn>2</mn></msup>" in html
    assert "$" not in html


def test_display_maths_is_a_centred_block_of_its_own():
    html = html_of("Before.\n\n$$\nx = \\frac{-b \\pm \\sqrt{b^2-4ac}}{2a}\n$$\n\nAfter.")
    assert '<div class="math-display" dir="ltr">' in html
    assert 'display="block"' in html and "<mfrac>" in html and "<msqrt>" in html


@pytest.mark.parametrize(
    "text",
    [
        "It costs $5 and $10 at the port.",  # the closing dollar follows a space: text
        "Write \\$x\\$ to show dollars.",  # escaped
        "Inline code `$x$` stays code.",
        "A lone $ sign.",
        "Between $ 5 $ with spaces.",  # a dollar followed by a space does not open maths
    ],
)
def test_dollars_in_ordinary_text_are_not_maths(text):
    html = html_of(text)
    assert "<math" not in html
    assert "$" in html


def test_right_to_left_text_keeps_the_formula_left_to_right():
    html = html_of("المسافة تساوي $d = v \\times t$ دائمًا.")
    start = html.index('<span class="math" dir="ltr">')
    assert html[:start].endswith("المسافة تساوي ") and "دائمًا" in html[start:]


def write_module_tail(root: Path, tail: str) -> int:
    module = root / "modules" / "customs-basics.md"
    text = module.read_text(encoding="utf-8")
    module.write_text(text + "\n" + tail, encoding="utf-8")
    return text.count("\n") + 2


def test_invalid_tex_is_a_warning_at_its_line_not_a_traceback(english_copy):
    line = write_module_tail(english_copy, "Fine $x^2$ text.\n\nBroken $x^$ here.\n\nUnknown $\\foo y$ too.\n")
    course, problems = check_course(english_copy)
    shown = [str(p) for p in problems]
    assert course is not None, shown
    assert any(s.startswith(f"modules/customs-basics.md:{line + 2}: warning: maths `x^` does not parse") for s in shown), shown
    assert any(s.startswith(f"modules/customs-basics.md:{line + 4}: warning: maths `\\foo y` uses `\\foo`") for s in shown), shown
    assert not any("x^2" in s for s in shown)
    course, problems = check_course(english_copy, strict=True)
    assert course is None


def test_invalid_tex_is_shown_as_its_source():
    data = derive("Broken $x^$ here.")
    assert '<code class="math-source">$x^$</code>' in data["html"]
    assert data["maths"] and data["maths"][0][1] == "x^"


def test_href_in_tex_does_not_make_a_link_and_is_named():
    data = derive("A $\\href{javascript:alert(1)}{x}$ link.")
    assert " href=" not in data["html"]
    assert any("href=" in what and "formula" in why for what, _, why in data["removed"]), data["removed"]


def test_a_body_without_maths_does_not_import_the_maths_libraries():
    """(Pygments comes in with Python-Markdown's fenced_code, whatever the body; it loads a language's lexer when a block names it.)"""
    script = (
        "import sys; from course.render.markdown import derive; "
        "derive('# Plain\\n\\nWords and a [link](other.md) and ![alt](x/y.png \"A caption\").\\n'); "
        "print(sorted(m for m in ('latex2mathml', 'pymdownx', 'ziamath') if m in sys.modules))"
    )
    plain = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True)
    assert plain.stdout.strip() == "[]", plain.stdout + plain.stderr
    script = script.replace("Words and", "Area $x^2$ and")
    maths = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True)
    assert "latex2mathml" in maths.stdout and "pymdownx" in maths.stdout and "ziamath" not in maths.stdout


def test_pdf_html_draws_each_formula_as_svg_sized_in_em_with_no_ids():
    html = html_of("One $x^2$ and again $x^2$.\n\n$$\n\\frac{a}{b}\n$$\n")
    printed = printable(html, "en")
    assert "<math" not in printed and printed.count('<svg class="math-drawn"') + printed.count("math-drawn") >= 3
    assert 'width="' in printed and 'em"' in printed and "vertical-align: -" in printed
    assert " id=" not in printed  # a PDF takes every id for an anchor: two drawings of x^2 would define one twice
    assert "<title>x^2</title>" in printed  # the TeX, for whoever cannot see the drawing


def test_handout_shows_the_drawn_formula_not_its_characters_in_a_row(english_copy, tmp_path):
    write_module_tail(english_copy, "The rate is $n = \\frac{a^2}{b}$ per hour.\n")
    out = tmp_path / "dist"
    build_course(english_copy, BuildOptions(out=out, lms=False))
    site = (out / "modules" / "customs-basics.html").read_text(encoding="utf-8")
    assert "<mfrac>" in site and "assets/css/content.css" in site
    handout = next((out / "pdf").rglob("customs-basics*.pdf"))
    text = subprocess.run(["pdftotext", str(handout), "-"], capture_output=True, text=True, check=True).stdout
    assert "The rate is" in text and "per hour" in text
    assert "a2" not in text.replace(" ", "")  # WeasyPrint would print MathML as `n=a2b`
