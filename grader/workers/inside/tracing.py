"""What a worker tells besides its answers: the learner's warnings, and where its code is when asked.

Both are plain data for the trusted side to validate (it trusts none of it):

- ``warnings``: each answer carries the warnings the learner's code raised
  during that call, ``{"category", "message", "file", "line", "count"}``, the
  file relative to the submission's folder (or ``None`` outside it); Python's
  once-per-location memory is reset before each call, so each check hears of
  its own. They are no longer written to stderr, where they passed for
  printed output.
- ``where``: on SIGUSR1 (sent by the trusted side when a call's deadline has
  passed) the worker sends ``{"where": {"file", "line", "function", "text"}}``,
  the innermost frame of the learner's own code, then goes on until it is
  killed. Only while learner code runs: never in the middle of an answer.
"""

from __future__ import annotations

import linecache
import os
import signal
import warnings

MAX_WARNINGS = 20
"""Different warnings kept per call; the rest are counted in the last one kept."""
TEXT = 300


class Tracer:
    """The learner's warnings and whereabouts, for one worker serving one submission."""

    def __init__(self, path: str, send):
        self.folder = os.path.dirname(os.path.abspath(path))
        self.send = send
        self.active = False
        """True while learner code runs (its import, a call): the only time a location is sent."""
        self._kept: dict = {}

    def install(self) -> None:
        warnings.showwarning = self._keep
        if hasattr(signal, "SIGUSR1"):
            signal.signal(signal.SIGUSR1, self._where)

    def start(self) -> None:
        """Before learner code runs: a fresh list of warnings, each location able to warn again."""
        self._kept = {}
        reset = getattr(warnings, "_filters_mutated", None)  # the registries of "once per location"
        if reset is not None:
            reset()
        self.active = True

    def stop(self) -> list:
        """After learner code ran: its warnings."""
        self.active = False
        return list(self._kept.values())

    def _keep(self, message, category, filename, lineno, file=None, line=None):
        name = getattr(category, "__name__", "Warning")
        key = (name, str(message)[:TEXT], filename, lineno)
        if key in self._kept:
            self._kept[key]["count"] += 1
        elif len(self._kept) < MAX_WARNINGS:
            self._kept[key] = {"category": name[:100], "message": key[1], "file": self._relative(filename),
                               "line": lineno if isinstance(lineno, int) else None, "count": 1}

    def _where(self, _signum, frame) -> None:
        if not self.active:
            return
        self.active = False  # one report per call
        try:
            self.send({"where": self.locate(frame)})
        except BaseException:  # noqa: BLE001 - the trusted side has gone, or will kill this worker anyway
            pass

    def locate(self, frame) -> dict | None:
        """The innermost frame of the learner's own code at or outside ``frame``."""
        while frame is not None:
            code = frame.f_code
            shown = self._relative(code.co_filename)
            if shown is not None:
                text = linecache.getline(code.co_filename, frame.f_lineno).strip()
                return {"file": shown, "line": frame.f_lineno, "function": code.co_name[:100], "text": text[:TEXT]}
            frame = frame.f_back
        return None

    def _relative(self, filename) -> str | None:
        """``filename`` as the learner knows it, or None for code that is not theirs."""
        if not isinstance(filename, str):
            return None
        if filename.startswith("cell "):  # a notebook's cell (see grader.core.ipynb)
            return filename
        try:
            relative = os.path.relpath(os.path.abspath(filename), self.folder)
        except ValueError:
            return None
        return None if relative.startswith(os.pardir) else relative.replace(os.sep, "/")
