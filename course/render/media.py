"""Images, video and audio that a module's raw HTML loads, and the checks of their files.

Video and audio are written as HTML in the Markdown (docs/course-format.md,
"Maths, code, figures and media")::

    <video controls src="cpr/compressions.mp4" poster="cpr/compressions.jpg">
      <track kind="captions" src="cpr/compressions.vtt" srclang="en" label="English" default>
    </video>

Their files are the course's own, like images: a file that is missing, or
that lies outside the course's modules folder, is an error; one in
``modules/`` but in no module's folder is an error too (only the module
folders are copied into the site). A video with no captions track
(``kind="captions"`` or ``"subtitles"``) is a warning, and so is a track that
is not WebVTT. Media from the network never reach the page (the sanitizer
removes them, with a warning that the course would not work offline).

The records are read from the published HTML's events
(``course.render.sanitize``), so they are JSON-ready and kept in the build's
cache with the rest of what a body gives.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from ..model import Course, Module
from ..problems import ERROR, WARNING, Problem

PLAYERS = ("video", "audio")
CAPTIONS = ("captions", "subtitles")


def records(events: list) -> list[dict]:
    """One record per ``<img>``, ``<video>`` and ``<audio>``: its files, and what the checks ask of it."""
    found: list[dict] = []
    open_players: list[dict] = []
    for event in events:
        if event[0] == "end" and event[1] in PLAYERS and open_players:
            open_players.pop()
        if event[0] != "start":
            continue
        tag, attributes = event[1], dict(event[2])
        if tag == "img":
            found.append({"tag": "img", "src": attributes.get("src", ""), "alt": attributes.get("alt")})
        elif tag in PLAYERS:
            files = [attributes["src"]] if attributes.get("src") else []
            player = {"tag": tag, "files": files, "poster": attributes.get("poster"), "tracks": []}
            found.append(player)
            open_players.append(player)
        elif tag == "source" and open_players and attributes.get("src"):
            open_players[-1]["files"].append(attributes["src"])
        elif tag == "track" and open_players and attributes.get("src"):
            open_players[-1]["tracks"].append([attributes["src"], attributes.get("kind", "subtitles")])
    return found


def check_players(course: Course, module: Module, found: list[dict], line_of) -> list[Problem]:
    """Problems with the video and audio of a module: their files, and a video's captions."""
    problems: list[Problem] = []
    display = f"modules/{module.id}.md"
    for player in (record for record in found if record["tag"] in PLAYERS):
        tag = player["tag"]
        named = [(url, tag) for url in player["files"]] + [(src, "captions") for src, _ in player["tracks"]]
        named += [(player["poster"], "poster")] if player.get("poster") else []
        for url, what in named:
            trouble = file_trouble(course, module, url)
            if trouble:
                problems.append(Problem(display, line_of(url), f"{_label(what)} `{url}` {trouble}", ERROR))
        for src, _ in player["tracks"]:
            if not PurePosixPath(urlsplit(src).path).suffix.lower() == ".vtt":
                message = f"captions `{src}` are not a WebVTT file (.vtt): browsers show WebVTT captions only; convert it (e.g. from .srt)"
                problems.append(Problem(display, line_of(src), message, WARNING))
        if tag == "video" and not any(kind in CAPTIONS for _, kind in player["tracks"]):
            first = player["files"][0] if player["files"] else ""
            message = (
                f'video `{first}` has no captions: add <track kind="captions" src="{module.id}/....vtt" srclang="{course.language}"> '
                "inside <video> so that learners who cannot hear it can follow"
            )
            problems.append(Problem(display, line_of(first) if first else module.body_line, message, WARNING))
    return problems


def _label(what: str) -> str:
    return {"video": "video file", "audio": "audio file", "captions": "captions file", "poster": "poster image"}[what]


def file_trouble(course: Course, module: Module, url: str) -> str | None:
    """Why the relative URL ``url`` of a module names no file the site will have (a phrase), or None."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:  # the sanitizer removed it; its warning says so
        return None
    folder = (course.root / "modules").resolve()
    path = Path(folder / unquote(parts.path)).resolve()
    if not path.is_relative_to(folder):
        return f"is outside the course: put the file in modules/{module.id}/ and write its path from modules/ ({module.id}/...)"
    if not path.is_file():
        return f"not found: put it in modules/{module.id}/"
    inside = path.relative_to(folder).parts
    if len(inside) < 2 or inside[0] not in {other.id for other in course.modules}:
        return f"is not in a module's folder, so the site would not have it: move it to modules/{module.id}/"
    return None
