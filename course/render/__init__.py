"""Stage three: render the model to HTML pages and PDFs."""

from pathlib import Path

# The Jinja2 templates, CSS and scripts (here, not in ``environment``, for a build that reads only their fingerprints).
TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates"
