"""Starting kata's own processes: isolated commands, and the fork server (early).

``kata check`` spends most of its time importing numpy and scipy, twice over:
in the trusted process and in the fork server. Starting the fork server
first (:func:`start_early`, called by :mod:`grader.entry`), before this
process imports click, yaml or numpy, lets the two happen at the same time
on two cores. This module imports only the standard library and
:mod:`grader.settings`, so the console script can import it first.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys

from ...settings import DEFAULT_PRELOAD, SettingError, setting, worker_environment

_started: dict = {}


def package_parent() -> str:
    """The folder that holds the ``grader`` package (site-packages, or a checkout)."""
    here = os.path.abspath(__file__)  # <parent>/grader/workers/client/start.py
    for _ in range(4):
        here = os.path.dirname(here)
    return here


def isolated_command(module: str, *args: str) -> list:
    """``python -I`` running ``module.main(argv)``, importing kata from where it really is.

    ``-I`` keeps the current folder, ``PYTHONPATH`` and the user's site folder
    off ``sys.path``: a submissions folder holding ``json.py`` or ``numpy/`` must
    not be imported by a process of kata's. The folder holding the ``grader``
    package is put on ``sys.path`` only while kata imports itself.
    """
    boot = ("import sys; p = sys.argv.pop(1); sys.path.insert(0, p); "
            f"import {module} as m; sys.path.remove(p); m.main(sys.argv[1:])")
    return [sys.executable, "-I", "-c", boot, package_parent(), *args]


def neutral_folder() -> str:
    """A working directory that holds nothing of anyone's: the filesystem root."""
    return os.path.abspath(os.sep)


def spawn_fork_server(preload) -> tuple:
    """A fresh fork server process importing ``preload``; returns (control socket, process)."""
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    proc = subprocess.Popen(isolated_command("grader.workers.inside.forkserver", str(theirs.fileno()), *preload),
                            pass_fds=[theirs.fileno()], env=worker_environment(), stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, start_new_session=True, cwd=neutral_folder())
    theirs.close()
    return ours, proc


def take(preload) -> tuple | None:
    """The fork server started early, if it preloads exactly ``preload``."""
    started = _started.pop("server", None)
    if started is None:
        return None
    if tuple(preload) == DEFAULT_PRELOAD:
        return started
    ctrl, proc = started  # the manifest asks for other modules: this one is not needed
    ctrl.close()
    proc.kill()  # it holds nothing yet; waiting for it to notice would cost its whole import
    proc.wait()
    return None


def start_early() -> None:
    """Start the fork server now (on Linux, when workers are forked); :func:`take` hands it over."""
    try:
        forking = setting("KATA_WORKER") == "fork"
    except SettingError:
        forking = False  # the command line reports it
    if sys.platform.startswith("linux") and forking:
        _started["server"] = spawn_fork_server(DEFAULT_PRELOAD)
