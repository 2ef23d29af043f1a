"""The PDFs, laid out by WeasyPrint from ``templates/pdf``.

- ``plan``      where each PDF goes, known before any is laid out
- ``handout``   a module's handout and its part of the course book
- ``paper``     a quiz's sheet (no answers) and answer key
- ``contents``  the course book's contents, from where headings landed
- ``book``      the course book, put together from the parts
- ``parts``, ``writer``  PDFs made relocatable, and written object by object
- ``weasy``, ``fetcher``  WeasyPrint imported quickly, and its fetcher fenced to the course
- ``textlayer`` each drawn glyph mapped to its own text (WeasyPrint's text drawing corrected)
- ``xmp``       PDF/UA identification: XMP metadata and the reading direction

Which PDFs to lay out again, and on which worker, is ``course.build``.
"""
