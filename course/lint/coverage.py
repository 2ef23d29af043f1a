"""Does every module have a quiz, and does the quiz assess every objective?

Questions name the objective they assess with ``objective: N`` (1-based, the
n-th of the module's ``objectives``). A module whose questions name no
objective at all has not opted in, so only ``module-without-quiz`` applies.
"""

from __future__ import annotations

from ..model import Course, Module
from ..problems import Problems
from .locate import module_path, objective_lines, quiz_path
from .registry import rule


@rule("module-without-quiz", "a module of the course has no quiz")
def modules_without_quiz(course: Course, settings) -> list:
    found = []
    for module in course.modules:
        if not course.quizzes_for(module.id):
            problems = Problems(module_path(module))
            problems.warning(1, f"module `{module.id}` has no quiz: add quizzes/{module.id}-quiz.yaml with `module: {module.id}`")
            found += problems
    return found


@rule("objective-not-assessed", "no quiz question names an objective (`objective: N`) of a module whose questions name objectives")
def objectives_not_assessed(course: Course, settings) -> list:
    found = []
    for module in course.modules:
        named = _named_objectives(course, module)
        if not named:
            continue
        problems = Problems(module_path(module))
        for number, line in enumerate(objective_lines(module), start=1):
            if number not in named:
                problems.warning(line, f"objective {number} is assessed by no question: add a question with `objective: {number}`")
        found += problems
    return found


@rule("objective-unknown", "a question names an objective its module does not have")
def unknown_objectives(course: Course, settings) -> list:
    found = []
    modules = {m.id: m for m in course.modules}
    for quiz in course.quizzes:
        problems = Problems(quiz_path(quiz))
        count = len(modules[quiz.module].objectives) if quiz.module in modules else 0
        for question in quiz.questions:
            if question.objective is not None and question.objective > count:
                problems.warning(
                    question.line, f"question `{question.id}` names objective {question.objective}, but module `{quiz.module}` has {count}"
                )
        found += problems
    return found


def _named_objectives(course: Course, module: Module) -> set[int]:
    return {q.objective for quiz in course.quizzes_for(module.id) for q in quiz.questions if q.objective is not None}
