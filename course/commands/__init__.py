"""Subcommands of ``python build.py`` / ``course``, one module each.

Every module in this package registers itself with ``@command``; the command
line discovers them, so adding a subcommand is adding a file. Discovering
imports every one of them, so each imports what it works with when it runs:
a build starts its PDF workers' fork server before the engine loads.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Command:
    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]
    order: int = 50


REGISTRY: dict[str, Command] = {}


def command(name: str, help: str, order: int = 50):
    """Register ``run(args) -> exit status``; its ``configure`` attribute adds the arguments."""

    def register(run):
        REGISTRY[name] = Command(name, help, getattr(run, "configure", lambda parser: None), run, order)
        return run

    return register


def arguments(configure):
    """Attach an argument-adding function to a command's run function."""

    def attach(run):
        run.configure = configure
        return run

    return attach


def discover() -> dict[str, Command]:
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")
    return dict(sorted(REGISTRY.items(), key=lambda item: (item[1].order, item[0])))


def add_course_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--course", type=Path, default=Path("."), help="the course folder (default: the current folder)")


def needs_extra(missing: ImportError, extra: str = "classroom") -> int:
    """Exit 1 with the install line when a command's optional packages are missing."""
    install = f"pip install 'course-engine[{extra}]' (in a clone: pip install -e '.[{extra}]')"
    print(f"this command needs the `{extra}` extra ({missing.name} is missing): {install}")
    return 1
