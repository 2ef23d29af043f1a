"""Paper grading (course-format.md section 5): ANSWERS.csv -> gradebook, template and item analysis."""

from __future__ import annotations

import csv
import io
import math
import textwrap

import pytest

from course.commands.grade import run_grade
from course.grading.answer_sheet import read_cell
from course.grading.gradebook import write_template
from course.grading.rules import Unreadable

PAPER_QUIZ = """\
id: paper-quiz
module: customs
title: Paper quiz
pass_mark: 60
questions:
  - {id: q1, type: single, prompt: One, options: [{text: A}, {text: B}, {text: C}, {text: D}, {text: E, correct: true}]}
  - id: q2
    type: multiple
    prompt: Two
    points: 2
    options: [{text: A, correct: true}, {text: B, correct: true}, {text: C}]
  - {id: q3, type: true_false, prompt: Three, answer: false}
  - {id: q4, type: short, prompt: Four, answers: [بيان الشحنة]}
  - {id: q5, type: numeric, prompt: Five, answer: 1234.5}
  - {id: q6, type: matching, prompt: Six, prompts: [P1, P2, P3], choices: [C1, C2, C3], answer: [b, a, c]}
  - {id: q7, type: ordering, prompt: Seven, items: [I1, I2, I3], answer: [c, a, b]}
"""
HEADER = "learner,score,max,percent,passed,q1,q2,q3,q4,q5,q6,q7"


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """A trainer's folder holding the quiz; paths are given relative to it, as on a command line."""
    (tmp_path / "quiz.yaml").write_text(PAPER_QUIZ, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def grade(folder, answers: str | bytes, quiz: str = "quiz.yaml", **options) -> tuple[int, str, str]:
    data = answers if isinstance(answers, bytes) else answers.encode("utf-8")
    (folder / "ANSWERS.csv").write_bytes(data)
    stdout, stderr = io.StringIO(), io.StringIO()
    status = run_grade(quiz, "ANSWERS.csv", stdout=stdout, stderr=stderr, **options)
    return status, stdout.getvalue(), stderr.getvalue()


def test_arabic_letters_arabic_indic_digits_and_a_bom(folder):
    answers = (
        "\ufefflearner,q7,q3,q1,q2,q4,q5,q6\n"
        "أحمد,ج؛أ؛ب,خطأ,هـ,أ، ب,بيان الشحنه,١٬٢٣٤٫٥,ب;ا;ج\n"
        "Sara,C;B;A,T,ه,A C,,1234.5,b;;c\n"
        "Omar,c;a,F,a,b,manifest,1234,b;a\n"
    )
    status, out, err = grade(folder, answers)
    assert (status, err) == (0, "")
    assert out.splitlines() == [
        HEADER,
        "أحمد,8,8,100,true,1,2,1,1,1,1,1",
        "Sara,3,8,37.5,false,1,0,0,0,1,0.67,0.33",
        "Omar,3.33,8,41.67,false,0,1,1,0,0,0.67,0.67",
    ]


THIRDS = """\
id: thirds
module: m
title: Thirds
pass_mark: {pass_mark}
questions:
  - {{id: a, type: true_false, prompt: A, answer: true}}
  - {{id: b, type: true_false, prompt: B, answer: true}}
  - {{id: c, type: true_false, prompt: C, answer: true}}
"""


@pytest.mark.parametrize(("pass_mark", "passed"), [(66.67, "false"), (66.66, "true")])
def test_passed_comes_from_the_unrounded_percent(folder, pass_mark, passed):
    (folder / "thirds.yaml").write_text(THIRDS.format(pass_mark=pass_mark), encoding="utf-8")
    status, out, err = grade(folder, "learner,a,b,c\nLina,true,true,false\n", quiz="thirds.yaml")
    assert (status, err) == (0, "")
    assert out.splitlines()[1] == f"Lina,2,3,66.67,{passed},1,1,0"  # 66.666...% is shown as 66.67


def test_a_missing_column_is_unanswered_with_a_warning(folder):
    status, out, err = grade(folder, "learner,q1,q2,q3,q4,q6,q7\nLina,e,a;b,f,بيان الشحنة,b;a;c,c;a;b\n")
    assert status == 0
    assert out.splitlines()[1] == "Lina,7,8,87.5,true,1,2,1,1,0,1,1"
    assert err == "ANSWERS.csv:1: warning: no column for question `q5`: every learner counts as not answering it\n"


def test_unreadable_cells_earn_0_with_line_and_column(folder):
    answers = "learner,q1,q2,q3,q5,q6\nLina,e,a,f,1234.5,b;a;c\nOmar,z,a;x,maybe,12 boxes,b;a;c;a\n"
    status, out, err = grade(folder, answers)
    assert status == 0
    assert out.splitlines()[2] == "Omar,0,8,0,false,0,0,0,0,0,0,0"
    assert err.splitlines() == [
        "ANSWERS.csv:1: warning: no column for question `q4`: every learner counts as not answering it",
        "ANSWERS.csv:1: warning: no column for question `q7`: every learner counts as not answering it",
        "ANSWERS.csv:3: warning: column `q1`: letter `z` names no option (there are 5); it earns 0",
        "ANSWERS.csv:3: warning: column `q2`: letter `x` names no option (there are 3); it earns 0",
        "ANSWERS.csv:3: warning: column `q3`: `maybe` is not true or false (write true/false, t/f, صح/خطأ); it earns 0",
        "ANSWERS.csv:3: warning: column `q5`: `12 boxes` is not a number; it earns 0",
        "ANSWERS.csv:3: warning: column `q6`: 4 answers for 3 prompts; it earns 0",
    ]


def test_bad_rows_are_reported_at_their_physical_line_and_the_others_graded(folder):
    answers = textwrap.dedent("""\
        learner,q1,q2,q3,q4,q5,q6,q7
        Lina,e,a;b,f,بيان الشحنة,1234.5,b;a;c,c;a;b
        Short,e,a

        ,e,a;b,f,x,1,a,a
        Omar,a,b,t,"two
        lines",1,a,a
        Long,e,a;b,f,x,1,a,a,extra
        Lina,e,,,,,,
        """)
    status, out, err = grade(folder, answers)
    assert status == 0
    assert [line.split(",")[0] for line in out.splitlines()] == ["learner", "Lina", "Omar", "Lina"]
    assert err.splitlines() == [
        "ANSWERS.csv:3: warning: row has 3 cells but the header has 8; row not graded",
        "ANSWERS.csv:5: warning: row has no learner name in the first column; row not graded",
        "ANSWERS.csv:8: warning: row has 9 cells but the header has 8; row not graded",
        "ANSWERS.csv:9: warning: learner `Lina` is also on line 2; both rows are graded",
    ]


def test_no_gradable_row_is_unusable(folder):
    status, out, err = grade(folder, "learner,q1\n,e\nShort\n")
    assert (status, out) == (1, "")
    assert err.splitlines()[-1] == "ANSWERS.csv: no row could be graded"


def test_an_unknown_column_is_an_error_naming_it(folder):
    status, out, err = grade(folder, "learner,q1,q9,qq2\nLina,e,a,b\n")
    assert (status, out) == (1, "")
    assert "ANSWERS.csv:1: unknown column `q9`: no question of quiz `paper-quiz` has that id" in err
    assert "ANSWERS.csv:1: unknown column `qq2`: no question of quiz `paper-quiz` has that id (did you mean `q2`?)" in err


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        (b"learner,q1,q1\nLina,e,e\n", "ANSWERS.csv:1: column `q1` appears twice"),
        (
            b"learner,q1\nLina,e\nJos\xe9,e\n",
            'ANSWERS.csv:3: not UTF-8 (byte 0xe9 at offset 21): save the file as "CSV UTF-8" (or as "Unicode text")',
        ),
        (
            "\ufefflearner,q1\n".encode("utf-16-le")[:-1],
            "ANSWERS.csv: not valid UTF-16 although it starts with its byte-order mark: "
            'save the file as "CSV UTF-8" (or as "Unicode text")',
        ),
        (b"\n\n", "ANSWERS.csv: the file is empty: it needs a header row `learner,<question id>,...`"),
    ],
)
def test_unusable_answer_files_exit_1(folder, answers, message):
    status, out, err = grade(folder, answers)
    assert (status, out) == (1, "")
    assert message in err.splitlines()


def test_a_quiz_that_breaks_the_rules_exits_1_with_its_line(folder):
    (folder / "broken.yaml").write_text(PAPER_QUIZ.replace("{text: A}, {text: B}", "{text: A, correct: true}, {text: B}"), encoding="utf-8")
    status, out, err = grade(folder, "learner,q1\nLina,e\n", quiz="broken.yaml")
    assert (status, out) == (1, "")
    assert err.startswith("broken.yaml:6: ")


def test_a_missing_answers_file_exits_1(folder):
    stderr = io.StringIO()
    status = run_grade("quiz.yaml", "nowhere.csv", stdout=io.StringIO(), stderr=stderr)
    assert status == 1
    assert stderr.getvalue().startswith("nowhere.csv: cannot read the file")


def test_gradebook_to_a_file_has_a_byte_order_mark_for_spreadsheets(folder):
    status, out, _ = grade(folder, "learner,q1\nLina,e\n", out="gradebook.csv")
    assert (status, out) == (0, "")
    assert (folder / "gradebook.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert (folder / "gradebook.csv").read_text(encoding="utf-8-sig") == f"{HEADER}\nLina,1,8,12.5,false,1,0,0,0,0,0,0\n"


def test_template_is_the_header_of_an_empty_answer_sheet(folder):
    status = run_grade("quiz.yaml", None, template="ANSWERS.csv", stdout=io.StringIO(), stderr=io.StringIO())
    assert status == 0
    assert (folder / "ANSWERS.csv").read_text(encoding="utf-8-sig") == "learner,q1,q2,q3,q4,q5,q6,q7\n"
    status, out, err = grade(folder, (folder / "ANSWERS.csv").read_bytes() + b"Lina,e,,,,,,\n")
    assert (status, err) == (0, "")
    assert out.splitlines()[1] == "Lina,1,8,12.5,false,1,0,0,0,0,0,0"


def test_write_template_to_a_stream(folder):
    from course.load.quizzes import load_quiz_file

    quiz, _ = load_quiz_file(folder / "quiz.yaml", "quiz.yaml")
    stream = io.StringIO()
    write_template(quiz, stream)
    assert stream.getvalue() == "learner,q1,q2,q3,q4,q5,q6,q7\n"


ITEM_QUIZ = """\
id: items
module: m
title: Items
questions:
  - {id: q1, type: single, prompt: One, options: [{text: A, correct: true}, {text: B}, {text: C}]}
  - {id: q2, type: true_false, prompt: Two, answer: true}
  - {id: q3, type: multiple, prompt: Three, points: 2, options: [{text: A, correct: true}, {text: B, correct: true}, {text: C}]}
  - {id: q4, type: short, prompt: Four, answers: [manifest]}
"""
ITEM_ANSWERS = "learner,q1,q2,q3,q4\nL1,a,true,a;b,manifest\nL2,a,false,a,manifest\nL3,b,true,a;c,manifest\nL4,c,,c,manifest\n"


def test_item_analysis_matches_a_hand_computation(folder):
    (folder / "items.yaml").write_text(ITEM_QUIZ, encoding="utf-8")
    status, out, err = grade(folder, ITEM_ANSWERS, quiz="items.yaml", report="items.csv")
    assert status == 0
    rows = {row["question"]: row for row in csv.DictReader((folder / "items.csv").open(encoding="utf-8-sig"))}
    # Earned (q1, q2, q3, q4): L1 1,1,2,1 = 5; L2 1,0,1,1 = 3; L3 0,1,0,1 = 2; L4 0,0,0,1 = 1.
    # q1: shares 1,1,0,0; rest-scores 4,2,2,1 (means 0.5, 2.25). Deviations .5,.5,-.5,-.5 and 1.75,-.25,-.25,-1.25:
    #     sum of products 1.5, sums of squares 1 and 4.75 -> r = 1.5 / sqrt(4.75).
    # q2: shares 1,0,1,0; rest 4,3,1,1 (mean 2.25): products .875-.375-.625+.625 = .5; squares 1, 6.75.
    # q3: shares 1,.5,0,0 (mean .375); rest 3,2,2,1 (mean 2): products .625+0+0+.375 = 1; squares .6875, 2.
    # q4: every learner right, so the correlation is undefined (blank).
    expected = {
        "q1": ("0.50", f"{1.5 / math.sqrt(4.75):.2f}", "0", "2", "1", "1", "", ""),
        "q2": ("0.50", f"{0.5 / math.sqrt(6.75):.2f}", "1", "", "", "", "2", "1"),
        "q3": ("0.38", f"{1 / math.sqrt(0.6875 * 2):.2f}", "0", "3", "1", "2", "", ""),
        "q4": ("1.00", "", "0", "", "", "", "", ""),
    }
    columns = ("facility", "discrimination", "blank", "a", "b", "c", "true", "false")
    assert {q: tuple(row[c] for c in columns) for q, row in rows.items()} == expected
    assert expected["q1"][1] == "0.69" and expected["q2"][1] == "0.19" and expected["q3"][1] == "0.85"
    assert [rows[q]["key"] for q in ("q1", "q2", "q3", "q4")] == ["a", "true", "a;b", ""]
    assert out.startswith("learner,score,max,percent,passed,q1,q2,q3,q4\n")  # the table is not mixed into the CSV
    assert "Item analysis" in err and "0.69" in err and "a* 2" in err


def test_item_analysis_counts_unreadable_answers_apart(folder):
    (folder / "items.yaml").write_text(ITEM_QUIZ, encoding="utf-8")
    status, out, err = grade(folder, "learner,q1,q2\nL1,a,true\nL2,z,maybe\n", quiz="items.yaml", report="items.csv", out="gradebook.csv")
    rows = {row["question"]: row for row in csv.DictReader((folder / "items.csv").open(encoding="utf-8-sig"))}
    assert (rows["q1"]["unreadable"], rows["q1"]["a"], rows["q2"]["true"], rows["q2"]["unreadable"]) == ("1", "1", "1", "1")
    assert rows["q3"]["blank"] == "2"
    assert (rows["q3"]["facility"], rows["q3"]["discrimination"]) == ("0.00", "")  # nobody earned anything: undefined
    assert "Item analysis" in out  # the gradebook went to a file, so the table goes to stdout


@pytest.mark.parametrize(
    ("qtype", "cell", "response"),
    [
        ("single", "a", "a"),
        ("single", " B ", "b"),
        ("single", "أ", "a"),
        ("single", "ا", "a"),
        ("single", "إ", "a"),
        ("single", "هـ", "e"),
        ("single", "ه", "e"),
        ("single", "ي", "j"),
        ("single", "k", "k"),
        ("single", "B)", "b"),
        ("single", "  ", None),
        ("multiple", "a;c", ["a", "c"]),
        ("multiple", "c, a", ["c", "a"]),
        ("multiple", "a b  c", ["a", "b", "c"]),
        ("multiple", "أ، ج؛ د", ["a", "c", "d"]),
        ("multiple", "a;a", ["a", "a"]),
        ("true_false", "TRUE", True),
        ("true_false", "t", True),
        ("true_false", "صح", True),
        ("true_false", "صواب", True),
        ("true_false", "False", False),
        ("true_false", "F", False),
        ("true_false", "خطأ", False),
        ("true_false", "خطا", False),
        ("short", " بيان الشحنة ", " بيان الشحنة "),
        ("numeric", "١٢٫٥", "١٢٫٥"),
        ("matching", "b;;d", ["b", None, "d"]),
        ("matching", "b;c;", ["b", "c"]),
        ("matching", ";b", [None, "b"]),
        ("ordering", "c;a;b", ["c", "a", "b"]),
        ("ordering", "ج؛أ؛ب", ["c", "a", "b"]),
    ],
)
def test_cells_become_canonical_responses(qtype, cell, response):
    assert read_cell(qtype, cell) == response


@pytest.mark.parametrize(
    ("qtype", "cell"),
    [
        ("single", "ab"),
        ("single", "1"),
        ("single", "ك"),
        ("multiple", "a;1"),
        ("true_false", "yes"),
        ("matching", "b,a"),
        ("ordering", "c;1"),
    ],
)
def test_unreadable_cells(qtype, cell):
    with pytest.raises(Unreadable):
        read_cell(qtype, cell)


ROW = "Lina,e,a;b,f,بيان الشحنة,1234.5,b;a;c,c;a;b"
SCORE = "Lina,8,8,100,true,1,2,1,1,1,1,1"


@pytest.mark.parametrize(
    "header",
    ["learner", "name", "المتدرب", "Learner ID", ""],
)
def test_the_first_column_is_the_learner_whatever_its_header(folder, header):
    status, out, err = grade(folder, f"{header},q1,q2,q3,q4,q5,q6,q7\n{ROW}\n")
    assert (status, err) == (0, "")
    assert out.splitlines()[1] == SCORE


TAB_TEXT = "learner\tq1\tq2\tq3\tq4\tq5\tq6\tq7\n" + ROW.replace(",", "\t") + "\n"
SPREADSHEET_FORMS = {
    "semicolons": ("learner;q1;q2;q3;q4;q5;q6;q7\n" + 'Lina;e;"a;b";f;بيان الشحنة;1234.5;"b;a;c";"c;a;b"\n').encode(),
    "tabs in UTF-16 with a byte-order mark (Unicode text)": ("\ufeff" + TAB_TEXT).encode("utf-16-le"),
    "tabs in UTF-16 big-endian with a byte-order mark": ("\ufeff" + TAB_TEXT).encode("utf-16-be"),
    "commas in UTF-8 with a byte-order mark": ("\ufefflearner,q1,q2,q3,q4,q5,q6,q7\n" + ROW + "\n").encode(),
    "tabs in UTF-8": TAB_TEXT.encode(),
}


@pytest.mark.parametrize("name", SPREADSHEET_FORMS)
def test_spreadsheet_forms_of_the_answers_file(folder, name):
    status, out, err = grade(folder, SPREADSHEET_FORMS[name])
    assert (status, err) == (0, ""), err
    assert out.splitlines()[1] == SCORE


def test_a_decimal_comma_is_read_in_a_comma_language(folder):
    data = 'learner;q5\nLina;1 234,5\nSam;"1.234,5"\nAli;1234.5\n'
    status, out, err = grade(folder, data, language="fr")
    assert status == 0
    assert [line.split(",")[-3] for line in out.splitlines()[1:]] == ["1", "1", "0"]
    assert "ANSWERS.csv:4: warning: column `q5`: `1234.5` is not a number; it earns 0" in err.splitlines()
    status, out, err = grade(folder, data)  # the quiz's course is Arabic (the default): 3,5 is never read as 3.5
    assert [line.split(",")[-3] for line in out.splitlines()[1:]] == ["0", "0", "1"]


def test_a_header_without_rows_is_nothing_to_grade(folder):
    """As with a file whose every row is bad: exit 1 and say why, rather than an empty gradebook."""
    status, out, err = grade(folder, "learner,q1,q2\n")
    assert status == 1 and out == ""
    assert "ANSWERS.csv: no learner rows below the header: nothing to grade" in err


@pytest.mark.parametrize(("name", "shown", "named"), [("\u202eBDC NOSIRRAH", "BDC NOSIRRAH", "U+202E"), ("Am\0al", "Amal", "U+0000")])
def test_hidden_characters_are_left_out_of_a_learners_name_with_a_warning(folder, name, shown, named):
    status, out, err = grade(folder, f"learner,q1\n{name},e\nSara,a\n")
    assert status == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert [row[0] for row in rows[1:]] == [shown, "Sara"]
    assert f"ANSWERS.csv:2: warning: the learner's name holds hidden characters ({named})" in err
