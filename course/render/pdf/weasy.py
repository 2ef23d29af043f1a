"""WeasyPrint, imported without asking gcc where its libraries are.

WeasyPrint names each C library it needs several ways (``libgobject-2.0-0``,
``gobject-2.0``, ..., ``libgobject-2.0.so.0``) and tries them in turn. cffi
looks up a name without a dot with ``ctypes.util.find_library``, which on
Linux runs ``ldconfig``, ``gcc`` and ``ld`` (WeasyPrint issue #1125): about a
third of a second of every import, spent not finding the Windows-style names
before the soname is tried and loads. Here, on Linux, those look-ups answer
"not found" while WeasyPrint is imported, so its sonames load at once. Should
that fail, WeasyPrint is imported again the usual way, which finds what it
can and says what is missing.

Every part of the engine imports WeasyPrint from here, which also puts
``course.render.pdf.textlayer`` (the text layer's corrections) and
``course.render.pdf.xmp`` (PDF/UA identification) in place. The look-up is
replaced process-wide for the import's duration (a few tenths of a
second); that would matter only to another thread looking a library up at
that moment, which nothing in the engine does.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import io
import sys


@contextlib.contextmanager
def _sonames_only():
    """While WeasyPrint is imported: no library look-ups, and what a failed attempt prints is dropped."""
    find_library = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            yield
    finally:
        ctypes.util.find_library = find_library


def _import() -> None:
    if "weasyprint" in sys.modules or not sys.platform.startswith("linux"):
        import weasyprint  # noqa: F401 - already loaded, or another system: its own way

        return
    try:
        with _sonames_only():
            import weasyprint  # noqa: F401
    except OSError:
        for name in [n for n in sys.modules if n == "weasyprint" or n.startswith("weasyprint.")]:
            del sys.modules[name]
        import weasyprint  # noqa: F401 - the usual way


_import()

from weasyprint import CSS, HTML  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402
from weasyprint.urls import URLFetcher  # noqa: E402

from .textlayer import install as _install_text_layer  # noqa: E402
from .xmp import install as _install_identification  # noqa: E402

_install_text_layer()  # each glyph's own text in the PDF's text layer (course.render.pdf.textlayer)
_install_identification()  # XMP metadata and reading direction in every PDF (course.render.pdf.xmp)

__all__ = ["CSS", "HTML", "FontConfiguration", "URLFetcher"]
