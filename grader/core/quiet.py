"""Checks run quietly: NumPy's floating-point warnings off, other warnings kept, in the trusted process.

A check computes with what the learner returned: inf, nan, 1e308. NumPy would
warn about that (overflow, invalid value) from the check's own source lines,
and Python would print the warning to the learner's terminal, naming kata's
check files: trusted code speaking to the learner about its own insides.
Around each check NumPy's error state is "ignore", and every other warning
raised in that thread is kept in a list instead of printed.

``warnings.catch_warnings`` swaps process-wide state and is not safe with
grading threads, so ``warnings.showwarning`` is replaced once by a dispatcher
that sends a thread's warnings to its own list while a check runs there, and
anything else where it went before.
"""

from __future__ import annotations

import contextlib
import threading
import warnings

import numpy as np

KEPT = 100
"""Warnings kept per check; the rest are dropped."""

_local = threading.local()
_install_lock = threading.Lock()
_before = {"showwarning": None}


def _dispatch(message, category, filename, lineno, file=None, line=None):
    kept = getattr(_local, "kept", None)
    if kept is None:
        return _before["showwarning"](message, category, filename, lineno, file, line)
    if len(kept) < KEPT:
        kept.append(warnings.WarningMessage(message, category, filename, lineno, file, line))
    return None


def _install() -> None:
    with _install_lock:
        if warnings.showwarning is not _dispatch:  # again if someone put theirs back (pytest does, per test)
            _before["showwarning"] = warnings.showwarning
            warnings.showwarning = _dispatch


@contextlib.contextmanager
def checks():
    """Run trusted check code quietly; yields the list its warnings are kept in."""
    _install()
    outer = getattr(_local, "kept", None)
    _local.kept = []
    try:
        with np.errstate(all="ignore"):
            yield _local.kept
    finally:
        _local.kept = outer
