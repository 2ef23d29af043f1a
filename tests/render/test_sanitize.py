"""Raw HTML in author Markdown: what is kept byte for byte, what is removed, and the warning that names it."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import markdown
import pytest
import yaml

from course.build.pipeline import check_course
from course.load import load_course
from course.render.markdown import EXTENSIONS, SHORT, TOC, _converter, _texts, derive, extensions, render_markdown
from course.render.sanitize import sanitize

REPO = Path(__file__).resolve().parents[2]
ENGLISH = REPO / "tests" / "fixtures" / "english-course"


def markdown_html(text: str, names=EXTENSIONS) -> str:
    """What Python-Markdown alone writes (the engine's HTML before sanitizing)."""
    return markdown.Markdown(extensions=extensions(names, {"toc": TOC})).convert(text)


@pytest.mark.parametrize("root", [REPO, ENGLISH], ids=["shipped", "english"])
def test_course_html_is_byte_identical_to_what_markdown_wrote(root):
    course, problems = load_course(root)
    assert course is not None, problems
    for module in course.modules:
        engine = _converter(module.body_markdown)  # the engine's own converter (it also points .md links at .html), before sanitizing
        assert derive(module.body_markdown)["html"] == engine.convert(module.body_markdown), module.id
        assert derive(module.body_markdown)["removed"] == []
    texts = [text for quiz in course.quizzes for question in quiz.questions for text in _texts(question)]
    texts += [module.trainer_notes_markdown for module in course.modules if module.trainer_notes_markdown]
    for text in texts:
        assert sanitize(markdown_html(text, SHORT)) == (markdown_html(text, SHORT), []), text


KEPT = [
    '<details><summary>More</summary>\n\n<p>Hidden <abbr title="World Customs Organization">WCO</abbr> text.</p>\n</details>',
    '<p>H<sub>2</sub>O, x<sup>2</sup>, <kbd>Ctrl</kbd>, <mark>key</mark>, <bdi dir="rtl" lang="ar">نص</bdi></p>',
    '<figure><img alt="A port" src="customs-basics/terminal.png" width="200" height="100"><figcaption>The terminal</figcaption></figure>',
    '<video controls src="customs-basics/clip.mp4"><source src="customs-basics/clip.webm" type="video/webm">'
    '<track kind="captions" src="customs-basics/clip.vtt" srclang="en" label="English" default></video>',
    '<audio controls><source src="customs-basics/talk.mp3" type="audio/mpeg"></audio>',
    '<table><thead><tr><th scope="col" colspan="2" style="text-align: left;">Head</th></tr></thead>'
    '<tbody><tr><td rowspan="2" align="right">1</td><td style="text-align: center;">2</td></tr></tbody></table>',
    '<p><a href="https://www.wcoomd.org/">WCO</a> <a href="mailto:desk@example.org">desk</a> <a href="api.html#top">API</a></p>',
    '<div class="admonition note" id="n1"><p class="admonition-title">Note</p><p dir="ltr" lang="en">Body</p></div>',
    '<pre><code class="language-python">if a &lt; b:\n    pass\n</code></pre>',
    "<p>line<br />\nbreak&#160;and&nbsp;entities &amp; &#8617;</p>\n<hr />",
]


@pytest.mark.parametrize("html", KEPT)
def test_what_authors_write_is_kept_byte_for_byte(html):
    assert sanitize(html) == (html, [])


def test_markdown_extensions_output_is_kept_byte_for_byte():
    text = (
        "## Heading {: #custom .wide }\n\nA[^1] *[WCO]: World Customs Organization\n\n"
        '| a | b |\n|:--|--:|\n| 1 | 2 |\n\n!!! note "Title"\n    Body\n\nTerm\n:   Definition\n\n'
        "```python\nx = 1\n```\n\n[^1]: The note.\n"
    )
    html = _converter(text).convert(text)  # with the engine's own processors (code colours, figures)
    assert 'style="text-align: left;"' in html and "footnote-backref" in html and "admonition" in html
    assert derive(text)["html"] == html


REMOVED = [
    ("<p>a</p><script>alert(1)</script>", "<script>", "runs script"),
    ('<img alt="x" src="customs-basics/terminal.png" onerror="alert(1)">', "onerror from <img>", "runs script"),
    ('<a href="javascript:alert(1)">x</a>', 'href="javascript:alert(1)" from <a>', "http, https, mailto"),
    ('<a href="JaVaScRiPt:alert(1)">x</a>', 'href="JaVaScRiPt:alert(1)" from <a>', "http, https, mailto"),
    ('<a href="vbscript:msgbox(1)">x</a>', 'href="vbscript:msgbox(1)" from <a>', "http, https, mailto"),
    ('<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">x</a>', "data:text/html", "http, https, mailto"),
    ('<img alt="x" src="data:image/png;base64,iVBORw0KGgo=">', 'src="data:image/png;base64,iVBORw0KGgo=" from <img>', "inside the course"),
    ('<base href="https://evil.example/">', "<base>", "whole page"),
    ('<meta http-equiv="refresh" content="0;url=https://evil.example/">', "<meta>", "whole page"),
    ('<link rel="stylesheet" href="https://evil.example/x.css">', "<link>", "whole page"),
    ('<form action="https://evil.example/"><input name="q"></form>', "<form>", "forms"),
    ('<iframe src="https://evil.example/"></iframe>', "<iframe>", "embed"),
    ('<iframe src="customs-basics/page.html"></iframe>', "<iframe>", "embed"),
    ('<object data="x.swf"></object><embed src="x.swf">', "<object>", "plug-ins"),
    ("<style>body{display:none}</style>", "<style>", "whole page"),
    ('<p style="position:fixed;inset:0">overlay</p>', 'style="position:fixed;inset:0" from <p>', "inline styles"),
    ('<svg onload="alert(1)"><circle r="1"/></svg>', "<svg>", "SVG"),
    ('<video controls src="https://t.example/v.mp4"></video>', 'src="https://t.example/v.mp4" from <video>', "inside the course"),
    ('<img alt="x" src="https://tracker.example/pixel.gif">', 'src="https://tracker.example/pixel.gif" from <img>', "inside the course"),
    ("<p>text</p></main><p>outside</p>", "</main>", "did not open"),
    ('<div onmouseover="alert(1)">x</div>', "onmouseover from <div>", "runs script"),
]


@pytest.mark.parametrize(("html", "named", "why"), REMOVED, ids=[r[1][:40] for r in REMOVED])
def test_each_attack_is_removed_and_named(html, named, why):
    published, removed = sanitize(html)
    assert published != html
    assert any(named in item.what and why in item.why for item in removed), removed
    for active in ("<script", "onerror", "onload", "onmouseover", "javascript:", "vbscript:", "data:", "<base", "<meta", "<iframe"):
        assert active not in published.lower(), published
    assert "</main>" not in published and 'style="position' not in published


def test_an_element_left_open_is_closed_so_it_cannot_swallow_the_page():
    published, _ = sanitize("<div><p>never closed")
    assert published.endswith("</div>")


def test_a_text_with_a_comment_loses_the_comment_silently():
    assert sanitize("<p>a <!-- a note --> b</p>") == ("<p>a  b</p>", [])


def test_quiz_prompt_script_is_removed_like_its_img_handler():
    html = render_markdown("Who files <script>alert('q')</script> <img src=\"x.png\" onerror=\"alert('i')\">?")
    assert "<script" not in html and "onerror" not in html and "alert('q')" not in html


def write_module_tail(root: Path, tail: str) -> int:
    """Append ``tail`` to the first module; the line number its first line lands on."""
    module = root / "modules" / "customs-basics.md"
    text = module.read_text(encoding="utf-8")
    module.write_text(text + "\n" + tail, encoding="utf-8")
    return text.count("\n") + 2


def test_check_warns_at_the_line_of_each_removal_and_strict_fails(english_copy):
    line = write_module_tail(english_copy, "Fine text.\n\n<script>alert('x')</script>\n\n[x](javascript:void)\n")
    course, problems = check_course(english_copy)
    shown = [str(p) for p in problems]
    assert course is not None
    why = "(raw HTML that runs script is not allowed in a course)"
    assert f"modules/customs-basics.md:{line + 2}: warning: removed <script> {why}" in shown
    assert any(s.startswith(f'modules/customs-basics.md:{line + 4}: warning: removed href="javascript:void"') for s in shown), shown
    course, problems = check_course(english_copy, strict=True)
    assert course is None


def test_quiz_and_trainer_note_removals_are_warnings_at_their_lines(english_copy):
    quiz_file = english_copy / "quizzes" / "risk-profiling-quiz.yaml"
    quiz = yaml.safe_load(quiz_file.read_text(encoding="utf-8"))
    quiz["questions"][1]["explanation"] = "See <iframe src='https://evil.example/'></iframe> this."
    quiz_file.write_text(yaml.safe_dump(quiz, sort_keys=False), encoding="utf-8")
    (english_copy / "trainer").mkdir()
    (english_copy / "trainer" / "risk-profiling.md").write_text("Notes.\n\nAsk <b onclick='steal()'>them</b>.\n", encoding="utf-8")
    _, problems = check_course(english_copy)
    shown = [str(p) for p in problems]
    course, _ = load_course(english_copy)
    line = course.quizzes[1].questions[1].line
    assert line > 1
    assert any(s.startswith(f"quizzes/risk-profiling-quiz.yaml:{line}: warning: removed <iframe>") for s in shown), shown
    assert "trainer/risk-profiling.md:3: warning: removed onclick from <b> (raw HTML that runs script is not allowed in a course)" in shown


def test_raw_image_outside_the_course_is_a_warning(english_copy, tmp_path):
    line = write_module_tail(english_copy, '<img alt="secret" src="../../../../../etc/hostname">\n')
    _, problems = check_course(english_copy)
    expected = f"modules/customs-basics.md:{line}: warning: <img> file `../../../../../etc/hostname` is not a file inside the course"
    assert any(str(p).startswith(expected) for p in problems), [str(p) for p in problems]


def png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` x ``height`` pixels (its one row of data is all Pillow's verify reads)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 16)) + chunk(b"IEND", b"")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"this is a text file, not a picture\n", "is not a readable image"),
        (png_header(8000, 8000), "is 8000x8000 pixels, over 50 megapixels"),
        (png_header(20000, 20000), "has too many pixels to decode"),
    ],
    ids=["text-named-png", "64-megapixels", "decompression-bomb"],
)
def test_an_image_that_cannot_be_shown_is_a_warning_at_its_line(english_copy, content, message):
    (english_copy / "modules" / "customs-basics" / "bad.png").write_bytes(content)
    line = write_module_tail(english_copy, '![A bad picture](customs-basics/bad.png)\n\n<img alt="raw" src="customs-basics/bad.png">\n')
    course, problems = check_course(english_copy)
    shown = [str(p) for p in problems]
    assert course is not None
    assert any(s.startswith(f"modules/customs-basics.md:{line}: warning: image `customs-basics/bad.png` {message}") for s in shown), shown
    assert sum("customs-basics/bad.png" in s for s in shown) == 1, shown  # the raw <img> of the same file is not warned twice


def test_a_good_image_gives_no_warning(english_copy):
    write_module_tail(english_copy, "![The terminal again](customs-basics/terminal.png)\n")
    _, problems = check_course(english_copy)
    assert not [str(p) for p in problems if "terminal.png" in str(p)]
