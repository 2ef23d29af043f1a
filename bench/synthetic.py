"""Synthetic courses for the build benchmark: N Arabic modules with a quiz each.

``python bench/synthetic.py DIR --modules 50`` writes a course folder. Each
module has about 1,200 words made from the shipped modules' own vocabulary
(a fixed seed, so the same N always gives the same course): headings, lists,
a table, an admonition and a link to the module before it. Each quiz has 12
questions covering all seven types, and the course has a glossary whose
terms the modules name as key terms. ``edit_paragraph``, ``edit_quiz`` and
``add_module`` make the small changes the benchmark times.
"""

from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
WORDS_PER_MODULE = 1200
GLOSSARY_SIZE = 60
QUIZ_TYPES = [
    "single",
    "multiple",
    "true_false",
    "short",
    "numeric",
    "matching",
    "ordering",
    "single",
    "multiple",
    "true_false",
    "short",
    "matching",
]  # 12 questions, all seven types


def vocabulary() -> list[str]:
    """Arabic words of two letters or more from the shipped modules, in a stable order."""
    text = " ".join(path.read_text(encoding="utf-8") for path in sorted((REPO / "modules").glob("*.md")))
    return sorted(set(re.findall(r"[\u0621-\u064A]{2,}", text)))


class Writer:
    """Deterministic text from the vocabulary: words, sentences, paragraphs."""

    def __init__(self, seed: int):
        self.random = random.Random(seed)
        self.words = vocabulary()

    def phrase(self, low: int, high: int) -> str:
        return " ".join(self.random.choice(self.words) for _ in range(self.random.randint(low, high)))

    def sentence(self) -> str:
        return self.phrase(8, 16) + "."

    def paragraph(self, sentences: int = 4) -> str:
        return " ".join(self.sentence() for _ in range(sentences))


def module_text(writer: Writer, number: int, terms: list[str]) -> tuple[dict, str]:
    front = {
        "title": f"الوحدة {number}: {writer.phrase(3, 6)}",
        "summary": writer.sentence(),
        "objectives": [writer.sentence() for _ in range(3)],
        "duration_minutes": 30 + number % 4 * 15,
        "keywords": [writer.phrase(1, 2) for _ in range(3)],
        "key_terms": terms,
    }
    parts = [writer.paragraph(8)]
    if number > 1:
        parts.append(f"راجع [الوحدة السابقة](m{number - 1:03d}.md) قبل أن تبدأ. " + writer.paragraph(2))
    for section in range(5):
        parts.append(f"## {writer.phrase(2, 5)} {section + 1}")
        parts += [writer.paragraph(5), writer.paragraph(5), writer.paragraph(5)]
        if section == 1:
            parts.append("\n".join(f"- {writer.phrase(4, 9)}" for _ in range(5)))
        if section == 2:
            parts.append(f"### {writer.phrase(2, 4)}")
            parts.append("\n".join(f"{i}. {writer.phrase(4, 9)}" for i in range(1, 5)))
        if section == 3:
            rows = [f"| {writer.phrase(1, 2)} | {writer.phrase(2, 4)} | {writer.phrase(2, 5)} |" for _ in range(4)]
            parts.append("\n".join(["| البند | الوصف | الملاحظة |", "| --- | --- | --- |", *rows]))
        if section == 4:
            parts.append(f'!!! note "{writer.phrase(1, 3)}"\n    {writer.paragraph(2)}')
    return front, "\n\n".join(parts) + "\n"


def question(writer: Writer, index: int, kind: str) -> dict:
    q = {"id": f"q{index}", "type": kind, "prompt": writer.sentence(), "explanation": writer.sentence()}
    if kind in ("single", "multiple"):
        q["options"] = [{"text": writer.phrase(2, 6)} for _ in range(4)]
        q["options"][0]["correct"] = True
        q["options"][1]["feedback"] = writer.sentence()
        if kind == "multiple":
            q["options"][2]["correct"] = True
    elif kind == "true_false":
        q["answer"] = index % 2 == 0
    elif kind == "short":
        q["answers"] = [writer.phrase(1, 3), writer.phrase(1, 3)]
    elif kind == "numeric":
        q["answer"], q["tolerance"] = 1000 + index, 0
    elif kind == "matching":
        q["prompts"] = [writer.phrase(2, 4) for _ in range(3)]
        q["choices"] = [writer.phrase(2, 4) for _ in range(4)]
        q["answer"] = ["b", "a", "d"]
    elif kind == "ordering":
        q["items"] = [writer.phrase(2, 5) for _ in range(4)]
        q["answer"] = ["c", "a", "d", "b"]
    return q


def quiz_data(writer: Writer, module_id: str, number: int) -> dict:
    questions = [question(writer, i, kind) for i, kind in enumerate(QUIZ_TYPES, start=1)]
    return {"id": f"{module_id}-quiz", "module": module_id, "title": f"اختبار الوحدة {number}", "questions": questions}


def dump(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


def write_module(root: Path, number: int, glossary: list[dict], seed: int = 1) -> str:
    """Write module ``m<number>`` and its quiz; return the module id."""
    writer = Writer(seed * 100_003 + number)
    module_id = f"m{number:03d}"
    terms = [glossary[(number * 7 + k) % len(glossary)]["term"] for k in range(3)]
    front, body = module_text(writer, number, terms)
    (root / "modules" / f"{module_id}.md").write_text(f"---\n{dump(front)}---\n\n{body}", encoding="utf-8")
    (root / "quizzes" / f"{module_id}-quiz.yaml").write_text(dump(quiz_data(writer, module_id, number)), encoding="utf-8")
    return module_id


def generate(root: Path, modules: int, seed: int = 1) -> Path:
    root = Path(root)
    for folder in ("modules", "quizzes"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    writer = Writer(seed)
    settings = {
        "title": "دورة تجريبية للقياس",
        "subtitle": writer.sentence(),
        "organisation": "برنامج القياس",
        "language": "ar",
        "version": "1.0",
    }
    (root / "course.yaml").write_text(dump(settings), encoding="utf-8")
    glossary = [{"term": f"{writer.phrase(2, 3)} {n}", "definition": writer.paragraph(2)} for n in range(1, GLOSSARY_SIZE + 1)]
    (root / "glossary.yaml").write_text(dump(glossary), encoding="utf-8")
    for number in range(1, modules + 1):
        write_module(root, number, glossary, seed)
    return root


def edit_paragraph(root: Path, module_id: str = "m002") -> None:
    """Change one word of one paragraph in the middle of a module."""
    path = Path(root) / "modules" / f"{module_id}.md"
    text = path.read_text(encoding="utf-8")
    marker = "\n## "
    at = text.index(marker, text.index(marker) + 1) - 1  # end of the paragraph before the second heading
    path.write_text(text[:at] + " وهذه جملة معدلة." + text[at:], encoding="utf-8")


def edit_quiz(root: Path, module_id: str = "m002") -> None:
    path = Path(root) / "quizzes" / f"{module_id}-quiz.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["questions"][0]["prompt"] += " (معدل)"
    path.write_text(dump(data), encoding="utf-8")


def add_module(root: Path, seed: int = 1) -> str:
    root = Path(root)
    glossary = yaml.safe_load((root / "glossary.yaml").read_text(encoding="utf-8"))
    number = len(list((root / "modules").glob("*.md"))) + 1
    return write_module(root, number, glossary, seed)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", type=Path)
    parser.add_argument("--modules", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    generate(args.target, args.modules, args.seed)
    print(f"wrote {args.modules} modules to {args.target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
