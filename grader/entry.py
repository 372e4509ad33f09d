"""The ``kata`` console script; nothing in kata imports this module.

The fork server is started first (:func:`grader.workers.start.start_early`), then the
command line is imported and run, so the two import numpy and scipy at once.
"""

import sys

from .workers.start import start_early


def main() -> None:
    start_early(sys.argv[1:])
    try:
        from .cli import entry  # imported after the fork server is on its way
    except ModuleNotFoundError as exc:
        missing = (exc.name or "?").split(".")[0]
        sys.stderr.write(f"Error: kata needs the module '{missing}', which is not installed here; "
                         f"install it (pip install {missing}) or reinstall kata with its dependencies\n")
        sys.exit(2)
    entry()
