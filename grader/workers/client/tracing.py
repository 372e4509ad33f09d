"""The trusted side's reading of what a worker tells besides its answers (see :mod:`grader.workers.inside.tracing`).

Nothing a worker sends is trusted: a location or a warning is plain data
already decoded by the codec, and is accepted here only in the documented
shape, every string capped, every number checked; anything else is ignored.
The words made of it are learner text: renderers escape them.
"""

from __future__ import annotations

import time

from ..wire.channel import ChannelClosed, ChannelTimeout

WHERE_GRACE = 0.25
"""Seconds a timed-out worker has to say where its learner code is, after it is asked. Python runs the
handler between two bytecodes, so it answers within microseconds, unless it is inside one long C call."""
WARNINGS_KEPT = 10
"""Warnings kept per check."""
TEXT = 200


def ask_where(worker, grace: float = WHERE_GRACE) -> str:
    """Where the learner's code of a timed-out ``worker`` is, as words (``"; your code was at work.py line 9, ..."``),
    or ""."""
    if not worker.nudge():
        return ""
    deadline = time.monotonic() + grace
    while True:
        try:
            message = worker.channel.recv(max(deadline - time.monotonic(), 0.0))
        except (ChannelTimeout, ChannelClosed):
            return ""
        if isinstance(message, dict) and "where" in message:
            return where_words(message["where"])
        # an answer that came after all: the call is late regardless; wait for the location a little longer


def where_words(where) -> str:
    """``"; your code was at work.py line 9, in fit: while True:"`` from a worker's location, or "" if it
    is not one."""
    if not isinstance(where, dict):
        return ""
    file, line, function, text = (where.get(k) for k in ("file", "line", "function", "text"))
    if not (isinstance(file, str) and type(line) is int and 0 < line < 10**9):
        return ""
    place = f"; your code was at {_short(file)} line {line}"
    if isinstance(function, str) and function:
        place += f", in {_short(function)}" if function != "<module>" else ", at the top level"
    if isinstance(text, str) and text.strip():
        place += f": {_short(text.strip())}"
    return place


def warning_lines(answer: dict) -> list:
    """``["RuntimeWarning: overflow encountered in exp, line 12"]`` from an answer's ``warnings``."""
    found = answer.get("warnings") if isinstance(answer, dict) else None
    lines = []
    for item in found[:WARNINGS_KEPT] if isinstance(found, list) else []:
        if not isinstance(item, dict):
            continue
        category, message = item.get("category"), item.get("message")
        if not (isinstance(category, str) and isinstance(message, str)):
            continue
        text = f"{_short(category)}: {_short(message)}"
        file, line, count = item.get("file"), item.get("line"), item.get("count")
        if type(line) is int and 0 < line < 10**9:
            text += f", {_short(file)} line {line}" if isinstance(file, str) else f", line {line}"
        if type(count) is int and 1 < count < 10**12:
            text += f" ({count} times)"
        lines.append(text)
    return lines


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= TEXT else text[:TEXT - 3] + "..."
