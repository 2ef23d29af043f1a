"""Grading: the one core every grader obeys, and the paper path around it.

- ``rules``          the rules of course-format.md section 4 (held to ``tests/vectors``)
- ``answer_sheet``   ANSWERS.csv read into rows and cells into canonical responses
- ``columns``        a graded sheet's columns: each distinct answer graded once, the rows as codes (numpy)
- ``gradebook``      graded rows written as the gradebook CSV
- ``item_analysis``  facility, discrimination and option counts per question
- ``statistics``     the results report's figures: class statistics, reliability, per-question analysis and flags

Imports the model and ``problems`` only (and numpy, for a class's columns and statistics): the build, ``grade``, the quiz
exports, the linter and the classroom import it.
"""
