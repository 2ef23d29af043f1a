"""The engine's per-user cache and the shortcuts it and the build take, each held to what it replaces.

Compiled templates, compiled catalogs and the templates each template uses
are kept between builds (``course.usercache``); library versions are read
from the installed folders' names; Markdown's extensions are made by their
modules. Each must give exactly what the slow way gives, a damaged cache
entry must be made again, and no cache at all must work too.
"""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

import jinja2
import jinja2.bccache
import markdown
import pytest
from babel.messages.pofile import read_po
from packaging.version import Version

from course import fingerprint, usercache
from course.render import highlight, i18n
from course.render.environment import TEMPLATES, _TemplateCache, environment
from course.render.markdown import EXTENSIONS, SHORT, TOC, convert_markdown, derive, extensions


@pytest.fixture
def cache(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("COURSE_ENGINE_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_library_versions_are_those_importlib_finds():
    found = fingerprint.installed_versions((*fingerprint.LIBRARIES, "no-such-distribution"))
    for name in fingerprint.LIBRARIES:
        assert Version(found[name]) == Version(metadata.version(name)), name
    assert found["no-such-distribution"] is None


SAMPLE = """# Title {#top}

Text with *emphasis*, `code`, a [link](#top), an abbreviation: API.

*[API]: Advance Passenger Information

## Second heading

| Column | Other |
| --- | --- |
| 1 | 2 |

Term
:   Definition

```python
print("fenced")
```

!!! note "A note"
    Inside the note.

Footnote here.[^1]

<div markdown="1">**inside html**</div>

### Third {.special}

1. one
2. two

[^1]: The footnote.
"""


def test_markdown_extensions_made_by_their_modules_convert_as_their_names_do():
    # A module body with a fenced block of a named language is highlighted too (course.render.highlight).
    by_name = markdown.Markdown(extensions=[*EXTENSIONS, highlight.extension([])], extension_configs={"toc": TOC})
    assert derive(SAMPLE)["html"] == by_name.convert(SAMPLE)
    assert derive(SAMPLE)["html"] == by_name.reset().convert(SAMPLE), "the reused converter starts afresh"
    short = markdown.Markdown(extensions=SHORT)
    assert convert_markdown(SAMPLE) == short.convert(SAMPLE)
    assert len(extensions(["extra"])) == len(__import__("markdown.extensions.extra").extensions.extra.extensions)


def _messages(po: Path) -> list[str]:
    with po.open("rb") as handle:
        return [message.id for message in read_po(handle, locale="ar") if message.id and isinstance(message.id, str)]


def test_catalogs_from_the_cache_say_what_babel_compiled(cache: Path):
    po = i18n.LOCALE_DIR / "ar" / "LC_MESSAGES" / "quiz.po"
    fresh = i18n._load(po, "ar")
    assert len(list((cache / "catalogs").glob("*.mo"))) == 1
    cached = i18n._load(po, "ar")
    ids = _messages(po)
    assert ids and [cached.gettext(m) for m in ids] == [fresh.gettext(m) for m in ids]
    assert any(fresh.gettext(m) != m for m in ids), "translated, not the English ids"
    plural = ("%(num)d question", "%(num)d questions")
    assert [cached.ngettext(*plural, n) for n in (0, 1, 2, 3, 11, 100)] == [fresh.ngettext(*plural, n) for n in (0, 1, 2, 3, 11, 100)]
    assert len({fresh.ngettext(*plural, n) for n in (0, 1, 2, 3, 11, 100)}) >= 4, "Arabic's plural forms"


def test_a_later_catalog_wins_and_an_earlier_one_answers_what_it_lacks(tmp_path: Path, cache: Path):
    for folder, text in (("one", "First"), ("two", "Second")):
        target = tmp_path / folder / "ar" / "LC_MESSAGES"
        target.mkdir(parents=True)
        header = 'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        only = f'msgid "Only {folder}"\nmsgstr "{folder}!"\n\n'
        (target / "x.po").write_text(f'{header}msgid "Hello"\nmsgstr "{text}"\n\n{only}', encoding="utf-8")
    merged = i18n.catalogs("ar", (tmp_path / "one", tmp_path / "two"))
    assert merged.gettext("Hello") == "Second"
    assert (merged.gettext("Only one"), merged.gettext("Only two")) == ("one!", "two!")
    assert merged.gettext("Not there") == "\u2066Not there\u2069"  # English left in a right-to-left page, isolated


def test_damaged_cache_entries_are_made_again(cache: Path):
    po = i18n.LOCALE_DIR / "ar" / "LC_MESSAGES" / "site.po"
    good = i18n._load(po, "ar")
    (entry,) = (cache / "catalogs").glob("*.mo")
    entry.write_bytes(b"not a catalog")
    again = i18n._load(po, "ar")
    assert [again.gettext(m) for m in _messages(po)] == [good.gettext(m) for m in _messages(po)]
    assert entry.read_bytes() != b"not a catalog", "written again"

    templates = fingerprint.Templates(environment("ar"), TEMPLATES)
    before = templates("site/quiz.html")
    for uses in (cache / "template-uses").glob("*.json"):
        uses.write_text('{"damaged": true}', encoding="utf-8")
    assert fingerprint.Templates(environment("ar"), TEMPLATES)("site/quiz.html") == before


def test_a_compiled_template_is_never_used_for_a_changed_one(tmp_path: Path):
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "page.html").write_text("one {{ x }}", encoding="utf-8")
    compiled = tmp_path / "compiled"
    compiled.mkdir()

    def render() -> str:  # a new environment each time, as each build process has
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), bytecode_cache=_TemplateCache(str(compiled)))
        return env.get_template("page.html").render(x=1)

    assert render() == "one 1" and len(list(compiled.iterdir())) == 1
    assert render() == "one 1"
    (folder / "page.html").write_text("two {{ x }}", encoding="utf-8")
    assert render() == "two 1"
    for damage in (b"damaged", jinja2.bccache.bc_magic + b"garbage"):  # not a cache entry; Jinja2's own, cut off
        for entry in compiled.iterdir():
            entry.write_bytes(damage)
        assert render() == "two 1"


def test_no_cache_at_all(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("COURSE_ENGINE_CACHE", "")
    assert usercache.user_cache("catalogs") is None
    po = i18n.LOCALE_DIR / "ar" / "LC_MESSAGES" / "site.po"
    assert i18n._load(po, "ar").gettext("Quiz") == "الاختبار"
    assert fingerprint.Templates(environment("ar"), TEMPLATES)("site/quiz.html")
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("COURSE_ENGINE_CACHE", str(blocker / "cache"))
    assert usercache.user_cache("catalogs") is None, "a cache that cannot be made is skipped"
    usercache.write_atomic(blocker / "cache" / "x", b"data")  # and writing to it does not fail
    assert not (blocker / "cache").exists()


def test_written_whole(tmp_path: Path):
    target = tmp_path / "entry"
    usercache.write_atomic(target, b"x" * 100_000)
    assert target.read_bytes() == b"x" * 100_000 and [p.name for p in tmp_path.iterdir()] == ["entry"], "no temporary file left"
