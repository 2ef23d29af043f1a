"""Real Chromium for the tests: Debian's binary driven by Playwright, plus axe-core.

Never downloads a browser: the binary is ``shutil.which("chromium")``. Tests
that need it skip with a clear reason when it is missing, so a plain clone
still runs the rest.
"""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
CONTRAST_MATCHES = Path(__file__).with_name("contrast-matches.js")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def launch(playwright):
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)


class PageWatch:
    """Collects console errors, page errors and failed requests of one page."""

    def __init__(self, page):
        self.errors: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.errors.append(f"console: {m.text}"))
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        page.on("requestfailed", self._failed)

    def _failed(self, request) -> None:
        # ERR_ABORTED is the browser cancelling a load because the page is
        # navigating away or unloading (a test moving on), not a missing or
        # blocked file: those fail with their own codes and are kept.
        if "ERR_ABORTED" not in (request.failure or ""):
            self.errors.append(f"request failed: {request.url} {request.failure}")


def run_axe(page, include_moderate: bool = False, within: str | None = None) -> list[dict]:
    """Run axe-core in the page (or only on the elements ``within`` selects); return serious and critical violations.

    axe skips ``color-contrast`` on shaped Arabic text because its icon-ligature
    heuristic takes joined letters for an icon font; contrast-matches.js puts
    such text back in scope so contrast is really checked.
    """
    page.add_script_tag(path=str(AXE))
    page.add_script_tag(path=str(CONTRAST_MATCHES))
    context = {"include": [[within]]} if within else None
    script = "async (context) => await axe.run(context || document, {resultTypes: ['violations'], preload: false})"
    result = page.evaluate(script, context)
    impacts = {"serious", "critical"} | ({"moderate"} if include_moderate else set())
    return [v for v in result["violations"] if v.get("impact") in impacts]


def describe(violations: list[dict]) -> str:
    return "\n".join(f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:5]}" for v in violations)
