"""The engine's per-user cache: compiled templates and message catalogs.

What is kept here is derived from the engine's own files (never from a
course) and is checked against its source every time it is read, as Python
checks ``__pycache__``: a stale or damaged entry is made again, and a cache
that cannot be written is skipped. ``$COURSE_ENGINE_CACHE`` names the folder
(default ``$XDG_CACHE_HOME/course-engine``, else ``~/.cache/course-engine``);
set it empty to keep nothing.
"""

from __future__ import annotations

import os
from pathlib import Path


def user_cache(name: str) -> Path | None:
    """The cache's folder ``name``, created; None when there is no cache or it cannot be made."""
    default = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "course-engine"
    root = os.environ.get("COURSE_ENGINE_CACHE", str(default))
    if not root:
        return None
    folder = Path(root) / name
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``path`` whole or not at all (a reader never sees half a file); a failure leaves nothing behind."""
    import tempfile  # only a build that fills the cache writes

    try:
        handle = tempfile.NamedTemporaryFile(dir=path.parent, prefix=path.name, suffix=".tmp", delete=False)
    except OSError:
        return
    try:
        with handle:
            handle.write(data)
        os.replace(handle.name, path)
    except OSError:
        Path(handle.name).unlink(missing_ok=True)
