"""Tools for course authors: ``new`` (skeletons) and ``serve`` (live preview)."""
