"""The static course site: home page, a page per module, the glossary.

Every link is relative, so the site works from ``file://``, from any web
server path and inside an LMS package; assets and fonts are copied in.
"""

from __future__ import annotations

from ..model import Course
from ..output import Output
from .environment import ASSETS, environment
from .fonts import font_files
from .markdown import module_assets


def write_assets(output: Output) -> None:
    for path in sorted(ASSETS.rglob("*")):
        if path.is_file():
            output.copy(path, f"assets/{path.relative_to(ASSETS).as_posix()}", "asset")
    for path in font_files():
        output.copy(path, f"assets/fonts/{path.name}", "font")


def write_site(course: Course, output: Output, pdfs: dict[str, str]) -> None:
    env = environment(course.language)
    page = env.get_template("site/index.html").render(course=course, root="", page="index", pdfs={"book": pdfs.get("book")})
    output.write_text("index.html", page, "site-index")
    if course.glossary:
        page = env.get_template("site/glossary.html").render(course=course, root="", page="glossary")
        output.write_text("glossary.html", page, "glossary-html")
    template = env.get_template("site/module.html")
    for number, module in enumerate(course.modules, start=1):
        page = template.render(
            course=course,
            root="../",
            page="module",
            module=module,
            number=number,
            key_terms=course.key_terms(module),
            quizzes=course.quizzes_for(module.id),
            previous=course.modules[number - 2] if number > 1 else None,
            next=course.modules[number] if number < len(course.modules) else None,
            pdf=f"../{pdfs[module.id]}" if module.id in pdfs else None,
        )
        output.write_text(f"modules/{module.id}.html", page, "module-html", module=module.id)
        for asset in module_assets(course, module):
            rel = asset.relative_to(course.root / "modules").as_posix()
            output.copy(asset, f"modules/{rel}", "module-asset", module=module.id)
