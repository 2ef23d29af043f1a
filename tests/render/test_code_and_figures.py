"""Code blocks coloured by Pygments at build time, and images with captions as figures."""

from __future__ import annotations

import shutil
from pathlib import Path

from course.build.pipeline import check_course
from course.render.markdown import derive

REPO = Path(__file__).resolve().parents[2]


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


def test_code_colours_are_in_a_stylesheet_of_their_own_left_to_right_in_print_and_on_screen():
    for css in (REPO / "templates" / "assets" / "css" / "content.css", REPO / "templates" / "pdf" / "content.css"):
        text = css.read_text(encoding="utf-8")
        assert "pre, code, kbd, samp { direction: ltr; unicode-bidi: isolate;" in text
        assert ".highlight .k { color: #A90D91 }" in text  # Pygments' xcode keywords
    assert '@import url("content.css");' in (REPO / "templates" / "pdf" / "print.css").read_text(encoding="utf-8")
    assert "assets/css/content.css" in (REPO / "templates" / "site" / "base.html").read_text(encoding="utf-8")


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
