"""Stage three: render the model to HTML pages and PDFs."""
