"""A gradebook file as the platform exported it, read and written back with kata's grades filled in.

``kata grade ID SUBS --roster FILE`` reads the file an instructor downloads
from the LMS (Canvas's gradebook export, Moodle's grading worksheet,
Blackboard's Work Offline download: :mod:`grader.platforms.canvas`,
:mod:`~grader.platforms.moodle`, :mod:`~grader.platforms.blackboard`) and
writes it back in its own encoding, byte order mark, delimiter, quoting and
line endings, every cell kata does not fill as exported. A Blackboard file is
the exception: its delimiter, encoding, byte order mark and quoting are those
the suffix of ``--out`` asks for (:func:`grader.cohort.handback.roster_table`;
its line endings stay as exported). This module holds
what the three share: the table, numbers, choosing the column, and the short
feedback a gradebook cell carries.
"""

from __future__ import annotations

import csv
import html
import io
from dataclasses import dataclass, field
from pathlib import Path

from ..core.manifest import Kata
from ..core.results import KataResult
from ..core.show import points

MAX_ROSTER_BYTES = 64 * 1024 * 1024
MISSING = ("blank", "zero")
"""``--missing``: what a roster student without a submission gets."""


class RosterError(Exception):
    """A roster kata cannot fill; the message names the problem and the fix in one line."""


@dataclass
class Table:
    """A CSV file as exported: its rows of cells and how it was written."""

    rows: list
    delimiter: str = ","
    encoding: str = "utf-8"
    bom: bool = False
    quote_all: bool = False
    line_end: str = "\n"

    @property
    def header(self) -> list:
        return self.rows[0]

    def text(self) -> str:
        """The file again, written as it was read (the byte order mark as its first character)."""
        out = io.StringIO()
        writer = csv.writer(out, delimiter=self.delimiter, lineterminator=self.line_end,
                            quoting=csv.QUOTE_ALL if self.quote_all else csv.QUOTE_MINIMAL)
        writer.writerows(self.rows)
        return ("\ufeff" if self.bom else "") + out.getvalue()


def read_table(path: Path) -> Table:
    """``path`` as a :class:`Table`: UTF-8 (with or without a byte order mark) or UTF-16 (Blackboard's
    tab-delimited download); comma, semicolon or tab, whichever splits the first lines evenly."""
    try:
        raw = path.read_bytes()[:MAX_ROSTER_BYTES + 1]
    except OSError as exc:
        raise RosterError(f"cannot read --roster {path}: {exc.strerror}; pass the file the LMS exported") from None
    if len(raw) > MAX_ROSTER_BYTES:
        raise RosterError(f"--roster {path} is larger than {MAX_ROSTER_BYTES // 2**20} MiB; pass the gradebook export")
    text, encoding, bom = _decode(raw, path)
    line_end = "\r\n" if "\r\n" in text[:65536] else "\n"
    delimiter = _delimiter(text)
    rows = [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) if row]
    if not rows:
        raise RosterError(f"--roster {path} is empty; pass the gradebook file the LMS exported")
    first_line = text.split("\n", 1)[0].rstrip("\r")
    quote_all = first_line.startswith('"') and all(
        cell.startswith('"') and cell.endswith('"') for cell in first_line.split(delimiter) if cell)
    return Table(rows, delimiter, encoding, bom, quote_all, line_end)


def _decode(raw: bytes, path: Path) -> tuple:
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if raw.startswith(bom):
            try:
                return raw[len(bom):].decode(encoding), encoding, True
            except UnicodeDecodeError:
                break
    else:
        try:
            return raw.decode("utf-8"), "utf-8", False
        except UnicodeDecodeError:
            pass
    raise RosterError(f"--roster {path} is neither UTF-8 nor UTF-16 text; pass the file as the LMS exported it "
                      "(a spreadsheet program that saved it again may have changed it)")


def _delimiter(text: str) -> str:
    lines = text.splitlines()[:3]
    best, count = ",", 1
    for delimiter in (",", ";", "\t"):
        counts = {len(row) for row in csv.reader(lines, delimiter=delimiter)}
        if len(counts) == 1 and (found := counts.pop()) > count:
            best, count = delimiter, found
    return best


def parse_number(text: str) -> float | None:
    """A number as an LMS writes it (``10.00``, ``10,00``), or None."""
    try:
        return float(text.strip().replace(",", "."))
    except ValueError:
        return None


def scaled(result: KataResult, possible: float) -> float:
    """The score as points of a column worth ``possible``, to the two decimals every LMS keeps; never
    above ``possible``, so no import rejects it as out of range."""
    if not result.max_score:
        return 0.0
    return min(round(possible * result.score / result.max_score, 2), possible)


def number_text(value: float, decimal: str = ".") -> str:
    """A grade as the gradebooks write theirs: two decimals."""
    return f"{value:.2f}".replace(".", decimal)


def choose(columns: list, wanted: str | None, kata: Kata, what: str, option_hint: str) -> int:
    """The index of the grade column to fill.

    ``columns`` is ``[(index, header, title)]`` of the gradebook's grade
    columns; ``wanted`` (``--column``) is a full header or a title. Without
    it, the one column whose title names the kata (its id as a word, or its
    title), or the only one (a download of one column). Anything else is a
    :class:`RosterError` listing the columns.
    """
    listed = "; ".join(header for _, header, _ in columns) or "none"
    if wanted is not None:
        found = [c for c in columns if wanted in (c[1], c[2])]
        if not found:
            raise RosterError(f"--column {wanted!r} is not a {what} of the roster; its {what}s: {listed}")
    else:
        found = [c for c in columns if _names_kata(c[2], kata)] or (columns if len(columns) == 1 else [])
        if not found:
            raise RosterError(f"no {what} of the roster names kata {kata.id}; choose one with --column "
                              f"{option_hint}: {listed}")
    if len(found) > 1:
        raise RosterError(f"{len(found)} {what}s match: {'; '.join(c[1] for c in found)}; "
                          "choose one with --column and its full header")
    return found[0][0]


def assignment(kata: Kata) -> str:
    """The gradebook column kata's grades go into when no roster names one."""
    return f"kata {kata.id} {kata.title}"


def _names_kata(title: str, kata: Kata) -> bool:
    words = title.replace("(", " ").replace(")", " ").replace(":", " ").split()
    return kata.id in words or title.strip().casefold() in (kata.title.casefold(), assignment(kata).casefold())


@dataclass
class Filled:
    """What filling a roster did, for the summary and the JSON."""

    path: Path
    students: int = 0
    graded: list = field(default_factory=list)
    missing: list = field(default_factory=list)
    """``(key, name)`` of roster students without a submission."""
    unmatched: list = field(default_factory=list)
    """Keys of submissions no roster student has."""
    kept: list = field(default_factory=list)
    """Keys left as exported because kata itself kept them from being graded."""


def feedback_lines(result: KataResult, kata: Kata) -> list:
    """The short feedback a gradebook carries: the score, the functions to work on, the first
    failure's message, and how to rerun with the same data."""
    lines = [f"kata {kata.id} {kata.title}: {points(result.score)}/{points(result.max_score)}"]
    if result.status != "graded":
        lines.append(f"not graded: {result.error or 'no submission'}")
    else:
        lost: dict = {}
        for check in result.checks:
            if not check.passed:
                lost.setdefault(check.target, []).append(check)
        if lost:
            lines.append("to work on: " + ", ".join(f"{target} ({len(failed)} check{'s' * (len(failed) > 1)})"
                                                    for target, failed in lost.items()))
            first = next(iter(lost.values()))[0]
            lines.append(f"first failure, {first.name}: {first.message}")
    if result.seed is not None and result.status == "graded":
        lines.append(f"kata check {kata.id} --seed {result.seed} runs the same checks on the same data")
    return lines


def feedback_html(result: KataResult, kata: Kata) -> str:
    """:func:`feedback_lines` as HTML (Moodle and Blackboard store feedback as HTML): every line escaped."""
    return "<p>" + "<br>".join(html.escape(line) for line in feedback_lines(result, kata)) + "</p>"


class Gradebook:
    """A platform's gradebook export, indexed by the platform's student key, with one column to fill.

    Subclasses read their platform's header (``__init__``) and write one cell
    (:meth:`write`); :meth:`fill` is the same for all: each row of kata's
    journal goes to its student's line, and every line kata has no grade for
    stays as exported.
    """

    platform = ""
    title = ""
    """The export's name, as the platform calls it."""

    def __init__(self, table: Table, path: Path):
        self.table, self.path = table, path
        self.index: dict = {}
        """``{student key: row number}`` of the roster's students."""
        self.names: dict = {}

    def add(self, key: str, number: int, name: str) -> None:
        if key in self.index:
            raise RosterError(f"--roster {self.path}: student {key} is on two lines ({self.index[key] + 1} and "
                              f"{number + 1}); pass the file as the LMS exported it")
        self.index[key], self.names[key] = number, name

    def fill(self, rows, missing: str, kata: Kata) -> Filled:
        """Fill the column from ``rows`` (streamed); return what was done."""
        filled = Filled(self.path, students=len(self.index))
        seen = set()
        for row in rows:
            number = self.index.get(row.student)
            if number is None:
                filled.unmatched.append(row.student)
                continue
            seen.add(row.student)
            if row.result.kata_fault:
                filled.kept.append(row.student)
                continue
            self.write(self.table.rows[number], row.result, kata)
            filled.graded.append(row.student)
        for key, number in self.index.items():
            if key not in seen:
                filled.missing.append((key, self.names[key]))
                if missing == "zero":
                    self.write(self.table.rows[number], None, kata)
        return filled

    def write(self, line: list, result: KataResult | None, kata: Kata) -> None:
        """Fill ``line`` (a roster row) with ``result``; None: no submission, graded 0 (``--missing zero``)."""
        raise NotImplementedError


def no_submission(kata: Kata) -> KataResult:
    """The grade of a roster student without a submission, with ``--missing zero``."""
    return KataResult(kata.id, 0.0, kata.max_score, "error", error="no submission")


def cell(line: list, index: int, value: str) -> None:
    """Set a cell, widening a short line (a trailing empty cell some exports leave out)."""
    while len(line) <= index:
        line.append("")
    line[index] = value
