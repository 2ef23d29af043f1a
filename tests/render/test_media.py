"""Video and audio in modules: their files checked like images, captions tracks, remote media, and the PDF's note."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from course.build.pipeline import BuildOptions, build_course, check_course
from course.render.markdown import derive
from course.render.pdf.printable import printable

AT = "modules/customs-basics.md"


def write_module_tail(root: Path, tail: str) -> int:
    module = root / "modules" / "customs-basics.md"
    text = module.read_text(encoding="utf-8")
    module.write_text(text + "\n" + tail, encoding="utf-8")
    return text.count("\n") + 2


def media_files(root: Path, *names: str) -> None:
    for name in names:
        path = root / "modules" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"WEBVTT\n\n00:00.000 --> 00:01.000\nHello\n" if name.endswith(".vtt") else b"\0" * 64)


def problems_of(root: Path) -> list[str]:
    _, problems = check_course(root)
    return [str(p) for p in problems]


CAPTIONED = (
    '<video controls src="customs-basics/clip.mp4" poster="customs-basics/terminal.png">\n'
    '<track kind="captions" src="customs-basics/clip.vtt" srclang="en" label="English" default>\n'
    "</video>\n"
)


def test_a_captioned_local_video_passes_and_its_captions_are_copied(english_copy, tmp_path):
    media_files(english_copy, "customs-basics/clip.mp4", "customs-basics/clip.vtt")
    write_module_tail(english_copy, CAPTIONED)
    assert not [s for s in problems_of(english_copy) if "video" in s or "captions" in s]
    out = tmp_path / "dist"
    build_course(english_copy, BuildOptions(out=out, pdf=False, lms=False))
    assert (out / "modules" / "customs-basics" / "clip.vtt").read_text(encoding="utf-8").startswith("WEBVTT")
    assert (out / "modules" / "customs-basics" / "clip.mp4").is_file()
    page = (out / "modules" / "customs-basics.html").read_text(encoding="utf-8")
    assert '<track kind="captions" src="customs-basics/clip.vtt"' in page


def test_a_missing_video_file_is_an_error_at_its_line(english_copy):
    line = write_module_tail(english_copy, 'Text.\n\n<video controls src="customs-basics/missing.mp4"></video>\n')
    shown = problems_of(english_copy)
    assert f"{AT}:{line + 2}: video file `customs-basics/missing.mp4` not found: put it in modules/customs-basics/" in shown


@pytest.mark.parametrize("src", ["../../course.yaml", "../../../../etc/passwd", "/etc/passwd"])
def test_a_video_file_outside_the_course_is_an_error(english_copy, src):
    line = write_module_tail(english_copy, f'<video controls src="{src}"></video>\n')
    shown = problems_of(english_copy)
    assert any(s.startswith(f"{AT}:{line}: video file `{src}` is outside the course") for s in shown), shown


def test_a_file_in_no_module_folder_is_an_error_as_the_site_would_not_have_it(english_copy):
    media_files(english_copy, "shared/talk.mp3")
    line = write_module_tail(english_copy, '<audio controls src="shared/talk.mp3"></audio>\n')
    shown = problems_of(english_copy)
    assert any(s.startswith(f"{AT}:{line}: audio file `shared/talk.mp3` is not in a module's folder") for s in shown), shown


def test_missing_captions_file_and_poster_are_errors(english_copy):
    media_files(english_copy, "customs-basics/clip.mp4")
    write_module_tail(english_copy, CAPTIONED.replace("terminal.png", "nothing.png"))
    shown = problems_of(english_copy)
    assert any(": captions file `customs-basics/clip.vtt` not found" in s for s in shown), shown
    assert any(": poster image `customs-basics/nothing.png` not found" in s for s in shown), shown


def test_a_video_without_captions_is_a_warning(english_copy):
    media_files(english_copy, "customs-basics/clip.mp4")
    line = write_module_tail(english_copy, '<video controls>\n<source src="customs-basics/clip.mp4" type="video/mp4">\n</video>\n')
    shown = problems_of(english_copy)
    assert any(s.startswith(f"{AT}:{line + 1}: warning: video `customs-basics/clip.mp4` has no captions") for s in shown), shown


def test_a_captions_track_that_is_not_webvtt_is_a_warning(english_copy):
    media_files(english_copy, "customs-basics/clip.mp4", "customs-basics/clip.srt")
    write_module_tail(english_copy, CAPTIONED.replace("clip.vtt", "clip.srt"))
    shown = problems_of(english_copy)
    assert any("warning: captions `customs-basics/clip.srt` are not a WebVTT file" in s for s in shown), shown


@pytest.mark.parametrize(
    ("html", "named"),
    [
        (
            '<iframe src="https://www.youtube.com/embed/abc" allowfullscreen></iframe>',
            "removed <iframe> of https://www.youtube.com/embed/abc",
        ),
        ('<video controls src="https://cdn.example/v.mp4"></video>', 'removed src="https://cdn.example/v.mp4" from <video>'),
        ('<audio controls><source src="https://cdn.example/a.mp3"></audio>', 'removed src="https://cdn.example/a.mp3" from <source>'),
    ],
)
def test_remote_frames_and_media_are_a_warning_that_the_course_would_not_work_offline(english_copy, html, named):
    line = write_module_tail(english_copy, html + "\n")
    shown = problems_of(english_copy)
    mine = [s for s in shown if s.startswith(f"{AT}:{line}: warning: {named}")]
    assert mine and "would not work offline" in mine[0], shown
    assert all(": warning: " in s for s in shown)  # only warnings: the course still builds
    assert "https://" not in derive(html)["html"]


def test_a_remote_image_is_still_an_error(english_copy):
    line = write_module_tail(english_copy, "![A tracker](https://tracker.example/pixel.png)\n")
    expected = f"{AT}:{line}: image `https://tracker.example/pixel.png` is loaded from the network"
    assert any(s.startswith(expected) for s in problems_of(english_copy))


def test_the_pdf_shows_a_video_as_its_poster_and_a_note_naming_its_file():
    html = derive(CAPTIONED + '\n<audio controls src="customs-basics/talk.mp3"></audio>\n')["html"]
    printed = printable(html, "ar")
    assert "<video" not in printed and "<audio" not in printed
    assert '<img src="customs-basics/terminal.png" alt="فيديو: customs-basics/clip.mp4">' in printed
    assert '<span class="media-print-name">فيديو: <bdi dir="ltr">customs-basics/clip.mp4</bdi></span>' in printed
    assert '<span class="media-print-name">تسجيل صوتي: <bdi dir="ltr">customs-basics/talk.mp3</bdi></span>' in printed
    assert "Video: " in printable(html, "en")


def test_the_handout_names_the_video_file(english_copy, tmp_path):
    media_files(english_copy, "customs-basics/clip.mp4", "customs-basics/clip.vtt")
    write_module_tail(english_copy, CAPTIONED)
    out = tmp_path / "dist"
    build_course(english_copy, BuildOptions(out=out, lms=False, jobs=1))
    handout = next((out / "pdf").rglob("customs-basics*.pdf"))
    text = subprocess.run(["pdftotext", str(handout), "-"], capture_output=True, text=True, check=True).stdout
    assert "Video: customs-basics/clip.mp4" in text
