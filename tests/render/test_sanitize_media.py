"""The sanitizer's allow-list for MathML, video, audio, tracks and figures: what formulas need, and no way to run script."""

from __future__ import annotations

import pytest

from course.render.markdown import derive
from course.render.sanitize import _events, sanitize

KEPT = [
    # what latex2mathml writes for $...$ and $$...$$ (course.render.maths)
    '<span class="math" dir="ltr"><math alttext="x^2" display="inline"><mrow><msup><mi>x</mi><mn>2</mn></msup></mrow></math></span>',
    '<div class="math-display" dir="ltr"><math display="block"><mrow><mfrac><mi>a</mi><mi>b</mi></mfrac>'
    '<mo stretchy="false">(</mo><msqrt><mi>c</mi></msqrt><mroot><mi>d</mi><mn>3</mn></mroot>'
    '<munderover><mo movablelimits="false">∑</mo><mi>i</mi><mi>n</mi></munderover>'
    '<mtable columnalign="left"><mtr><mtd><mi mathvariant="bold">v</mi></mtd></mtr></mtable>'
    '<mspace width="0.167em"></mspace><mtext>if</mtext><menclose notation="box"><mn>1</mn></menclose></mrow></math></div>',
    '<figure><video controls preload="none" src="m/clip.mp4" poster="m/clip.jpg"><source src="m/clip.webm" type="video/webm">'
    '<track kind="captions" src="m/clip.vtt" srclang="ar" label="العربية" default></video>'
    "<figcaption>A caption</figcaption></figure>",
    '<audio controls src="m/talk.mp3"><track kind="captions" src="m/talk.vtt" srclang="en"></audio>',
]


@pytest.mark.parametrize("html", KEPT)
def test_what_formulas_and_media_need_is_kept_byte_for_byte(html):
    assert sanitize(html) == (html, [])


def test_every_formula_latex2mathml_writes_for_common_tex_is_kept_whole():
    tex = [
        "\\frac{a}{b}",
        "\\sqrt[3]{x}",
        "\\sum_{i=1}^{n} i^2",
        "\\int_0^1 f(x)\\,dx",
        "\\begin{pmatrix} a & b \\\\ c & d \\end{pmatrix}",
        "\\left( \\frac{1}{2} \\right)",
        "\\mathbf{v} \\cdot \\vec{u}",
        "\\text{rate} = \\frac{\\Delta x}{\\Delta t}",
        "\\overline{AB} \\le \\underbrace{x+y}_{2}",
        "\\boxed{x = 1}",
        "\\color{red}{x}",
        "\\hat{x} \\tilde{y} \\dot{z}",
    ]
    for formula in tex:
        data = derive(f"Maths ${formula}$ here.")
        assert data["removed"] == [] and data["maths"] == [], (formula, data["removed"], data["maths"])


ATTACKS = [
    ("<math><mtext><script>alert(1)</script></mtext></math>", "<script>"),
    ('<math href="javascript:alert(1)"><mi>x</mi></math>', 'href="javascript:alert(1)" from <math>'),
    ('<math><mi xlink:href="javascript:alert(1)">x</mi></math>', "from <mi>"),
    ('<math><mrow href="https://evil.example/">x</mrow></math>', 'href="https://evil.example/" from <mrow>'),
    ('<math><mi onclick="alert(1)">x</mi></math>', "onclick from <mi>"),
    ('<math><mi style="position:fixed;inset:0">x</mi></math>', 'style="position:fixed;inset:0" from <mi>'),
    ('<math><annotation-xml encoding="text/html"><img src="x" onerror="alert(1)"></annotation-xml></math>', "<annotation-xml>"),
    (
        '<math><semantics><mi>x</mi><annotation encoding="text/html">&lt;img src=x onerror=alert(1)&gt;</annotation></semantics></math>',
        "<semantics>",
    ),
    ('<math><maction actiontype="statusline"><mi>x</mi><mtext>click</mtext></maction></math>', "<maction>"),
    ('<math><mglyph src="https://tracker.example/p.png"></mglyph></math>', "<mglyph>"),
    ('<svg><foreignObject><img src="x" onerror="alert(1)"></foreignObject></svg>', "<svg>"),
    ('<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>', "<svg>"),
    ('<svg><use href="data:image/svg+xml,&lt;svg onload=alert(1)&gt;"></use></svg>', "<svg>"),
    ("<svg><script>alert(1)</script></svg>", "<svg>"),
    # mutation XSS through MathML's parsing: a <style> whose text becomes markup after a round trip
    ('<math><mtext><table><mglyph><style><!--</style><img title="--&gt;&lt;img src=1 onerror=alert(1)&gt;">', "<mglyph>"),
    ('<math><mtext><h1><a><h6></a></h6><mglyph><svg><mtext><style><a title="</style><img src onerror=alert(1)>">', "<mglyph>"),
    ('<video controls src="m/clip.mp4" onplay="alert(1)"></video>', "onplay from <video>"),
    ('<video controls src="m/clip.mp4" poster="javascript:alert(1)"></video>', 'poster="javascript:alert(1)" from <video>'),
    ('<video controls><source src="data:video/mp4;base64,AAAA" onerror="alert(1)"></video>', "onerror from <source>"),
    ('<video controls src="m/c.mp4"><track kind="captions" src="javascript:alert(1)"></video>', 'src="javascript:alert(1)" from <track>'),
    ('<audio controls src="m/a.mp3" onloadeddata="alert(1)"></audio>', "onloadeddata from <audio>"),
    ('<figure onmouseover="alert(1)"><img alt="x" src="m/x.png"><figcaption>c</figcaption></figure>', "onmouseover from <figure>"),
    ('<figcaption><a href="javascript:alert(1)">c</a></figcaption>', 'href="javascript:alert(1)" from <a>'),
]


@pytest.mark.parametrize(("html", "named"), ATTACKS, ids=[a[1][:40] for a in ATTACKS])
def test_each_attack_through_mathml_svg_and_media_is_removed_and_named(html, named):
    published, removed = sanitize(html)
    assert any(named in item.what for item in removed), removed
    lowered = published.lower()
    for active in (
        "<script",
        "onerror",
        "onload",
        "onclick",
        "onplay",
        "onmouseover",
        "javascript:",
        "<svg",
        "foreignobject",
        "annotation",
        "maction",
        "mglyph",
        "xlink",
        "data:",
        "style=",
    ):
        assert active not in lowered, published


def test_tex_that_looks_like_markup_stays_text_inside_the_formula():
    data = derive('Maths $\\text{"><img src=x onerror=alert(1)>}$ here.')
    elements = [event[1] for event in _events(data["html"]) if event[0] == "start"]
    assert "img" not in elements and "math" in elements and "mtext" in elements
    assert data["removed"] == []
