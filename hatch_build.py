"""Build hook: the wheel carries the one copy of the templates, ``templates/``, as ``course/templates``.

Only a real wheel gets the copy; an editable install maps ``course`` to this
repository, where ``course.resources`` finds ``templates/`` beside it (a copy
in site-packages would go stale at the first edit).
"""

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class TemplatesHook(BuildHookInterface):
    def initialize(self, version: str, build_data: dict) -> None:
        if version == "standard":
            build_data["force_include"]["templates"] = "course/templates"
