"""``python -m actiontrace``: the same as the ``actiontrace`` command."""

import sys

from actiontrace.cli import main

if __name__ == "__main__":
    sys.exit(main())
