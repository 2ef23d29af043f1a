"""The fork server the PDF workers come from (``pdf_pool``).

It is a process that imports WeasyPrint once (most of a second); each PDF
worker is forked from it, so starting one is cheap and never forks a
process that runs threads (a progress bar, a server). The build starts it
as soon as it knows something changed, before it imports the rest of the
engine, so WeasyPrint loads while the engine and the course are read and
the site written. Where there is no fork server, workers are spawned.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver

PRELOAD = ["course.render.pdf.handout"]


def context() -> multiprocessing.context.BaseContext:
    """The fork server's context, preloading the PDF renderer (spawn where there is no fork server)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    forkserver = multiprocessing.get_context("forkserver")
    forkserver.set_forkserver_preload(PRELOAD)
    return forkserver


def start() -> None:
    """Start the fork server now (a few milliseconds here; it loads WeasyPrint in its own time)."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context()
        multiprocessing.forkserver.ensure_running()
