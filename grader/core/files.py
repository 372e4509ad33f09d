"""Files kata writes: atomically (no reader sees half of one), and in one temporary folder per process."""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

STATE_DIR = ".kata"
"""The folder beside ``kata.yaml`` where kata keeps what it knows: the learner's state, grading journals."""


@contextmanager
def atomic_path(path: Path):
    """A temporary file's path beside ``path`` to write in full: it replaces ``path`` when the block
    ends, so readers see the old or the new file, never half; it is removed if the block fails. An
    ``OSError`` without a file name (a full disk) is raised again naming ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield Path(temp)
        os.replace(temp, path)
    except BaseException as exc:
        try:
            os.unlink(temp)
        except OSError:
            pass
        if isinstance(exc, OSError) and not exc.filename:  # a full disk says where
            raise OSError(exc.errno, exc.strerror, str(path)) from None
        raise


def write_atomic(path: Path, text, encoding: str = "utf-8") -> None:
    """Replace ``path`` with ``text`` (a string, or an iterable of strings written as they come)
    so readers see the old or the new file, never half."""
    with atomic_path(path) as temp, open(temp, "w", encoding=encoding, newline="") as handle:
        for chunk in [text] if isinstance(text, str) else text:
            handle.write(chunk)
        handle.flush()
        os.fsync(handle.fileno())


RUN_FOLDER_PREFIX = "kata-run-"


class RunFolder:
    """The one temporary folder of a kata process: ``kata-run-<pid>-<kind>-<random>`` in the system's.

    Whatever the process unpacks, stages or gives a worker as scratch space lives
    inside it, so one removal ends it all (:meth:`close`), on every way out. A
    process killed outright (SIGKILL, a power cut) cannot remove its folder: the
    next kata process removes the folders of processes that are gone when it makes
    its own (:func:`sweep_stale`).
    """

    def __init__(self, kind: str):
        sweep_stale()
        self._folder = tempfile.TemporaryDirectory(prefix=f"{RUN_FOLDER_PREFIX}{os.getpid()}-{kind}-")
        self.path = Path(self._folder.name)

    def __enter__(self) -> "RunFolder":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Remove the folder and everything in it (its cleanup gives back permissions learner code took)."""
        try:
            self._folder.cleanup()
        except OSError:
            pass


def sweep_stale(parent: Path | None = None) -> None:
    """Remove the run folders of kata processes that are gone. POSIX only: on Windows
    ``os.kill(pid, 0)`` would end process ``pid`` instead of asking whether it runs."""
    if os.name != "posix":
        return
    for folder in Path(parent or tempfile.gettempdir()).glob(f"{RUN_FOLDER_PREFIX}*"):
        pid = folder.name[len(RUN_FOLDER_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and not _running(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # another user's, or cannot tell: leave it
    return True
