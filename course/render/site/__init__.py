"""The course site's pages, from the model alone.

- ``pages``      which page is which (``Page``) and its HTML from ``templates/site``
- ``quiz_page``  what a quiz page holds besides its template (the quiz's data for the script)

Writing them, and reusing them between builds, is ``course.build.site_stage``.
"""
