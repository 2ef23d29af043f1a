"""The build's worker processes: PDFs on every core, site work by forking.

- ``forkserver``  the fork server the PDF workers come from, WeasyPrint already loaded
- ``pdf_pool``    ``PdfWorkers``: handouts, quiz papers and book parts, one job at a time each
- ``site_pool``   ``SitePool``: Markdown and site pages in processes forked from the build

They run what ``course.render`` renders; they decide nothing about what to build.
"""
