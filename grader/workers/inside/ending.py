"""Ending worker processes, and the words for how a process ended.

Every message that says how a worker ended (``exit status 3``, ``killed by
signal SIGSEGV``, ``sys.exit(3)``) is worded here.
"""

from __future__ import annotations

import os
import signal


def kill_group(pid: int) -> None:
    """SIGKILL the process group led by ``pid`` (a worker and whatever it started)."""
    if os.name != "posix":
        return
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def kill_forked(pid: int, pidfd: int | None) -> None:
    """SIGKILL a forked worker through its pidfd (no pid reuse race), then its group."""
    if pidfd is not None:
        try:
            signal.pidfd_send_signal(pidfd, signal.SIGKILL)
        except (ProcessLookupError, OSError):
            pass
    kill_group(pid)


def nudge(pid: int, pidfd: int | None = None) -> bool:
    """Send SIGUSR1 to a worker (through its pidfd when there is one: no pid reuse race); False if it cannot
    be sent (no SIGUSR1 on Windows, the worker gone)."""
    number = getattr(signal, "SIGUSR1", None)
    if number is None:
        return False
    try:
        if pidfd is not None:
            signal.pidfd_send_signal(pidfd, number)
        else:
            os.kill(pid, number)
    except OSError:
        return False
    return True


def signal_words(number: int) -> str:
    try:
        return f"killed by signal {signal.Signals(number).name}"
    except ValueError:
        return f"killed by signal {number}"


def describe_status(status: int | None) -> str:
    """Words for a wait status (:func:`os.waitpid`): 'exit status 3', 'killed by signal SIGSEGV'."""
    if status is None:
        return "unknown"
    if os.WIFSIGNALED(status):
        return signal_words(os.WTERMSIG(status))
    if os.WIFEXITED(status):
        return f"exit status {os.WEXITSTATUS(status)}"
    return "unknown"


def describe_returncode(code: int | None) -> str:
    """Words for a :class:`subprocess.Popen` return code (negative: the signal that ended it)."""
    if code is None:
        return "unknown"
    return signal_words(-code) if code < 0 else f"exit status {code}"


def describe_exit_request(value) -> str:
    """Words for the code a worker reports learner code passed to ``sys.exit`` (it may send anything)."""
    return f"sys.exit({value if type(value) is int and abs(value) < 2**31 else '...'})"
