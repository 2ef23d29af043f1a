"""Short Markdown fields: the plain-text shortcut gives exactly what the converter gives."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course.load import load_course
from course.render.markdown import _MARKUP, convert_markdown, render_markdown

REPO = Path(__file__).resolve().parents[2]

# Arabic and Latin letters, digits, spaces and every ASCII punctuation mark, with
# the marks that start a block or an inline element over-represented.
ALPHABET = (
    "ابتثجحخدذرسشصضطظعغفقكلمنهوي ءآأإةى،؛؟ٌ٠١٢abcXYZ019 \u00a0\u200f\u2028\n\t" + "".join(map(chr, range(33, 127))) + "*_`[]<>&#-+:|!{}1.  "
)


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=40))
def test_shortcut_agrees_with_the_converter(text):
    assert render_markdown.__wrapped__(text) == convert_markdown(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "جملة عادية بلا أي تنسيق.",
        "API و PNR وفق المعيار 9303 من ICAO.",
        "1. بند",
        "1) بند",
        "- بند",
        "+ بند",
        "# عنوان",
        "> اقتباس",
        ": تعريف",
        "| a | b |",
        "~~~",
        "    شيفرة",
        "نص  ",
        "نص\nسطر ثان",
        "a *b* c",
        "a **b** c",
        "a_b_c",
        "a `b` c",
        "[رابط](x.md)",
        "a & b",
        "a < b > c",
        "نص {: #id }",
        "abbr *[HTML]: x",
        "---",
        "***",
        "a -- b — c",
        "\"quoted\" and 'single'",
        "السؤال: ما هو؟",
        "(بين قوسين) 50% = نصف",
    ],
)
def test_tricky_texts(text):
    assert render_markdown.__wrapped__(text) == convert_markdown(text)


def test_every_text_of_the_shipped_course():
    course, _ = load_course(REPO)
    texts = [
        text
        for quiz in course.quizzes
        for question in quiz.questions
        for text in [question.prompt, question.explanation, *(o.text for o in question.options), *(o.feedback for o in question.options)]
        if text
    ]
    assert len(texts) > 100
    plain = [text for text in texts if not _MARKUP.search(text)]
    assert plain, "the shortcut should serve some of the shipped texts"
    for text in texts:
        assert render_markdown.__wrapped__(text) == convert_markdown(text), text


def test_random_sentences_with_marks():
    rng = random.Random(2396)
    words = ["الحدود", "API", "PNR", "*مهم*", "`code`", "a_b", "1.", "-", "&", "<b>", "[x]", "!", "#", "{:", "9303", ":", "|"]
    for _ in range(2000):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 8)))
        assert render_markdown.__wrapped__(text) == convert_markdown(text), text
