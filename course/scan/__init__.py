"""Paper quizzes read back from scans: bubble sheets in, the answers CSV (course-format.md section 5) out.

``layout`` says where everything stands on a sheet (the sheet's renderer,
``course.render.pdf.bubbles``, and the reader share it); ``images`` turns
scanned files into page images; ``locate`` finds a page's code and corner
marks and straightens it; ``read`` measures each bubble; ``decide`` turns the
measures into answers and flags; ``session`` puts the pages of a class
together, reporting every page it cannot use; ``overrides`` applies the
trainer's decisions from the review.
"""
