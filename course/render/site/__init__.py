"""The course site's pages, from the model alone.

- ``pages``           which page is which (``Page``) and its HTML from ``templates/site``
- ``quiz_page``       what a quiz page holds besides its template (the quiz's data for the script)
- ``progress``        what the progress script reads on every page (storage keys, strings)
- ``search_index``    the search box's index (the course's text by section, the normalisation table)
- ``glossary_links``  a module's HTML with each glossary term's first use linked, its definition a tooltip
- ``code_blocks``     code blocks focusable and named, marked lines announced (modules and quiz texts)
- ``fragments``       an HTML fragment as a tree and back, for those two

Writing them, and reusing them between builds, is ``course.build.site_stage``.
"""
