"""A module page's column and its code blocks, as Chromium lays them out and exposes them, right to left and left to right.

- A module with no sections to list has no contents sidebar, and its body takes the column (it once sat in
  the sidebar's 15rem track on a wide screen).
- A code block that scrolls sideways on a phone is reached with Tab and scrolled with the arrow keys, with a
  visible focus ring in both colour schemes, and axe-core finds nothing (scrollable-region-focusable).
- A line marked with ``hl_lines`` is announced ("Marked line: "), while the page looks and copies as before.
- The LMS packages, which carry the site's pages, carry all of it.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import lxml.html
import pytest

from course.build.pipeline import BuildOptions, build_course
from tests.browser import describe, run_axe
from tests.browser.test_colour_schemes import hex_of
from tests.render.test_code_and_figures import contrast

LONG = "# a comment long enough that the line scrolls sideways on a phone, and on a tablet held upright"
CODE = f'```python hl_lines="2"\ndef area(r):\n    return 3.14159 * r ** 2  {LONG}\nprint(area(2))\n```\n'
QUIZ = """id: code-quiz
module: plain
title: {title}
questions:
  - id: q1
    type: single
    prompt: |
      {ask}

      ```python
      print(2 ** 3)
      ```
    explanation: |
      ```python
      8
      ```
    options:
      - text: "8"
        correct: true
      - text: "6"
"""
COURSES = {  # language: direction, words, the block's name, a marked line's label
    "ar": ("rtl", {"title": "دورة تجريبية", "one": "القسم الأول", "two": "القسم الثاني", "detail": "تفصيل", "ask": "ماذا يطبع؟"}),
    "en": ("ltr", {"title": "Trial course", "one": "Part one", "two": "Part two", "detail": "A detail", "ask": "What does it print?"}),
}
NAMES = {"ar": ("شيفرة", "سطر مميَّز: "), "en": ("Code", "Marked line: ")}
PARAGRAPH = "Words enough to fill a line or two of the column, so that its width shows, and then a few more words. " * 2


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str, Path]:
    """Each language's site: a module with sections, one with none, one with subsections only, and a quiz with code."""
    built = {}
    for language, (_, words) in COURSES.items():
        root = tmp_path_factory.mktemp(language) / "course"
        (root / "modules").mkdir(parents=True)
        (root / "quizzes").mkdir()
        course = f"title: {words['title']}\nlanguage: {language}\nmodules: [sections, plain, subsections]\n"
        (root / "course.yaml").write_text(course, encoding="utf-8")
        bodies = {
            "sections": f"## {words['one']}\n\n{PARAGRAPH}\n\n{CODE}\n## {words['two']}\n\n{PARAGRAPH}\n",
            "plain": f"{PARAGRAPH}\n\n{CODE}\n{PARAGRAPH}\n",
            "subsections": f"### {words['detail']}\n\n{PARAGRAPH}\n",
        }
        for name, body in bodies.items():
            (root / "modules" / f"{name}.md").write_text(f"---\ntitle: {name}\n---\n{body}", encoding="utf-8")
        (root / "quizzes" / "code-quiz.yaml").write_text(QUIZ.format(**words), encoding="utf-8")
        out = root.parent / "dist"
        build_course(root, BuildOptions(out=out, pdf=False, lms=language == "en"))
        built[language] = out
    return built


COLUMN = """() => {
    const box = s => { const e = document.querySelector(s); return e && e.getBoundingClientRect(); };
    const rtl = getComputedStyle(document.body).direction === 'rtl';
    const start = r => rtl ? r.right : r.left;  // a box's inline-start edge
    const body = box('.module-body'), toc = box('nav.toc');
    return {
        measure: 46 * parseFloat(getComputedStyle(document.documentElement).fontSize),  // site.css --measure: 46rem
        body: body.width, content: box('.content').width,
        bodyStart: start(body), titleStart: start(box('h1')),
        toc: toc && {width: toc.width, beforeBody: rtl ? toc.left >= body.right : toc.right <= body.left},
    };
}"""


@pytest.mark.parametrize("language", list(COURSES))
def test_a_module_without_sections_has_no_sidebar_and_its_body_takes_the_column(browser, sites, language):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    seen = {}
    for module in ("sections", "plain", "subsections"):
        page.goto((sites[language] / "modules" / f"{module}.html").as_uri())
        seen[module] = page.evaluate(COLUMN)
    page.close()
    measure = seen["sections"]["measure"]
    with_sidebar = seen["sections"]
    assert with_sidebar["toc"] and with_sidebar["toc"]["beforeBody"], f"the contents stand beside the body: {with_sidebar}"
    assert with_sidebar["body"] == pytest.approx(measure, abs=1)
    for module in ("plain", "subsections"):  # subsections: the contents list level-2 headings only, so none
        alone = seen[module]
        assert alone["toc"] is None, f"{module}: a sidebar with nothing in it"
        assert alone["body"] == pytest.approx(measure, abs=1), f"{module}: the body is squeezed: {alone}"
        assert alone["content"] == pytest.approx(measure, abs=1), f"{module}: {alone}"
        assert alone["bodyStart"] == pytest.approx(alone["titleStart"], abs=1), f"{module}: the body starts where the title does"


def _tab_to(page, selector: str, presses: int = 30) -> bool:
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return True
    return False


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("language", list(COURSES))
def test_a_code_block_wider_than_a_phone_is_reached_and_scrolled_from_the_keyboard(browser, sites, language, scheme):
    context = browser.new_context(viewport={"width": 400, "height": 800}, color_scheme=scheme, offline=True)
    page = context.new_page()
    page.goto((sites[language] / "modules" / "plain.html").as_uri())
    block = page.evaluate("(() => { const pre = document.querySelector('pre'); return [pre.scrollWidth, pre.clientWidth]; })()")
    assert block[0] > block[1] + 100, f"the block should scroll sideways at 400px: {block}"
    violations = run_axe(page, include_moderate=True)
    assert "scrollable-region-focusable" not in {v["id"] for v in violations}, describe(violations)
    assert not violations, describe(violations)
    assert _tab_to(page, "pre"), "Tab does not reach the code block"
    name = page.evaluate("document.activeElement.getAttribute('aria-label')")
    ring = page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement);
        return {visible: document.activeElement.matches(':focus-visible'), style: s.outlineStyle, width: parseFloat(s.outlineWidth),
                colour: s.outlineColor, paper: getComputedStyle(document.body).backgroundColor}; }"""
    )
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("document.activeElement.scrollLeft > 0", timeout=3000)
    context.close()
    assert name == NAMES[language][0]
    assert ring["visible"] and ring["style"] == "solid" and ring["width"] >= 2, ring
    assert contrast(hex_of(ring["colour"]), hex_of(ring["paper"])) >= 3, f"the focus ring against the page: {ring}"


def _spoken(page) -> tuple[str, str]:
    """The code block's role and name and its text, as Chromium's accessibility tree gives them to a screen reader."""
    session = page.context.new_cdp_session(page)
    nodes = {node["nodeId"]: node for node in session.send("Accessibility.getFullAXTree")["nodes"]}
    block = next(n for n in nodes.values() if n.get("role", {}).get("value") == "group")

    def text(node) -> str:
        if node.get("role", {}).get("value") == "StaticText":
            return node["name"]["value"]
        return "".join(text(nodes[child]) for child in node.get("childIds", []) if child in nodes)

    return block["name"]["value"], text(block)


@pytest.mark.parametrize("language", list(COURSES))
def test_a_marked_line_is_announced_but_not_shown_or_copied(browser, sites, language):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto((sites[language] / "modules" / "plain.html").as_uri())
    name, spoken = _spoken(page)
    copied = page.evaluate(
        """() => { const range = document.createRange(); range.selectNodeContents(document.querySelector('pre'));
        const selection = getSelection(); selection.removeAllRanges(); selection.addRange(range);
        const text = selection.toString(); selection.removeAllRanges(); return text; }"""
    )
    code = page.evaluate("document.querySelector('pre').textContent")
    highlight = page.locator(".highlight")
    marked = highlight.screenshot()
    page.evaluate("document.querySelector('.hll').removeAttribute('data-marked')")
    unmarked = highlight.screenshot()
    page.close()
    block, label = NAMES[language]
    assert name == block
    assert spoken.count(label) == 1 and f"{label}    return 3.14159" in spoken, spoken
    assert label not in copied and copied.strip() == code.strip(), copied
    assert marked == unmarked, "the label changes how the block looks"


def test_quiz_texts_code_blocks_take_focus_too(sites):
    page = lxml.html.parse(str(sites["ar"] / "quizzes" / "code-quiz.html")).getroot()
    blocks = page.findall(".//pre")
    assert len(blocks) == 2, "the prompt's and the explanation's"
    assert all((b.get("tabindex"), b.get("role"), b.get("aria-label")) == ("0", "group", "شيفرة") for b in blocks)


def test_lms_packages_carry_the_pages_focusable_blocks_and_labelled_lines(sites):
    packages = sorted((sites["en"] / "lms").glob("trial-course*"))  # the course's, not the quiz's exports (QTI, Moodle, GIFT)
    assert len(packages) == 5, [p.name for p in packages]  # SCORM 1.2 and 2004, cmi5, Common Cartridge 1.1 and 1.3
    for package in packages:
        with zipfile.ZipFile(package) as archive:
            page = lxml.html.fromstring(archive.read("modules/plain.html"))
        block = page.find(".//pre")
        assert (block.get("tabindex"), block.get("role"), block.get("aria-label")) == ("0", "group", "Code"), package.name
        assert [line.get("data-marked") for line in page.xpath('//span[@class="hll"]')] == ["Marked line: "], package.name
