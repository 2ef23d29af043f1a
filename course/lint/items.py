"""Item-writing checks that make a quiz measure: no pattern a test-wise learner can score on unread.

Two of them look at a whole quiz and at the whole course, because a bias
shows only across items: where the right option stands, and whether it is
the longest. Each flags a pattern only when chance alone would make it
rare: the probability that random placement gives at least what is seen
is below ``CHANCE`` (an exact Poisson-binomial tail, each question counted
with its own number of options). The others look at one item at a time.
"""

from __future__ import annotations

import difflib
import re

from ..load.yamlfile import item_line
from ..model import Course, Question, Quiz, letter
from ..problems import Problems
from .locate import questions_by_id, quiz_path
from .registry import rule
from .text import folded, plain

CHANCE = 0.05  # a pattern is reported when random placement makes it at least this unlikely
LEAST_ITEMS = 4  # fewer selected-response items say nothing about a pattern
NEAR_DUPLICATE = 0.9  # difflib's ratio of two folded options
GIVEN_AWAY_SIZE = 12  # folded characters a right answer needs before finding it elsewhere means anything
ALL_OR_NONE = re.compile(
    r"\b(?:all|none|both|neither) of the (?:above|previous|others)\b"
    r"|(?:كل|جميع) ما (?:سبق|ذكر|تقدم)|لا شيء مما (?:سبق|ذكر|تقدم)|ليس (?:أيا|أيًا|أياً|اي|أي) مما (?:سبق|ذكر)|(?:كلا|كلتا) الإجابتين",
    re.I,
)
NEGATIVE = re.compile(r"\b(?:not|except|least|never|false)\b|(?<![\w])(?:ليس|ليست|لا|لم|لن|غير|عدا|باستثناء|إلا|خطأ)(?![\w])", re.I)
EMPHASISED = re.compile(r"\*\*[^*]+\*\*|__[^_]+__|\*[^*]+\*|_[^_]+_|<(?:strong|em|b|u)>.*?</(?:strong|em|b|u)>", re.I | re.S)


def _tail(probabilities: list[float], observed: int) -> float:
    """P(X >= observed) for X a sum of independent Bernoulli(p_i) (exact)."""
    distribution = [1.0]  # distribution[k] = P(X = k) over the questions so far
    for p in probabilities:
        stay = [chance * (1 - p) for chance in distribution] + [0.0]
        move = [0.0] + [chance * p for chance in distribution]
        distribution = [a + b for a, b in zip(stay, move, strict=True)]
    return sum(distribution[observed:])


def _key_position_bias(questions: list[Question]) -> tuple[int, int, float] | None:
    """(position, count, probability) of the most over-used right position of `single` questions, when chance makes it rare."""
    singles = [q for q in questions if q.type == "single" and q.options]
    if len(singles) < LEAST_ITEMS:
        return None
    keys = [next(i for i, o in enumerate(q.options) if o.correct) for q in singles]
    worst = None
    for position in range(max(len(q.options) for q in singles)):
        count = keys.count(position)
        chance = _tail([1 / len(q.options) if position < len(q.options) else 0.0 for q in singles], count)
        chance = min(1.0, chance * max(len(q.options) for q in singles))  # any of the positions could have been the one
        if count and chance < CHANCE and (worst is None or chance < worst[2]):
            worst = (position, count, chance)
    return worst


def _longest_bias(questions: list[Question]) -> tuple[int, int, float] | None:
    """(count, items, probability) of right options that are strictly the longest, when chance makes it rare."""
    items = [q for q in questions if q.type in ("single", "multiple") and len(q.options) >= 2]
    if len(items) < LEAST_ITEMS:
        return None
    count, chances = 0, []
    for question in items:
        sizes = [len(plain(o.text).strip()) for o in question.options]
        right = [i for i, o in enumerate(question.options) if o.correct]
        chances.append(len(right) / len(sizes))
        longest = max(sizes)
        count += sizes.count(longest) == 1 and sizes.index(longest) in right
    chance = _tail(chances, count)
    return (count, len(items), chance) if count and chance < CHANCE else None


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f} %"


@rule("key-position", f"the right options of a quiz (or the course) sit in one position more often than chance makes likely (p < {CHANCE})")
def key_positions(course: Course, settings) -> list:
    found = []
    for quiz in course.quizzes:
        problems = Problems(quiz_path(quiz))
        bias = _key_position_bias(quiz.questions)
        if bias:
            position, count, chance = bias
            singles = sum(q.type == "single" for q in quiz.questions)
            share = f"{count} of {singles} single-choice questions ({_percent(count, singles)})"
            problems.warning(
                1,
                f"the right option of {share} is option {letter(position)}: by chance that happens with probability {chance:.3f}; "
                f"a learner who always ticks {letter(position)} scores on it; move the right options so every position holds its share",
            )
        problems += _first_options_bias(quiz)
        found += problems
    everything = [q for quiz in course.quizzes for q in quiz.questions]
    bias = _key_position_bias(everything)
    if bias and course.quizzes:
        position, count, chance = bias
        singles = sum(q.type == "single" for q in everything)
        across = Problems("course.yaml")
        across.warning(
            None,
            f"across the course, the right option of {count} of {singles} single-choice questions ({_percent(count, singles)}) "
            f"is option {letter(position)} (probability {chance:.3f} by chance): spread the keys over every position",
        )
        found += across
    return found


def _first_options_bias(quiz: Quiz) -> list:
    """`multiple` questions whose right options always come first, in every such question of the quiz."""
    multiples = [q for q in quiz.questions if q.type == "multiple" and len(q.options) > 2]
    if len(multiples) < 2:
        return []
    if all([o.correct for o in q.options] == sorted((o.correct for o in q.options), reverse=True) for q in multiples):
        problems = Problems(quiz_path(quiz))
        problems.warning(
            multiples[0].line,
            f"in every one of the {len(multiples)} multiple-choice questions the right options come first: mix their positions",
        )
        return list(problems)
    return []


@rule("longest-key", f"the right option is the strictly longest one more often than chance makes likely (p < {CHANCE})")
def longest_keys(course: Course, settings) -> list:
    found = []
    for quiz in course.quizzes:
        bias = _longest_bias(quiz.questions)
        if bias:
            count, items, chance = bias
            problems = Problems(quiz_path(quiz))
            problems.warning(
                1,
                f"in {count} of {items} choice questions ({_percent(count, items)}) the right option is the longest one "
                f"(probability {chance:.3f} by chance): a learner who picks the longest option scores; "
                "make distractors as full and precise as the key",
            )
            found += problems
    return found


@rule("answer-in-another-item", "one question's prompt holds the right answer of another question of the quiz")
def answers_given_away(course: Course, settings) -> list:
    found = []
    for quiz in course.quizzes:
        problems = Problems(quiz_path(quiz))
        texts = {q.id: _texts(q) for q in quiz.questions}
        for question in quiz.questions:
            for other in quiz.questions:
                given = next((shown for answer, shown in _answers(question) if any(_holds(t, answer) for t in texts[other.id])), None)
                if other is not question and given is not None:
                    problems.warning(
                        other.line,
                        f"the prompt of `{other.id}` holds the right answer of question `{question.id}` («{_short(given)}»): "
                        "a learner reads it there; reword one of them",
                    )
        found += problems
    return found


def _answers(question: Question) -> list[tuple[str, str]]:
    """The right answers of a question (folded, and as written) that are phrases distinct enough to mean something elsewhere."""
    if question.type in ("single", "multiple"):
        answers = [o.text for o in question.options if o.correct]
    elif question.type == "short":
        answers = list(question.answers)
    else:
        answers = []
    pairs = [(folded(a), plain(a).strip()) for a in answers]
    return [(key, shown) for key, shown in pairs if len(key) >= GIVEN_AWAY_SIZE and len(key.split()) >= 2]


def _texts(question: Question) -> list[str]:
    """What a learner reads as the question itself: its prompt.

    Options, choices and a matching question's prompts are left out: another
    item's answer standing in a list, right or wrong, does not say it is
    right; in a stem it does.
    """
    return [folded(question.prompt)]


def _holds(text: str, phrase: str) -> bool:
    """Whether ``phrase`` stands in ``text`` as whole words (``مكافحة`` is not in ``لمكافحة``)."""
    return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text) is not None


def _short(text: str, size: int = 60) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


@rule("duplicate-option", f"two options of a question say the same (or nearly: {NEAR_DUPLICATE:.0%} alike once folded)")
def duplicate_options(course: Course, settings) -> list:
    found = []
    for quiz in course.quizzes:
        problems = Problems(quiz_path(quiz))
        data = questions_by_id(quiz)
        for question in quiz.questions:
            key = "options" if question.options else "choices" if question.choices else "items"
            texts = [folded(o.text) for o in question.options] if question.options else [folded(t) for t in getattr(question, key)]
            for later, text in enumerate(texts):
                for earlier in range(later):
                    if text and difflib.SequenceMatcher(None, texts[earlier], text).ratio() >= NEAR_DUPLICATE:
                        line = item_line(data.get(question.id, {}).get(key) or [], later) or question.line
                        same = "the same as" if texts[earlier] == text else "nearly the same as"
                        what = f"{key[:-1]} {letter(later)} of `{question.id}`"
                        problems.warning(line, f"{what} is {same} {letter(earlier)}: make each one distinct")
                        break
        found += problems
    return found


@rule("all-or-none-of-the-above", 'an option reads "all of the above" or "none of the above" (or كل ما سبق, لا شيء مما سبق...)')
def all_or_none(course: Course, settings) -> list:
    found = []
    for quiz in course.quizzes:
        if quiz.shuffle:
            continue  # the loader already warns: with shuffled options "above" means nothing
        problems = Problems(quiz_path(quiz))
        data = questions_by_id(quiz)
        for question in quiz.questions:
            for index, option in enumerate(question.options):
                if ALL_OR_NONE.search(plain(option.text)):
                    line = item_line(data.get(question.id, {}).get("options") or [], index) or question.line
                    problems.warning(
                        line,
                        f'option {letter(index)} of `{question.id}` is "{option.text}": a learner who spots two right options '
                        "finds the answer without knowing the third, and one wrong option rules it out; write a real option",
                    )
        found += problems
    return found


def _asking_sentence(text: str) -> str:
    """The sentence that asks (the last one ending in ? or ؟; the whole text when none does): a scenario may negate freely."""
    sentences = re.findall(r"[^.!?؟\n]*[?؟]", text)
    return sentences[-1] if sentences else text


@rule("negative-stem", "a prompt asks with a negative (not, except, ليس, لا, غير, عدا...) that is not emphasised")
def negative_stems(course: Course, settings) -> list:
    found = []
    for quiz in course.quizzes:
        problems = Problems(quiz_path(quiz))
        for question in quiz.questions:
            if question.type not in ("single", "multiple"):
                continue
            bare = EMPHASISED.sub(" ", question.prompt or "")
            match = NEGATIVE.search(_asking_sentence(plain(bare)))
            if match and not match.group(0).isupper():
                problems.warning(
                    question.line,
                    f"the prompt of `{question.id}` asks with «{match.group(0)}» without emphasis: learners read past it; "
                    f"write it in bold (**{match.group(0)}**) or ask the question positively",
                )
        found += problems
    return found
