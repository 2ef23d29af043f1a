"""The static course site: home page, a page per module, the glossary.

Every link is relative, so the site works from ``file://``, from any web
server path and inside an LMS package; assets and fonts are copied in. Each
page is rendered only when what it is made of changed (``course.depends``).
"""

from __future__ import annotations

import shutil

from ..depends import Keys, link
from ..fingerprint import file_digest
from ..incremental import Incremental
from ..model import Course
from .environment import ASSETS, environment
from .fonts import font_files
from .markdown import module_assets


def write_assets(build: Incremental) -> None:
    copies = [(path, f"assets/{path.relative_to(ASSETS).as_posix()}", "asset") for path in sorted(ASSETS.rglob("*")) if path.is_file()]
    copies += [(path, f"assets/fonts/{path.name}", "font") for path in font_files()]
    for source, rel, kind in copies:
        build.make(rel, kind, file_digest(source), lambda target, source=source: shutil.copyfile(source, target))


def write_site(course: Course, build: Incremental, keys: Keys, pdfs: dict[str, str]) -> None:
    env = environment(course.language)
    book = pdfs.get("book")

    def index(target):
        target.write_text(
            env.get_template("site/index.html").render(course=course, root="", page="index", pdfs={"book": book}), encoding="utf-8"
        )

    build.make("index.html", "site-index", keys.site_index(book), index)
    if course.glossary:
        page = env.get_template("site/glossary.html")
        build.make(
            "glossary.html",
            "glossary-html",
            keys.glossary_page(),
            lambda target: target.write_text(page.render(course=course, root="", page="glossary"), encoding="utf-8"),
        )
    for number, module in enumerate(course.modules, start=1):
        _write_module_page(course, build, keys, env, number, pdfs)
        for asset in module_assets(course, module):
            rel = asset.relative_to(course.root / "modules").as_posix()
            build.make(
                f"modules/{rel}",
                "module-asset",
                file_digest(asset),
                lambda target, asset=asset: shutil.copyfile(asset, target),
                module=module.id,
            )


def _write_module_page(course: Course, build: Incremental, keys: Keys, env, number: int, pdfs: dict[str, str]) -> None:
    module = course.modules[number - 1]
    previous = link(course.modules[number - 2]) if number > 1 else None
    following = link(course.modules[number]) if number < len(course.modules) else None
    pdf = f"../{pdfs[module.id]}" if module.id in pdfs else None

    def page(target):
        target.write_text(
            env.get_template("site/module.html").render(
                course=course,
                root="../",
                page="module",
                module=module,
                number=number,
                key_terms=course.key_terms(module),
                quizzes=[link(quiz) for quiz in course.quizzes_for(module.id)],
                previous=previous,
                next=following,
                pdf=pdf,
            ),
            encoding="utf-8",
        )

    build.make(
        f"modules/{module.id}.html", "module-html", keys.module_page(module, number, previous, following, pdf), page, module=module.id
    )
