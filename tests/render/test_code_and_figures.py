"""Code blocks coloured by Pygments at build time, and images with captions as figures."""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from course.build.pipeline import BuildOptions, build_course, check_course
from course.load import load_course
from course.render import highlight
from course.render.contrast import contrast  # checked against WCAG's own examples in test_contrast.py
from course.render.markdown import derive, render_modules
from course.render.pdf.handout import PdfRenderer

REPO = Path(__file__).resolve().parents[2]
TOKEN_RULE = re.compile(r"\.highlight \.\w+ \{ color:")
FILL = re.compile(r"([\d.]+) ([\d.]+) ([\d.]+) rg\b")  # a PDF's fill colour: text, in a content stream


def write_module_tail(root: Path, tail: str) -> int:
    module = root / "modules" / "customs-basics.md"
    text = module.read_text(encoding="utf-8")
    module.write_text(text + "\n" + tail, encoding="utf-8")
    return text.count("\n") + 2


def test_a_fenced_block_with_a_language_is_coloured_with_classes_and_no_script():
    data = derive('```python\ndef f(x):\n    return "<b>"  # note\n```\n')
    html = data["html"]
    assert '<div class="highlight"><pre><span></span><code class="language-python">' in html
    assert '<span class="k">def</span>' in html and '<span class="c1"># note</span>' in html
    assert "&lt;b&gt;" in html and "<script" not in html
    assert data["removed"] == [] and data["languages"] == []


def test_a_block_without_a_language_is_shown_uncoloured_and_not_guessed():
    html = derive("```\ndef f(): pass\n```\n")["html"]
    assert '<code class="language-text">def f(): pass' in html and 'class="k"' not in html


def test_an_unknown_language_is_a_warning_at_its_fence(english_copy):
    line = write_module_tail(english_copy, "Text.\n\n```pythn\nx = 1\n```\n\n```python\ny = 2\n```\n")
    course, problems = check_course(english_copy)
    shown = [str(p) for p in problems]
    assert course is not None
    assert any(s.startswith(f"modules/customs-basics.md:{line + 2}: warning: code block language `pythn`") for s in shown), shown
    assert not any("`python`" in s for s in shown)


def test_code_reads_left_to_right_in_print_and_on_screen_and_its_colours_are_not_written_by_hand():
    for css in (REPO / "templates" / "assets" / "css" / "content.css", REPO / "templates" / "pdf" / "content.css"):
        text = css.read_text(encoding="utf-8")
        assert "pre, code, kbd, samp { direction: ltr; unicode-bidi: isolate;" in text
        assert not TOKEN_RULE.search(text), f"{css}: token colours come from Pygments (course.render.highlight)"
    assert '@import url("content.css");' in (REPO / "templates" / "pdf" / "print.css").read_text(encoding="utf-8")


def test_the_code_colours_are_pygments_xcode_and_on_screen_lightbulb_when_the_page_is_dark():
    """Dark code where site.css is dark: the system asks for it and the learner did not choose light, or the learner chose dark."""
    printed, screen = highlight.stylesheet(dark=False), highlight.stylesheet(dark=True)
    assert ".highlight pre { background: #ffffff; color: #000000; }\n.highlight { background: #ffffff; }" in printed
    assert ".highlight .k { color: #A90D91 } /* Keyword */" in printed and "@media" not in printed and "data-theme" not in printed
    light, dark = screen.split("@media screen and (prefers-color-scheme: dark) {\n")
    by_system, chosen = dark.split("@media screen {\n")
    assert printed.split("\n", 1)[1] in light  # the same light colours on screen and in print
    assert '  :root:not([data-theme="light"]) .highlight pre { background: #1d2331; color: #d4d2c8; }' in by_system
    assert '  :root:not([data-theme="light"]) .highlight .k { color: #FFAD66 } /* Keyword */' in by_system
    rules = [line for line in by_system.splitlines() if line.strip() not in ("", "}")]
    assert all(line.startswith('  :root:not([data-theme="light"]) .highlight') for line in rules)
    assert chosen.replace(':root[data-theme="dark"]', ':root:not([data-theme="light"])').strip() == by_system.strip()
    token_classes = re.compile(r"^ *(?::root\S* )?\.highlight \.(\w+) \{", re.MULTILINE)
    assert set(token_classes.findall(light)) <= set(token_classes.findall(by_system)), "a light colour would be left on the dark block"
    # Only colours: Pygments' own `pre { line-height: 125%; }` would undo content.css's 1.5, and nothing styles line numbers.
    assert "line-height" not in screen and "linenos" not in screen


@pytest.mark.parametrize("style", [highlight.LIGHT, highlight.DARK])
def test_a_marked_line_is_tinted_so_every_token_still_reads_and_barred_so_it_stands_out(style):
    """``hl_lines``: Pygments' own highlight colour when every token keeps 4.5:1 on it, else ours; a bar of 3:1 or more."""
    rules = highlight.colours(style)
    block = re.search(r"background: (#\w+)", rules).group(1)
    marked = re.search(r"^\.highlight \.hll \{ (.*) \}$", rules, re.MULTILINE).group(1)
    tint = re.search(r"background-color: (#\w+)", marked).group(1)
    bar = re.search(r"border-inline-start: \S+ solid (#\w+)", marked).group(1)
    assert "display: block" in marked and tint.lower() != block.lower()
    assert contrast(bar, block) >= 3 and contrast(bar, tint) >= 3, f"{style}: the bar {bar}"
    on_tint = [rule for rule in rules.splitlines() if "background-color" not in rule]  # not tokens with a ground of their own
    inks = [m.group(1) for m in (re.search(r"(?<![-\w])color: (#\w+)", rule) for rule in on_tint) if m]
    assert len(inks) > 40
    worst = min(inks, key=lambda ink: contrast(ink, tint))
    assert contrast(worst, tint) >= 4.5, f"{style}: {worst} on the marked line's {tint}"


def test_the_marked_line_takes_the_style_s_own_colour_only_where_every_token_reads_on_it():
    assert "background-color: #ffffcc" in highlight.colours("xcode")  # xcode's own
    assert "#6e7681" not in highlight.colours("lightbulb")  # lightbulb's own grey: its comments would be 1.3:1 on it, its text 3:1


@pytest.mark.parametrize("style", [highlight.LIGHT, highlight.DARK])
def test_every_token_colour_reaches_4_5_to_1_on_its_background(style):
    rules = highlight.colours(style).splitlines()
    block = re.search(r"background: (#\w+)", rules[0]).group(1)
    checked = 0
    for rule in rules:
        ink = re.search(r"(?<![-\w])color: (#\w+)", rule)
        if ink:
            ground = re.search(r"background-color: (#\w+)", rule)
            ratio = contrast(ink.group(1), ground.group(1) if ground else block)
            assert ratio >= 4.5, f"{style}: {rule} is {ratio:.2f}:1"
            checked += 1
    assert checked > 40


def test_the_site_links_the_code_colours_after_content_css(english_copy, tmp_path):
    write_module_tail(english_copy, '```python\ndef f():\n    return "s"\n```\n')
    out = tmp_path / "dist"
    build_course(english_copy, BuildOptions(out=out, pdf=False, lms=False))
    assert (out / "assets" / "css" / "code.css").read_text(encoding="utf-8") == highlight.stylesheet(dark=True)
    listed = {entry["path"]: entry["kind"] for entry in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["outputs"]}
    assert listed["assets/css/code.css"] == "asset"
    for page in ("modules/customs-basics.html", "index.html", "quizzes/customs-basics-quiz.html"):
        html = (out / page).read_text(encoding="utf-8")
        content, code = html.find("assets/css/content.css"), html.find("assets/css/code.css")
        assert 0 < content < code, page


def test_a_handout_prints_code_in_pygments_colours_and_its_marked_line(english_copy):
    write_module_tail(english_copy, '```python hl_lines="2"\ndef f():\n    return "s"  # note\n```\n')
    course, _ = load_course(english_copy)
    render_modules(course)
    module = next(m for m in course.modules if m.id == "customs-basics")
    pdf = PdfRenderer(course).render_module(module, 1, []).write_pdf()
    fills = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        stream = page.get_contents().get_data().decode("latin-1")
        fills |= {tuple(round(float(v) * 255) for v in m.groups()) for m in FILL.finditer(stream)}
    assert {(0xA9, 0x0D, 0x91), (0xC4, 0x1A, 0x16), (0x17, 0x75, 0x00)} <= fills  # xcode's keyword, string, comment
    assert {(0xFF, 0xFF, 0xCC), (0x9A, 0x67, 0x00)} <= fills, "the marked line: xcode's tint and our bar"


def test_an_image_alone_in_its_paragraph_with_a_title_becomes_a_figure():
    html = derive('![A container terminal](customs-basics/terminal.png "The terminal at dawn")\n')["html"]
    assert html == (
        '<figure><img alt="A container terminal" src="customs-basics/terminal.png" />'
        "<figcaption>The terminal at dawn</figcaption>\n</figure>"
    )


def test_an_image_without_a_title_or_with_words_beside_it_stays_an_image():
    assert "<figure" not in derive("![A terminal](customs-basics/terminal.png)\n")["html"]
    beside = derive('See ![A terminal](customs-basics/terminal.png "The terminal") here.\n')["html"]
    assert "<figure" not in beside and 'title="The terminal"' in beside


def test_figure_and_raw_image_without_alt_are_warned_at_their_lines(english_copy):
    folder = english_copy / "modules" / "customs-basics"
    for name in ("quay.png", "gate.png"):
        shutil.copyfile(folder / "terminal.png", folder / name)
    line = write_module_tail(english_copy, '![](customs-basics/quay.png "Caption without alt")\n\n<img src="customs-basics/gate.png">\n')
    course, problems = check_course(english_copy)
    shown = [str(p) for p in problems]
    at = "modules/customs-basics.md"
    assert f"{at}:{line}: warning: image `customs-basics/quay.png` has no alt text: describe it in ![...](...)" in shown
    assert f'{at}:{line + 2}: warning: image `customs-basics/gate.png` has no alt text: describe it in alt="..."' in shown
