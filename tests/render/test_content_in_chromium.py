"""Maths, code, a figure and a video on an Arabic module page, as Chromium lays them out (and axe-core checks them)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from course.build.pipeline import BuildOptions, build_course
from tests.browser import describe, run_axe

BODY = """
## معادلة

المسافة تساوي $d = v \\times t$ حيث السرعة ثابتة.

$$
x = \\frac{-b \\pm \\sqrt{b^2 - 4ac}}{2a}
$$

## شيفرة

```python
def area(r):
    return 3.14159 * r ** 2  # the area
```

## صورة

![رسم لحقيبة الإسعاف](demo/kit.png "حقيبة الإسعافات الأولية")

<video controls preload="none" src="demo/clip.mp4" poster="demo/kit.png">
<track kind="captions" src="demo/clip.vtt" srclang="ar" label="العربية" default>
</video>
"""


@pytest.fixture(scope="module")
def arabic_page(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("arabic") / "course"
    (root / "modules" / "demo").mkdir(parents=True)
    (root / "course.yaml").write_text("title: دورة تجريبية\nlanguage: ar\n", encoding="utf-8")
    (root / "modules" / "demo.md").write_text("---\ntitle: الرياضيات والشيفرة\n---\n" + BODY, encoding="utf-8")
    Image.new("RGB", (320, 180), (200, 30, 30)).save(root / "modules" / "demo" / "kit.png")
    (root / "modules" / "demo" / "clip.mp4").write_bytes(b"\0" * 64)
    (root / "modules" / "demo" / "clip.vtt").write_text("WEBVTT\n\n00:00.000 --> 00:01.000\nمرحبا\n", encoding="utf-8")
    out = root.parent / "dist"
    build_course(root, BuildOptions(out=out, pdf=False, lms=False))
    return out / "modules" / "demo.html"


def test_chromium_typesets_the_formula_left_to_right_inside_arabic_text(browser, arabic_page):
    page = browser.new_page()
    page.goto(arabic_page.as_uri())
    found = page.evaluate(
        """() => {
        const inline = document.querySelector('.math math'), paragraph = inline.closest('p');
        const range = document.createRange();
        range.setStart(paragraph.firstChild, 0); range.setEnd(paragraph.firstChild, 5);  // the first Arabic words
        const block = document.querySelector('.math-display math');
        const letters = [...inline.querySelectorAll('mi')].map(mi => mi.getBoundingClientRect().left);
        return {
            direction: getComputedStyle(inline).direction,
            pageDirection: getComputedStyle(paragraph).direction,
            wordsRight: range.getBoundingClientRect().left > inline.getBoundingClientRect().right,
            lettersLeftToRight: letters.every((x, i) => i === 0 || x > letters[i - 1]),
            blockHeight: block.getBoundingClientRect().height,
            lineHeight: inline.getBoundingClientRect().height,
            codeDirection: getComputedStyle(document.querySelector('pre')).direction,
            keyword: getComputedStyle(document.querySelector('.highlight .k')).color,
            caption: document.querySelector('figure figcaption').textContent,
            track: document.querySelector('video track').track.kind,
        };
    }"""
    )
    page.close()
    assert found["pageDirection"] == "rtl" and found["direction"] == "ltr"
    assert found["wordsRight"], "the Arabic words that come first should stand to the right of the formula"
    assert found["lettersLeftToRight"], "d, v, t should read left to right"
    assert found["blockHeight"] > 1.5 * found["lineHeight"], "the fraction should be stacked, not flat"
    assert found["codeDirection"] == "ltr" and found["keyword"] == "rgb(169, 13, 145)"
    assert found["caption"] == "حقيبة الإسعافات الأولية" and found["track"] == "captions"


def test_axe_finds_no_serious_violation_in_maths_code_figure_and_video(browser, arabic_page):
    page = browser.new_page()
    page.goto(arabic_page.as_uri())
    violations = run_axe(page)
    page.close()
    assert not violations, describe(violations)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_code_takes_the_colours_the_build_wrote_and_axe_passes_them_in_both_schemes(browser, arabic_page, scheme):
    """assets/css/code.css, from Pygments: xcode, or lightbulb when the system asks for dark colours."""
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(arabic_page.as_uri())
    code = page.evaluate(
        """() => ({
            keyword: getComputedStyle(document.querySelector('.highlight .k')).color,
            block: getComputedStyle(document.querySelector('.highlight pre')).backgroundColor,
        })"""
    )
    violations = run_axe(page, within=".highlight")
    context.close()
    expected = {
        "light": {"keyword": "rgb(169, 13, 145)", "block": "rgb(255, 255, 255)"},
        "dark": {"keyword": "rgb(255, 173, 102)", "block": "rgb(29, 35, 49)"},
    }
    assert code == expected[scheme]
    assert not violations, describe(violations)
