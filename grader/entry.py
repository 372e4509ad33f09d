"""The ``kata`` console script; nothing in kata imports this module.

The fork server is started first (:func:`grader.workers.start.start_early`), then the
command line is imported and run, so the two import numpy and scipy at once.
"""

import sys

from .workers.start import start_early


def main() -> None:
    start_early(sys.argv[1:])
    from .cli import entry  # imported after the fork server is on its way

    entry()
