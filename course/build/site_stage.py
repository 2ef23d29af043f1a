"""The static course site: home page, a page per module and per quiz, the glossary.

Every link is relative, so the site works from ``file://``, from any web
server path and inside an LMS package; assets and fonts are copied in, and
the code colours written from Pygments (``CODE_STYLE``). Each
page is rendered only when what it is made of changed (``course.build.keys``).
The site is written before the PDFs it links to (``course.render.pdf.plan`` says where
they go). The pages to render are shared between this process and site workers
forked from it (``workers.site_pool``) when there are enough of them; files are recorded in one order
whoever rendered them, so the manifest is the same.
"""

from __future__ import annotations

import hashlib
import shutil

from ..fingerprint import file_digest
from ..model import Course
from ..render.environment import ASSETS
from ..render.fonts import font_files
from ..render.highlight import stylesheet
from ..render.markdown import module_assets
from ..render.pdf.plan import PlannedPdfs
from ..render.site.pages import Page, neighbours, quiz_module, warm, write_pages
from ..render.site.search_index import search_index_script
from .incremental import Incremental
from .keys import Keys
from .workers.site_pool import SitePool

CODE_STYLE = "assets/css/code.css"  # every page links it after content.css (templates/site/base.html)


def write_assets(build: Incremental) -> None:
    copies = [(path, f"assets/{path.relative_to(ASSETS).as_posix()}", "asset") for path in sorted(ASSETS.rglob("*")) if path.is_file()]
    copies += [(path, f"assets/fonts/{path.name}", "font") for path in font_files()]
    for source, rel, kind in copies:
        build.make(rel, kind, file_digest(source), lambda target, source=source: shutil.copyfile(source, target))
    code = stylesheet(dark=True).encode("utf-8")  # rewritten when Pygments or the styles change it
    build.make(CODE_STYLE, "asset", hashlib.sha256(code).hexdigest(), lambda target: target.write_bytes(code))


def write_site(course: Course, build: Incremental, keys: Keys, pdfs: PlannedPdfs, pool: SitePool | None = None) -> None:
    """Every page of the site and the modules' own files (images); ``pdfs`` are the PDFs the pages link to."""
    plan: list[Page | tuple] = [Page("index.html", "site-index", keys.site_index(pdfs.book), "index", target=pdfs.book)]
    if course.glossary:
        plan.append(Page("glossary.html", "glossary-html", keys.glossary_page(), "glossary"))
    plan.append(Page("learners.html", "learners-html", keys.learners_page(), "learners"))
    for number, module in enumerate(course.modules, start=1):
        pdf = f"../{pdfs.handouts[module.id]}" if module.id in pdfs.handouts else None
        key = keys.module_page(module, number, *neighbours(course, number), pdf)
        plan.append(Page(f"modules/{module.id}.html", "module-html", key, "module", number - 1, pdf, module=module.id))
        for asset in module_assets(course, module):
            plan.append((f"modules/{asset.relative_to(course.root / 'modules').as_posix()}", asset, module.id))
    for index, quiz in enumerate(course.quizzes):
        sheet = f"../{pdfs.sheets[quiz.id]}" if quiz.id in pdfs.sheets else None
        key = keys.quiz_page(quiz, *quiz_module(course, quiz), sheet)
        plan.append(Page(f"quizzes/{quiz.id}.html", "quiz-html", key, "quiz", index, sheet, module=quiz.module, quiz=quiz.id))
    _write(course, build, plan, pool)
    write_search_index(course, build)


SEARCH_INDEX = "assets/search-index.js"


def write_search_index(course: Course, build: Incremental) -> None:
    """The search box's index, a script every page loads (``course.render.site.search_index``)."""
    data = search_index_script(course).encode("utf-8")
    build.make(SEARCH_INDEX, "asset", hashlib.sha256(data).hexdigest(), lambda target: target.write_bytes(data))


def _write(course: Course, build: Incremental, plan: list, pool: SitePool | None) -> None:
    pages = [item for item in plan if isinstance(item, Page) and not build.reusable(item.rel, item.key)]
    for page in pages:
        build.output.path(page.rel)  # its folder
    if pool is not None:
        warm(course)
        digests = pool.run(write_pages, pages, course, build.output.root, chunk=4)
    else:
        digests = write_pages(course, pages, build.output.root)
    rendered = {page.rel: digest for page, digest in zip(pages, digests, strict=True)}
    for item in plan:
        if not isinstance(item, Page):
            rel, asset, module = item
            build.make(rel, "module-asset", file_digest(asset), lambda target, asset=asset: shutil.copyfile(asset, target), module=module)
        elif item.rel in rendered:
            build.wrote(item.rel, item.kind, item.key, item.module, item.quiz, sha256=rendered[item.rel])
        else:
            build.reuse(item.rel, item.kind, item.module, item.quiz)
