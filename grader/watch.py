"""Waiting for the learner to save a file: file events where they work, polling elsewhere."""

from __future__ import annotations

import ctypes
import os
import select
import struct
import sys
import time
from pathlib import Path

IN_CLOSE_WRITE, IN_MOVED_TO, IN_CREATE = 0x8, 0x80, 0x100
IN_NONBLOCK, IN_CLOEXEC = 0o4000, 0o2000000
DEBOUNCE = 0.2


def run(grade, path: Path, show, interval: float = 0.5, max_checks: int | None = None) -> None:
    """Grade, show the result, wait for the next save of ``path``; again until interrupted
    (or ``max_checks`` results have been shown)."""
    watcher = Watcher(path, interval)
    try:
        checks = 0
        while True:
            show(grade(), watcher.how)
            checks += 1
            if max_checks and checks >= max_checks:
                return
            watcher.wait()
    finally:
        watcher.close()


class Watcher:
    """``wait()`` returns once ``path`` has been saved and stayed unchanged for a moment."""

    def __init__(self, path: Path, interval: float = 0.5):
        self.path = Path(path)
        self.interval = interval
        self._fd = _inotify(self.path.parent) if sys.platform.startswith("linux") else None
        self._last = self._stamp()

    @property
    def how(self) -> str:
        if self._fd is not None:
            return "file events (inotify)"
        return f"polling every {self.interval:g} s (file events are not available here)"

    def wait(self) -> None:
        while True:
            if self._fd is not None:
                self._wait_event()
            else:
                time.sleep(self.interval)
            if self._settled():
                return

    def _wait_event(self) -> None:
        while True:
            select.select([self._fd], [], [])
            if self.path.name in _names(os.read(self._fd, 65536)):
                return

    def _settled(self) -> bool:
        """True if the file changed since last time; waits until writes stop."""
        stamp = self._stamp()
        while True:
            time.sleep(DEBOUNCE)
            again = self._stamp()
            if again == stamp:
                break
            stamp = again
        if stamp == self._last:
            return False
        self._last = stamp
        return True

    def _stamp(self):
        try:
            info = self.path.stat()
            return (info.st_mtime_ns, info.st_size, info.st_ino)
        except OSError:
            return None

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _inotify(folder: Path):
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fd = libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
        if fd < 0:
            return None
        if libc.inotify_add_watch(fd, str(folder).encode(), IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE) < 0:
            os.close(fd)
            return None
        return fd
    except (OSError, AttributeError):
        return None


def _names(data: bytes) -> set:
    """File names in a buffer of ``struct inotify_event``."""
    names, offset = set(), 0
    while offset + 16 <= len(data):
        _, _, _, length = struct.unpack_from("iIII", data, offset)
        raw = data[offset + 16:offset + 16 + length]
        names.add(raw.split(b"\0", 1)[0].decode(errors="replace"))
        offset += 16 + length
    return names
