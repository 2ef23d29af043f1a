"""One build of a course, and what makes the next one quick.

``pipeline`` runs the stages (load -> render -> package) into a temporary
folder (``output``) and swaps it in. Every output has a key (``keys``: the
fingerprints of what it is made of); ``incremental`` renders it or reuses it
from the last build, whose record ``cache`` keeps beside the output folder.
The stages that write: ``site_stage``, ``pdf_stage`` (on the worker processes
of ``workers/``) and ``packages``. ``progress`` reports them; ``watch`` (with ``watcher``, the files a build
reads), ``resident`` and ``server/`` keep a build process running between builds.

May import ``package``, ``render``, ``load``, ``grading``, the model and the
foundation modules; never ``commands``, ``authoring``, ``classroom`` or
``lint``. Only ``pipeline`` is for use outside this package.
"""
