"""WeasyPrint's URL fetcher, fenced in.

A course may come from someone else: its Markdown can hold raw HTML pointing
anywhere. The PDFs may read only files inside the course folder and the
engine's own assets and fonts, and ``data:`` URLs; no network, no other file.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from .weasy import URLFetcher


class FencedFetcher(URLFetcher):
    def __init__(self, allowed_roots: list[Path]):
        super().__init__(allowed_protocols=("file", "data"))
        self.allowed_roots = [Path(r).resolve() for r in allowed_roots]
        self.blocked: list[str] = []

    def allows(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme == "data":
            return True
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return False
        path = Path(unquote(parts.path)).resolve()
        return any(path.is_relative_to(root) for root in self.allowed_roots) and path.is_file()

    def fetch(self, url, headers=None):
        if not self.allows(url):
            self.blocked.append(url)
            raise ValueError(f"blocked: {url} is outside the course and the engine's assets")
        return super().fetch(url, headers)
