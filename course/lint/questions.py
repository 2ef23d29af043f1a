"""Item-writing checks on single questions and across quizzes."""

from __future__ import annotations

from ..load.yamlfile import item_line
from ..model import Course, Question, letter
from ..problems import Problems
from .locate import questions_by_id, quiz_path
from .registry import rule
from .text import folded, plain

LONG_PROMPT = 400  # characters of prompt text (markup stripped)
GIVEAWAY_RATIO = 2  # the correct option is at least this many times as long as every distractor
INSTRUCTION_TYPES = ("matching", "ordering")  # their prompt is an instruction; the items are the question


@rule(
    "duplicate-question", "two questions (in any quizzes) ask the same thing: same prompt once markup, case and Arabic spelling are folded"
)
def duplicate_questions(course: Course, settings) -> list:
    found, first = [], {}
    for quiz in course.quizzes:
        problems = Problems(quiz_path(quiz))
        for question in quiz.questions:
            key = _identity(question)
            if key in first:
                other_path, other = first[key]
                problems.warning(
                    question.line, f"question `{question.id}` asks the same as question `{other.id}` ({other_path}:{other.line})"
                )
            first.setdefault(key, (problems.path, question))
        found += problems
    return found


@rule("long-prompt", f"a prompt longer than {LONG_PROMPT} characters (markup stripped)")
def long_prompts(course: Course, settings) -> list:
    found = []
    for quiz in course.quizzes:
        problems = Problems(quiz_path(quiz))
        for question in quiz.questions:
            size = len(plain(question.prompt).strip())
            if size > LONG_PROMPT:
                problems.warning(
                    question.line,
                    f"the prompt of `{question.id}` is {size} characters long (over {LONG_PROMPT}): "
                    "move the context into the module or split the question",
                )
        found += problems
    return found


@rule("giveaway-option", f"`single`: the correct option is at least {GIVEAWAY_RATIO}x as long as every other option")
def giveaway_options(course: Course, settings) -> list:
    found = []
    for quiz in course.quizzes:
        problems = Problems(quiz_path(quiz))
        data = questions_by_id(quiz)
        for question in quiz.questions:
            index = _giveaway(question)
            if index is not None:
                line = item_line(data.get(question.id, {}).get("options") or [], index) or question.line
                problems.warning(
                    line,
                    f"option {letter(index)} of `{question.id}`, the correct one, is far longer than the others: "
                    "a test-wise learner picks it unread; even out the lengths",
                )
        found += problems
    return found


def _identity(question: Question) -> tuple:
    if question.type in INSTRUCTION_TYPES:
        return (folded(question.prompt), tuple(folded(t) for t in question.prompts + question.items))
    return (folded(question.prompt),)


def _giveaway(question: Question) -> int | None:
    """The index of the correct option when its length gives it away.

    Compared with the longest distractor, not the shortest: one terse
    distractor ("لا شيء") does not make a long correct answer stand out, and
    a correct answer twice as long as all the others does, however long they are.
    """
    if question.type != "single":
        return None
    sizes = [len(plain(o.text).strip()) for o in question.options]
    index = next(i for i, o in enumerate(question.options) if o.correct)
    longest_distractor = max(size for i, size in enumerate(sizes) if i != index)
    return index if sizes[index] >= GIVEAWAY_RATIO * max(longest_distractor, 1) else None
