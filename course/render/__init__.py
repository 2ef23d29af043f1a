"""Stage three: render the model to HTML pages and PDFs.

``markdown`` converts each module once for both; ``environment`` and ``i18n``
give the Jinja2 templates and the interface strings; ``fonts`` the bundled
faces. The site's pages are in ``site/``, the PDFs in ``pdf/``. Renderers read
the model only (never YAML or Markdown files) and decide nothing about what a
build reuses: that is ``course.build``'s.
"""

# The Jinja2 templates, CSS and scripts (here, not in ``environment``, for a build that reads only their fingerprints);
# ``course.resources`` finds them in a clone and in an installed wheel alike.
from ..resources import TEMPLATES

__all__ = ["TEMPLATES"]
