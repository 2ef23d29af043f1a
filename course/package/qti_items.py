"""One QTI interaction and response processing per question type.

Every item scores in points (``SCORE`` out of ``MAXSCORE``), by the rules of
course-format.md section 4, with inline response processing (no templates,
which some importers cannot resolve):

- single, true_false: ``match`` against the correct response;
- multiple: a ``mapping`` of +points/K per correct and -points/K per wrong
  option, bounded to 0..points, so ``mapResponse`` is points * max(0, (C-W)/K);
- short: a case-insensitive ``mapping`` of every accepted answer (see answers.py);
- numeric: ``gte``/``lte`` the ends of answer +- tolerance;
- matching: a ``mapping`` of points/n per right (prompt, choice) pair;
- ordering: points/n added for each position that holds the right item.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from lxml import etree
from lxml.builder import ElementMaker

from ..model import Question, letter
from . import labels
from .answers import accepted_answers
from .markup import decimal, number
from .qti_content import inlines


@dataclass(frozen=True)
class ItemContext:
    E: ElementMaker
    namespace: str
    shuffle: bool
    language: str
    interface: tuple = ()  # course.yaml `interface`: the words the export adds itself


@dataclass
class Parts:
    response: etree._Element  # the responseDeclaration
    interaction: list[etree._Element]  # what follows the prompt in the item body
    rules: list[etree._Element]  # response processing that sets SCORE
    feedback: dict[str, str] = field(default_factory=dict)  # choice identifier -> Markdown
    feedback_cardinality: str = "single"


Build = Callable[[Question, ItemContext], Parts]
INTERACTIONS: dict[str, Build] = {}


def interaction(question_type: str) -> Callable[[Build], Build]:
    def register(build: Build) -> Build:
        INTERACTIONS[question_type] = build
        return build

    return register


# -- small builders


def declaration(c: ItemContext, cardinality: str, base_type: str, correct: list[str], *extra) -> etree._Element:
    values = c.E.correctResponse(*(c.E.value(v) for v in correct))
    return c.E.responseDeclaration(values, *extra, identifier="RESPONSE", cardinality=cardinality, baseType=base_type)


def mapping(c: ItemContext, entries: dict[str, float], upper: float | None = None, **entry_attributes) -> etree._Element:
    bounds = {"lowerBound": "0", **({"upperBound": number(upper)} if upper is not None else {})}
    mapped = (c.E.mapEntry(mapKey=k, mappedValue=number(v), **entry_attributes) for k, v in entries.items())
    return c.E.mapping(*mapped, defaultValue="0", **bounds)


def float_value(c: ItemContext, value: float | Decimal) -> etree._Element:
    return c.E.baseValue(number(value), baseType="float")


def set_score(c: ItemContext, expression: etree._Element) -> etree._Element:
    return c.E.setOutcomeValue(expression, identifier="SCORE")


def response(c: ItemContext) -> etree._Element:
    return c.E.variable(identifier="RESPONSE")


def all_or_nothing(c: ItemContext, condition: etree._Element, points: float) -> list[etree._Element]:
    right = c.E.responseIf(condition, set_score(c, float_value(c, points)))
    return [c.E.responseCondition(right, c.E.responseElse(set_score(c, float_value(c, 0))))]


def mapped_score(c: ItemContext) -> list[etree._Element]:
    empty = c.E.responseIf(c.E.isNull(response(c)), set_score(c, float_value(c, 0)))
    return [c.E.responseCondition(empty, c.E.responseElse(set_score(c, c.E.mapResponse(identifier="RESPONSE"))))]


def matches_correct(c: ItemContext) -> etree._Element:
    return c.E.match(response(c), c.E.correct(identifier="RESPONSE"))


def simple_choice(c: ItemContext, tag: str, identifier: str, text: str, **attributes) -> etree._Element:
    return inlines(c.E(tag, identifier=identifier, **attributes), text, c.namespace)


def choice_interaction(c: ItemContext, choices: list[tuple[str, str]], max_choices: int, shuffle: bool) -> etree._Element:
    options = (simple_choice(c, "simpleChoice", i, text) for i, text in choices)
    return c.E.choiceInteraction(*options, responseIdentifier="RESPONSE", shuffle=str(shuffle).lower(), maxChoices=str(max_choices))


def text_entry(c: ItemContext, length: int) -> etree._Element:
    return c.E.p(c.E.textEntryInteraction(responseIdentifier="RESPONSE", expectedLength=str(length)))


def option_feedback(question: Question) -> dict[str, str]:
    return {letter(i): o.feedback for i, o in enumerate(question.options) if o.feedback}


# -- the seven types


@interaction("single")
def single_choice(q: Question, c: ItemContext) -> Parts:
    right = [letter(i) for i, o in enumerate(q.options) if o.correct]
    choices = [(letter(i), o.text) for i, o in enumerate(q.options)]
    body = choice_interaction(c, choices, 1, c.shuffle)
    return Parts(declaration(c, "single", "identifier", right), [body], all_or_nothing(c, matches_correct(c), q.points), option_feedback(q))


@interaction("multiple")
def multiple_response(q: Question, c: ItemContext) -> Parts:
    k = sum(o.correct for o in q.options)
    share = {letter(i): (q.points / k if o.correct else -q.points / k) for i, o in enumerate(q.options)}
    right = [letter(i) for i, o in enumerate(q.options) if o.correct]
    choices = [(letter(i), o.text) for i, o in enumerate(q.options)]
    declared = declaration(c, "multiple", "identifier", right, mapping(c, share, upper=q.points))
    body = choice_interaction(c, choices, 0, c.shuffle)
    return Parts(declared, [body], mapped_score(c), option_feedback(q), "multiple")


@interaction("true_false")
def true_false(q: Question, c: ItemContext) -> Parts:
    words = labels.true_false(c.language, c.interface)
    body = choice_interaction(c, [("true", words[0]), ("false", words[1])], 1, False)
    right = ["true" if q.answer else "false"]
    return Parts(declaration(c, "single", "identifier", right), [body], all_or_nothing(c, matches_correct(c), q.points))


@interaction("short")
def short_answer(q: Question, c: ItemContext) -> Parts:
    entries = {a: q.points for a in accepted_answers(q)}
    declared = declaration(c, "single", "string", q.answers[:1], mapping(c, entries, caseSensitive="false"))
    length = max(len(a) for a in q.answers)
    return Parts(declared, [text_entry(c, length)], mapped_score(c))


@interaction("numeric")
def numerical(q: Question, c: ItemContext) -> Parts:
    """A range whose ends are worked out in decimal, so 0.4 is within 0.1 of 0.3."""
    low, high = decimal(q.answer) - decimal(q.tolerance or 0), decimal(q.answer) + decimal(q.tolerance or 0)
    within = c.E("and", c.E.gte(response(c), float_value(c, low)), c.E.lte(response(c), float_value(c, high)))
    declared = declaration(c, "single", "float", [number(q.answer)])
    return Parts(declared, [text_entry(c, 10)], all_or_nothing(c, within, q.points))


@interaction("matching")
def matching(q: Question, c: ItemContext) -> Parts:
    pairs = [f"p{n} {a}" for n, a in enumerate(q.answer, start=1)]
    declared = declaration(c, "multiple", "directedPair", pairs, mapping(c, {p: q.points / len(pairs) for p in pairs}, upper=q.points))
    prompts = (simple_choice(c, "simpleAssociableChoice", f"p{n}", p, matchMax="1") for n, p in enumerate(q.prompts, start=1))
    choices = (simple_choice(c, "simpleAssociableChoice", letter(i), t, matchMax="0") for i, t in enumerate(q.choices))
    sets = (c.E.simpleMatchSet(*prompts), c.E.simpleMatchSet(*choices))
    body = c.E.matchInteraction(*sets, responseIdentifier="RESPONSE", shuffle=str(c.shuffle).lower(), maxAssociations=str(len(q.prompts)))
    return Parts(declared, [body], mapped_score(c))


def position_rule(c: ItemContext, n: int, right: str, share: float) -> etree._Element:
    at = c.E.index(response(c), n=str(n))
    holds = c.E.match(at, c.E.baseValue(right, baseType="identifier"))
    added = c.E.sum(c.E.variable(identifier="SCORE"), float_value(c, share))
    return c.E.responseCondition(c.E.responseIf(holds, set_score(c, added)))


@interaction("ordering")
def ordering(q: Question, c: ItemContext) -> Parts:
    items = (simple_choice(c, "simpleChoice", letter(i), t) for i, t in enumerate(q.items))
    body = c.E.orderInteraction(*items, responseIdentifier="RESPONSE", shuffle=str(c.shuffle).lower())
    share = q.points / len(q.items)
    rules = [set_score(c, float_value(c, 0))] + [position_rule(c, n, a, share) for n, a in enumerate(q.answer, start=1)]
    return Parts(declaration(c, "ordered", "identifier", list(q.answer)), [body], rules)
