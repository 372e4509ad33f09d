"""Writing files so that no reader ever sees half of one: gradebooks, state, results."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

STATE_DIR = ".kata"
"""The folder beside ``kata.yaml`` where kata keeps what it knows: the learner's state, grading journals."""


def write_atomic(path: Path, text) -> None:
    """Replace ``path`` with ``text`` (a string, or an iterable of strings written as they come)
    so readers see the old or the new file, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            for chunk in [text] if isinstance(text, str) else text:
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException as exc:
        try:
            os.unlink(temp)
        except OSError:
            pass
        if isinstance(exc, OSError) and not exc.filename:  # a full disk says where
            raise OSError(exc.errno, exc.strerror, str(path)) from None
        raise
