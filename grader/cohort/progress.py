"""Progress of a long run on stderr: a bar on a terminal, a line now and then otherwise."""

from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, total: int, stream=None, interval: float = 5.0):
        self.total, self.done = total, 0
        self.stream = stream or sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.interval = interval
        self.started = self._last = time.monotonic()

    def advance(self, count: int = 1) -> None:
        self.done += count
        self.show()

    def show(self) -> None:
        now = time.monotonic()
        if self.tty:
            self.stream.write("\r" + self.line(now) + "\033[K")
            self.stream.flush()
        elif now - self._last >= self.interval or self.done == self.total:
            self.stream.write(self.line(now) + "\n")
            self.stream.flush()
            self._last = now

    def line(self, now: float) -> str:
        elapsed = max(now - self.started, 1e-9)
        rate = self.done / elapsed
        eta = (self.total - self.done) / rate if rate > 0 else 0.0
        filled = int(30 * self.done / self.total) if self.total else 30
        bar = "#" * filled + "-" * (30 - filled)
        return f"[{bar}] {self.done}/{self.total}  {rate:.1f}/s  ETA {_clock(eta)}"

    def finish(self) -> None:
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 60:02d}:{seconds % 60:02d}"
