"""Showing values to learners: the one way kata writes a number, an array or a call's arguments."""

from __future__ import annotations

import math
import re

import numpy as np

from ..workers.wire.codec import Opaque


def describe(value) -> str:
    """How a value is shown to a learner: a learner's value, or an argument kata passed.

    Short, whatever the value: ``3.14159``, ``array([1, 2])``, ``<array of 40 floats>``.
    """
    if isinstance(value, Opaque):
        return f"a {value.type_name} object"
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, (int, float)):
        return fmt(value)
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return f"{fmt(value.item())} (a 0-d array)"
        if value.size <= 4:
            return "array([" + ", ".join(fmt(v) for v in value.ravel().tolist()) + "])"
        kind = {"f": "floats", "i": "ints", "u": "ints", "b": "bools"}.get(value.dtype.kind, "values")
        shape = "x".join(str(n) for n in value.shape) if value.ndim > 1 else str(value.size)
        return f"<array of {shape} {kind}>"
    if isinstance(value, (tuple, list)):
        if len(value) <= 6:
            inner = ", ".join(describe(v) for v in value)
            return f"({inner})" if isinstance(value, tuple) else f"[{inner}]"
        return f"<{type(value).__name__} of {len(value)} items>"
    text = repr(value)
    return (text if len(text) < 60 else text[:57] + "...") + f" (a {type(value).__name__})"


def fmt(x, other=None) -> str:
    """A number with enough digits to tell it apart from ``other``."""
    if isinstance(x, complex):
        return repr(x)
    if isinstance(x, (int, np.integer)) and not isinstance(x, bool):
        return str(x)
    x = float(x)
    if not math.isfinite(x):
        return {"inf": "inf", "-inf": "-inf"}.get(repr(x), "nan")
    for digits in (6, 9, 12, 17):
        text = f"{x:.{digits}g}"
        if other is None or text != f"{float(other):.{digits}g}":
            return text
    return repr(x)


_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[{_CONTROLS}]")
_UNSAFE_ON_ONE_LINE = re.compile(f"[\t\n{_CONTROLS}]")


def terminal_safe(text: str, one_line: bool = False) -> str:
    """Text that came from learner code, as a terminal will show it literally.

    Control characters (an escape sequence that clears the screen or retitles
    the window, a carriage return that overwrites a line, a bidirectional
    override that reorders it) are written as escapes: ``\\x1b``, ``\\r``,
    ``\\u202e``. ``one_line`` escapes newlines and tabs too, for text that must
    stay on its line (a summary's example).

    >>> terminal_safe("ok\\x1b[2J\\rforged")
    'ok\\\\x1b[2J\\\\rforged'
    """
    pattern = _UNSAFE_ON_ONE_LINE if one_line else _UNSAFE
    return pattern.sub(_escape, text)


QUOTE = "| "
"""What starts each line of learner text after its first (see :func:`learner_text`)."""


def learner_text(text: str, indent: str = "") -> str:
    """Learner text inside a report line: escaped as by :func:`terminal_safe`, and each of its lines after
    the first starting with ``indent`` and ``| ``.

    Learner text never starts a line of a report: an exception message holding
    ``"\\nPASS ...\\nscore 32/32  all checks pass"`` must not read as kata's own
    lines, in a terminal, a feedback file or a platform's output.

    >>> print("      x raised " + learner_text("no\\nscore 4/4", "      "))
          x raised no
          | score 4/4
    """
    return terminal_safe(text).replace("\n", "\n" + indent + QUOTE)


def _escape(match) -> str:
    char = match.group()
    return {"\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(char) or (
        f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")


def points(value: float) -> str:
    """A score as kata writes it: ``4``, ``2.5``."""
    return f"{value:g}"


def one_line(text: str) -> str:
    """Free text (an error, a comment) for one cell or line: whitespace runs as one space."""
    return " ".join(text.split())


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(text: str) -> str:
    """A text cell a spreadsheet shows as text: one starting like a formula gets a leading ', and control
    characters (a folder name may hold any) are escaped."""
    text = terminal_safe(text, one_line=True)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
