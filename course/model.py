"""The typed course model: everything the renderers and exporters read.

Loaders (``course.load``) build these objects from files and validate them;
renderers and packagers only ever see the model, never YAML or Markdown files.
Field names follow the keys of ``course-format.md`` so a quiz question can be
turned back into the same mapping the author wrote (``Question.to_dict``), which
is also the form the page's script and the shared test vectors use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur"})

QUESTION_TYPES = ("single", "multiple", "true_false", "short", "numeric", "matching", "ordering")

LATIN_LETTERS = "abcdefghij"
ABJAD_LETTERS = ("أ", "ب", "ج", "د", "هـ", "و", "ز", "ح", "ط", "ي")
# Option labels by script (course-format.md section 1): the abjad order, as Persian and Urdu papers write it.
PERSIAN_LETTERS = ("الف", "ب", "ج", "د", "هـ", "و", "ز", "ح", "ط", "ی")
URDU_LETTERS = ("الف", "ب", "ج", "د", "ہ", "و", "ز", "ح", "ط", "ی")
SCRIPT_LETTERS = {"ar": ABJAD_LETTERS, "fa": PERSIAN_LETTERS, "ur": URDU_LETTERS}


def letter(index: int) -> str:
    """The Latin letter of the n-th (0-based) option, choice or item: a, b, c..."""
    return LATIN_LETTERS[index] if index < len(LATIN_LETTERS) else chr(ord("a") + index)


def option_labels(language: str | None) -> tuple[str, ...] | None:
    """The labels a language's script gives options (أ ب ج, الف ب ج), or None for Latin a b c."""
    return SCRIPT_LETTERS.get((language or "").split("-")[0].lower())


def letter_index(value: str) -> int:
    return ord(value) - ord("a")


def text_direction(language: str) -> str:
    primary = (language or "").split("-")[0].lower()
    return "rtl" if primary in RTL_LANGUAGES else "ltr"


@dataclass
class Source:
    document: str
    quote: str | None = None


@dataclass
class Option:
    text: str
    correct: bool = False
    feedback: str | None = None


@dataclass
class Question:
    id: str
    type: str
    prompt: str
    points: float = 1
    explanation: str | None = None
    source: Source | None = None
    objective: int | None = None  # 1-based objective of the quiz's module (extension)
    # single / multiple
    options: list[Option] = field(default_factory=list)
    # true_false: bool; numeric: number; matching / ordering: list of letters
    answer: Any = None
    # short
    answers: list[str] = field(default_factory=list)
    # numeric
    tolerance: float = 0
    # matching
    prompts: list[str] = field(default_factory=list)
    choices: list[str] = field(default_factory=list)
    each_choice_once: bool = False  # on the web page, picking a choice used elsewhere swaps them
    # ordering
    items: list[str] = field(default_factory=list)
    line: int = 0  # line of the question in its quiz file

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Question:
        """Build a question from an already-validated mapping (quiz YAML form)."""
        fields = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        fields["options"] = [Option(**{k: v for k, v in o.items() if k in Option.__dataclass_fields__}) for o in data.get("options") or []]
        if data.get("source"):
            fields["source"] = Source(**{k: v for k, v in data["source"].items() if k in Source.__dataclass_fields__})
        return cls(**fields)

    def to_dict(self) -> dict[str, Any]:
        """The mapping the page's script grades from (and the vectors use)."""
        out: dict[str, Any] = {"id": self.id, "type": self.type, "points": self.points}
        if self.type in ("single", "multiple"):
            out["options"] = [{"text": o.text, "correct": o.correct} for o in self.options]
        elif self.type in ("true_false", "numeric"):
            out["answer"] = self.answer
            if self.type == "numeric":
                out["tolerance"] = self.tolerance
        elif self.type == "short":
            out["answers"] = list(self.answers)
        elif self.type == "matching":
            out.update(prompts=list(self.prompts), choices=list(self.choices), answer=list(self.answer))
            if self.each_choice_once:
                out["each_choice_once"] = True
        elif self.type == "ordering":
            out.update(items=list(self.items), answer=list(self.answer))
        return out


@dataclass
class Quiz:
    id: str
    module: str
    title: str
    questions: list[Question]
    pass_mark: float
    shuffle: bool = False
    versions: int = 1  # printed versions A, B... (course.grading.versions)
    path: Path | None = None
    module_line: int = 1  # where `module:` stands, for cross-file errors

    @property
    def max_points(self) -> float:
        return sum(q.points for q in self.questions)


@dataclass
class Heading:
    level: int
    text: str
    anchor: str


@dataclass
class Module:
    id: str
    title: str
    body_markdown: str
    summary: str = ""
    objectives: list[str] = field(default_factory=list)
    duration_minutes: int | None = None
    keywords: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    key_terms: list[str] = field(default_factory=list)  # glossary terms (extension)
    path: Path | None = None
    body_line: int = 1  # line of the file where the Markdown body starts
    front_lines: dict = field(default_factory=dict)  # front-matter key -> line
    trainer_notes_markdown: str | None = None  # trainer/<id>.md, never learner-facing
    # filled by the renderer's Markdown pass
    html: str = ""
    headings: list[Heading] = field(default_factory=list)


@dataclass
class GlossaryEntry:
    term: str
    definition: str
    abbreviation: str | None = None
    translation: str | None = None
    anchor: str = ""
    deprecated: list[str] = field(default_factory=list)  # forms the term replaces (lint: deprecated-term)


@dataclass
class Course:
    root: Path
    title: str
    language: str = "ar"
    subtitle: str | None = None
    organisation: str | None = None
    description: str | None = None
    pass_mark: float = 70
    version: str | None = None
    paper_size: str = "A4"
    # course.yaml `interface`: (interface id, text) pairs, the course's own words for interface strings.
    interface: tuple[tuple[str, str], ...] = ()
    modules: list[Module] = field(default_factory=list)
    quizzes: list[Quiz] = field(default_factory=list)
    glossary: list[GlossaryEntry] = field(default_factory=list)
    # ids of modules whose file is there but did not load (only in a course loaded with errors, for ``check``):
    # their own problems are reported, so a link to one is not one more
    unloaded: frozenset[str] = frozenset()

    @property
    def direction(self) -> str:
        return text_direction(self.language)

    def key_terms(self, module: Module) -> list[GlossaryEntry]:
        """The glossary entries a module names in ``key_terms`` (by term or abbreviation)."""
        by_name = {e.term: e for e in self.glossary} | {e.abbreviation: e for e in self.glossary if e.abbreviation}
        return [by_name[name] for name in module.key_terms if name in by_name]

    def quizzes_for(self, module_id: str) -> list[Quiz]:
        return [q for q in self.quizzes if q.module == module_id]
