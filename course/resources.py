"""Where the engine's own files are: the one place that knows the two layouts.

The engine reads files besides its Python modules at run time: the Jinja2
templates, CSS, scripts and scaffolds (``templates/``), the interface
catalogues (``course/locale``, ``course/classroom/locale``), the SCORM
schemas (``course/package/scorm_schemas``) and the classroom's migrations.
Everything but ``templates/`` lives inside the package and is found beside
its module. ``templates/`` is kept once, at the top of the repository (the
design card's place, where designers edit it); the wheel carries it as
``course/templates`` (``[tool.hatch.build.targets.wheel.force-include]`` in
``pyproject.toml``). So the templates are:

- ``course/templates`` inside the installed package, found through
  ``importlib.resources`` (a wheel, ``pip install course-engine``);
- otherwise ``templates/`` beside the ``course`` folder (a clone of the
  repository, with or without an editable install).

Nothing else in the engine builds a path from ``__file__`` to a file outside
its own folder.
"""

from __future__ import annotations

from importlib import metadata, resources
from pathlib import Path

PACKAGE = Path(str(resources.files(__package__ or "course")))


def _templates() -> Path:
    packaged = PACKAGE / "templates"
    if (packaged / "site").is_dir():
        return packaged
    return PACKAGE.parent / "templates"


# The Jinja2 templates, CSS, scripts and scaffolds.
TEMPLATES = _templates()

# The JSON Schemas written by ``course schema`` (``schema/`` of the repository), or None when installed.
SCHEMAS = PACKAGE.parent / "schema" if (PACKAGE.parent / "schema" / "quiz.schema.json").is_file() else None


def version() -> str:
    """The engine's version: the one ``pyproject.toml`` declares in a clone, else the installed distribution's."""
    project = PACKAGE.parent / "pyproject.toml"
    if project.is_file():
        import tomllib

        declared = tomllib.loads(project.read_text(encoding="utf-8")).get("project", {})
        if declared.get("name") == "course-engine":
            return str(declared.get("version", "unknown"))
    try:
        return metadata.version("course-engine")
    except metadata.PackageNotFoundError:
        return "unknown"
