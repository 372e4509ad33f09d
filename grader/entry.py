"""The ``kata`` console script (``grader.entry:main``); nothing in kata imports this module.

For a command that grades, the fork server is started first
(:func:`grader.workers.client.start.start_early`), then the command line is
imported and run, so the two import numpy and scipy at once.
"""

import os
import signal
import sys

from .settings import single_thread_environment
from .workers.client.start import start_early

COMMANDS_WITH_WORKERS = ("check", "watch", "grade", "verify")
"""The commands that start workers: for these the fork server is started before anything else."""


def _interrupt(signum, _frame):
    raise KeyboardInterrupt(signal.Signals(signum).name)


def stop_as_on_ctrl_c() -> None:
    """SIGTERM (``kill``, a batch system's time limit) and SIGHUP (a closed terminal or SSH session)
    end kata as Ctrl-C does: results journaled, temporary folders removed, workers and fork servers
    ended. A signal the caller chose to ignore (``nohup``) stays ignored."""
    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None and signal.getsignal(number) is signal.SIG_DFL:
            signal.signal(number, _interrupt)


def _command(args: list) -> str:
    """The subcommand in ``args`` (skipping options and --root's value)."""
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg == "--root":
            skip = True
        elif not arg.startswith("-"):
            return arg
    return ""


def main() -> None:
    # Before numpy loads, or its BLAS starts a thread pool: kata's trusted process forks (grading processes)
    # and its checks compute on small arrays.
    os.environ.update(single_thread_environment())
    stop_as_on_ctrl_c()
    if _command(sys.argv[1:]) in COMMANDS_WITH_WORKERS:
        start_early()
    try:
        from .cli import entry  # imported after the fork server is on its way
    except ModuleNotFoundError as exc:
        missing = (exc.name or "?").split(".")[0]
        sys.stderr.write(f"Error: kata needs the module '{missing}', which is not installed here; "
                         f"install it (pip install {missing}) or reinstall kata with its dependencies\n")
        sys.exit(2)
    entry()
