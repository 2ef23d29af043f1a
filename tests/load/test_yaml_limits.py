"""The YAML reader's limits, at their boundaries (course/load/yamlfile.py)."""

from __future__ import annotations

import time

import pytest

from course.load.yamlfile import MAX_DEPTH, MAX_NUMBER_CHARS, MAX_VALUES, parse_yaml, read_text
from course.problems import Problems


def _parse(text: str, first_line: int = 1):
    problems = Problems("x.yaml")
    data = parse_yaml(text, problems, first_line)
    return data, [str(p) for p in problems]


def _bomb(levels: int) -> str:
    lines = ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, levels + 1):
        lines.append(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("first_line", [1, 2])
def test_billion_laughs_of_twelve_levels_is_refused_within_a_second(first_line):
    start = time.monotonic()
    data, problems = _parse(_bomb(12), first_line)
    assert time.monotonic() - start < 1
    assert data is None
    message = f"this value holds more than {MAX_VALUES:,} values once its aliases (`*name`) are expanded"
    assert problems == [f"x.yaml:{5 + first_line}: {message}"]


def test_aliases_below_the_limit_are_read_and_shared_values_keep_their_lines():
    # The old loader shifted the lines of a shared value once per alias (front matter starts on line 2).
    text = "base: &b [x, y]\nfirst: *b\nsecond: *b\nthird: *b\n"
    data, problems = _parse(text, first_line=2)
    assert problems == []
    assert data["third"] == ["x", "y"]
    assert data["base"].line == 2 and data["third"].item_lines == [2, 2]
    assert data.key_lines == {"base": 2, "first": 3, "second": 4, "third": 5}


def test_nesting_at_the_limit_is_read_one_deeper_is_refused():
    inside = "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)  # the top mapping is one level
    data, problems = _parse(f"a: {inside}\n")
    assert problems == [] and data is not None
    data, problems = _parse(f"a: [{inside}]\n")
    assert problems == [f"x.yaml:1: lists and mappings are nested more than {MAX_DEPTH} levels deep"]


def test_values_at_the_limit_are_read():
    count = MAX_VALUES - 2  # + the list + the mapping + its key would be one over: keep to the limit
    data, problems = _parse("a: [" + ", ".join(["1"] * (count - 1)) + "]\n")
    assert problems == [] and len(data["a"]) == count - 1


def test_number_of_30_digits_is_read_31_is_out_of_range():
    data, problems = _parse("a: " + "9" * MAX_NUMBER_CHARS + "\n")
    assert problems == [] and data["a"] == int("9" * MAX_NUMBER_CHARS)
    data, problems = _parse("a: 1_" + "0" * MAX_NUMBER_CHARS + "\n")
    assert problems == [f"x.yaml:1: a number of {MAX_NUMBER_CHARS + 1} digits is out of range (at most {MAX_NUMBER_CHARS})"]


def test_every_duplicate_and_complex_key_is_reported_at_once():
    data, problems = _parse("a: 1\nb: 2\na: 3\n? [x]\n: 4\nb: 5\n")
    assert problems == [
        "x.yaml:3: the key `a` is given twice in this mapping (first at line 1): keep one, YAML drops the first",
        "x.yaml:4: a key must be a plain name, found a list: write `name: value`",
        "x.yaml:6: the key `b` is given twice in this mapping (first at line 2): keep one, YAML drops the first",
    ]


def test_merged_keys_may_be_overridden():
    data, problems = _parse("base: &b {a: 1, b: 2}\nc:\n  <<: *b\n  a: 3\n")
    assert problems == [] and data["c"] == {"a": 3, "b": 2}


def test_an_oversized_file_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.yaml"
    with open(path, "wb") as handle:
        handle.truncate(5 * 1024 * 1024 * 1024)  # sparse: 5 GB that take no disk
    problems = Problems("huge.yaml")
    start = time.monotonic()
    assert read_text(path, problems) is None
    assert time.monotonic() - start < 1
    assert [str(p) for p in problems] == ["huge.yaml: the file is 5120.0 MB, over the limit of 1.0 MB: split it into smaller files"]
