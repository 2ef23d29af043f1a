"""The search index the site ships (course.render.site.search_index): the grading core's
normalisation table, the course's text by section, glossary terms and abbreviations."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from course.grading.rules import TEXT_TABLE, normalize
from course.load import load_course
from course.render.markdown import render_modules
from course.render.site.search_index import module_sections, normalize_table, search_documents, search_index_script

REPO = Path(__file__).resolve().parents[3]
VECTORS = json.loads((REPO / "tests" / "vectors" / "normalize.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", VECTORS, ids=[c["name"] for c in VECTORS])
def test_the_shared_normalisation_vectors_hold_for_the_grading_core(case):
    assert normalize(case["text"]) == case["normalized"]


def test_the_index_carries_the_grading_cores_table_exactly():
    table = normalize_table()
    rebuilt = dict.fromkeys(table["remove"]) | {ord(k): v for k, v in table["map"].items()}
    assert rebuilt == dict(TEXT_TABLE)
    assert table["map"]["أ"] == "ا" and table["map"]["ة"] == "ه" and table["map"]["ى"] == "ي"


def test_a_module_is_split_at_its_headings_with_their_anchors():
    html = (
        '<p>Intro <strong>bold</strong>text.</p><h2 id="one">One</h2><p>First.</p>'
        '<ul>\n<li>a</li>\n<li>b</li>\n</ul><h3 id="two">Two</h3><p>Second.</p>'
    )
    assert module_sections(html) == [("", "", "Intro boldtext."), ("one", "One", "First. a b"), ("two", "Two", "Second.")]


def test_glossary_terms_and_abbreviations_are_documents_of_the_glossary_page():
    course, _ = load_course(REPO)
    docs = search_documents(course)
    glossary = [d for d in docs if d[0] == "glossary.html"]
    assert len(glossary) == len(course.glossary)
    text = " ".join(d[3] + " " + d[4] for d in glossary)
    assert "API" in text and "PNR" in text
    pages = {d[0] for d in docs}
    assert {f"modules/{m.id}.html" for m in course.modules} <= pages


def test_the_index_script_cannot_close_a_script_element_early(tmp_path, english_copy):
    path = english_copy / "modules" / "customs-basics.md"
    path.write_text(
        path.read_text(encoding="utf-8") + "\n\nA tag in code: `</script><script>alert(1)</script>` and\u2028a line separator.\n",
        encoding="utf-8",
    )
    course, _ = load_course(english_copy)
    render_modules(course)
    script = search_index_script(course)
    assert "</script" not in script.lower() and "\u2028" not in script
    data = json.loads(script.split("=", 1)[1].strip().rstrip(";"))
    assert any("</script><script>alert(1)</script>" in d[4] for d in data["docs"])


def test_the_index_and_the_search_engine_are_in_the_scorm_packages(english_build):
    for name in ("scorm12", "scorm2004"):
        [zip_path] = list((english_build / "lms").glob(f"*-{name}.zip"))
        names = set(zipfile.ZipFile(zip_path).namelist())
        for needed in ("assets/search-index.js", "assets/js/search.js", "assets/vendor/minisearch.min.js", "assets/vendor/stemmer.min.js"):
            assert needed in names, f"{needed} missing from {zip_path.name}"
