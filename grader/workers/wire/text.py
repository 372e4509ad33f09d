"""Capped text: the one definition of how much learner text is kept, on either side of the wire.

The worker collects what the learner prints with :class:`CappedText`; the
trusted side caps every learner-derived string where it enters a record
(:func:`cap`). Imports nothing of kata.
"""

from __future__ import annotations

import io

MESSAGE_CAP = 2000
"""Characters of a message or error kept in a record; learner text can be any length."""
OUTPUT_CAP = 4000
"""Characters of captured learner output kept in a record."""


def cap(text, limit: int) -> str:
    """``text`` in at most ``limit`` characters: cut, with a note of how much was cut."""
    text = text if isinstance(text, str) else str(text)
    if len(text) <= limit:
        return text
    note = " [... {} more characters cut]"
    kept = max(limit - len(note.format(len(text))), 0)
    return text[:kept] + note.format(len(text) - kept)


class CappedText(io.TextIOBase):
    """A text stream that keeps the first ``cap`` characters and counts the rest.

    The one definition of capped learner output: the worker collects what the
    learner prints with it, and the trusted side keeps each check's share with it.
    """

    def __init__(self, cap: int = OUTPUT_CAP):
        self.cap = cap
        self.parts: list[str] = []
        self.kept = 0
        self.dropped = 0

    def writable(self) -> bool:
        return True

    def write(self, text) -> int:
        text = str(text)
        room = max(self.cap - self.kept, 0)
        self.parts.append(text[:room])
        self.kept += min(room, len(text))
        self.dropped += max(0, len(text) - room)
        return len(text)

    def take(self) -> str:
        """Everything kept since the last take, with a note of how much was cut; then empty."""
        text = "".join(self.parts)
        if self.dropped:
            text += f"\n[... {self.dropped} more characters of output cut]"
        self.parts, self.kept, self.dropped = [], 0, 0
        return text
