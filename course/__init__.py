"""The course engine: a course folder in; a site, PDFs and LMS packages out.

The tree follows the pipeline, each stage importing only the ones below it
(``tests/test_layers.py`` holds it to that, with import-linter):

- ``cli``, ``commands/``  the command line: one module per subcommand, thin
- ``authoring/``          ``new``, ``serve`` and the editors' JSON Schemas
- ``classroom/``          the classroom server; grades with ``grading``, serves a built site
- ``build/``              one build: the pipeline, what to rebuild and what to reuse, the
                          output folder, the worker processes, ``--watch`` and ``--server``
- ``package/``            stage four: SCORM, QTI, Moodle XML and GIFT exports
- ``lint/``               ``check``'s item-writing and editing rules
- ``render/``             stage three: Markdown, the site's pages (``site/``), the PDFs (``pdf/``)
- ``grading/``            the one grading core, paper answers, gradebook, item analysis
- ``load/``               stage one: course folder files into the model, every problem located
- ``model``               stage two: the typed course everything after loading reads
- ``problems``            ``PATH:LINE: message`` problems and the one user-facing exception
- ``fingerprint``         SHA-256 of files, values and the engine (keys, and what a PDF read)
- ``usercache``           the engine's per-user cache of compiled templates and catalogs

``grading`` and ``load`` do not import each other: grading reads the model only.
"""
