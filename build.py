"""Build the course in this folder (or --course DIR). See README.md."""

import sys

from course.cli import main

if __name__ == "__main__":
    sys.exit(main())
