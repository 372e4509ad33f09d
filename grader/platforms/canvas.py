"""Canvas: whose each file of a "Download Submissions" zip is, its gradebook export filled in, and the
names its "Re-Upload Submissions" attaches feedback by. Rules and sources: docs/PLATFORMS.md.

Download names (``lib/content_zipper.rb``): ``<name>_[LATE_]<user id>_<attachment id>_<file>``,
``[LATE_]anon_<anonymous id>_<attachment id>_<file>`` under anonymous grading, and
``<name>_[LATE_]<user id>_text.html`` / ``_link.html`` for text and URL entries. ``<name>`` is the
sortable name lower-cased with every non-word character removed, and Canvas removes ``_<digits>_``
from it, so the user id is the first number after it; ``<file>`` is the student's own file name and
may hold anything. Names are read from the left, the side a student cannot extend, as Canvas's own
re-upload reads them; the user id is the student's key.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..core.manifest import Kata
from ..core.submission import Entry
from .downloads import ambiguous, is_dir, single_zip, unique_keys, unmatched, visible
from .roster import (
    Gradebook,
    RosterError,
    Table,
    cell,
    choose,
    number_text,
    parse_number,
    scaled,
)

DOWNLOAD = re.compile(r"^(?:(?!(?i:late)_|anon_)(?P<name>\w*?)_)?(?:(?P<late>(?i:late))_)?"
                      r"(?P<id>\d+|anon_[A-Za-z0-9]+)_"
                      r"(?:(?P<attachment>\d+)_(?P<original>.+)|(?P<kind>text|link)\.html)$", re.S)
REUPLOAD = re.compile(r"-(\d+)(?=\.[A-Za-z0-9]+$)")
"""Canvas's suffix for a file uploaded again under the same name: ``solution-1.py``."""


def looks_like(name: str) -> bool:
    return DOWNLOAD.match(name) is not None


def original_name(name: str) -> str:
    """An original name without its re-upload suffix: ``solution-1.py`` -> ``solution.py``."""
    return REUPLOAD.sub("", name)


def download_entries(folder: Path) -> list:
    """One :class:`Entry` per Canvas user (keyed by user id, or ``anon_<id>``), and one error entry
    per file that names no user or two."""
    students: dict = {}
    strays = []
    parsed = [(path, DOWNLOAD.match(path.name) if not is_dir(path) else None) for path in visible(folder)]
    names_by_id: dict = {}
    for _, match in parsed:
        if match is not None and not _alternative(match):
            names_by_id.setdefault(match["id"], set()).add(match["name"] or "")
    for path, match in parsed:
        if match is None:
            strays.append(unmatched(path, "not named as Canvas names submissions"))
            continue
        other = _alternative(match)
        if other and (match["name"] or "") not in names_by_id.get(match["id"], {match["name"] or ""}):
            strays.append(ambiguous(path, match["id"], other, "Canvas"))
            continue
        _add(students, path, match)
    for entry in students.values():
        if entry.path is None and not entry.files and entry.error is None:
            entry.error = f"{entry.student} submitted a text or URL entry, no file"
        single_zip(entry)
    return unique_keys(sorted(students.values(), key=lambda e: e.student), strays)


def _alternative(match) -> str | None:
    """The user id a name would give if its name part ended in ``_<digits>`` (Canvas's sanitising
    leaves that possible): the attachment id, when the student's file name starts with a number."""
    if match["attachment"] and re.match(r"\d+_", match["original"] or ""):
        return match["attachment"]
    return None


def _add(students: dict, path: Path, match) -> None:
    key = match["id"]
    entry = students.setdefault(key, Entry(key, key, name=match["name"] or ""))
    entry.late = entry.late or bool(match["late"])
    if match["kind"]:
        return  # a text or URL entry: nothing to grade
    original = original_name(match["original"])
    previous = entry.files.get(original)
    if previous is None or _reupload(path.name) > _reupload(previous.name):
        entry.files[original] = path  # the latest upload of a name wins
    if not entry.feedback_name or path.name < entry.feedback_name:
        entry.feedback_name = path.name


def _reupload(name: str) -> int:
    match = REUPLOAD.search(name)
    return int(match.group(1)) if match else 0


# --- the gradebook export ------------------------------------------------------------------

STUDENT_COLUMNS = ("Student", "LastName", "FirstName", "ID", "SIS User ID", "SIS Login ID", "Section",
                   "Integration ID", "Root Account")
NOT_ASSIGNMENTS = re.compile("Current Score|Current Points|Current Grade|Final Score|Final Points|Final Grade|"
                             "Override Score|Override Grade|Override Status")
TITLE_AND_ID = re.compile(r"\A(.*)\s\((\d+)\)\Z", re.S)


class CanvasGradebook(Gradebook):
    """Canvas's gradebook export (``lib/gradebook_exporter.rb``), read as its importer reads it
    (``lib/gradebook_importer.rb``): students by the ``ID`` column, the assignment by ``Title (id)``,
    points from the ``Points Possible`` row. Only the chosen column's cells of graded students change:
    an empty cell would clear a score on import."""

    platform = "canvas"
    title = "Canvas gradebook export"

    @staticmethod
    def recognises(header: list) -> bool:
        return (len(header) > 3 and "Student" in header[0] and "ID" in header[1]) or \
            (len(header) > 4 and "LastName" in header[0] and "FirstName" in header[1] and "ID" in header[2])

    def __init__(self, table: Table, path: Path, kata: Kata, column: str | None):
        super().__init__(table, path)
        header = table.header
        names = 2 if header[0] == "LastName" else 1
        info = names + 1
        while info < len(header) and header[info] in STUDENT_COLUMNS:
            info += 1
        if "Section" not in header[info - 1]:
            raise RosterError(f"--roster {path}: Canvas reads the columns before the assignments only up to "
                              "'Section', which this export lacks; export the gradebook again from Canvas")
        columns = [(i, h, TITLE_AND_ID.match(h).group(1)) for i, h in enumerate(header[info:], start=info)
                   if TITLE_AND_ID.match(h) and not NOT_ASSIGNMENTS.search(h)]
        self.column = choose(columns, column, kata, "assignment column", "'Name (id)' or its name")
        self.possible = self._points_possible(header[self.column])
        for number, line in enumerate(table.rows[1:], start=1):
            if not line or "Points Possible" in line[0] or _non_student(line):
                continue
            student_id = line[names].strip() if len(line) > names else ""
            if student_id:
                self.add(student_id, number, " ".join(line[:names][::-1]) if names == 2 else line[0])

    def _points_possible(self, header: str) -> float:
        row = next((line for line in self.table.rows[1:] if line and "Points Possible" in line[0]), None)
        value = parse_number(row[self.column]) if row is not None and len(row) > self.column else None
        if value is None or value <= 0:
            raise RosterError(f"--roster {self.path}: the column {header!r} has no Points Possible above 0 "
                              "(a read-only or ungraded column); choose an assignment with --column")
        return value

    def write(self, line: list, result, kata: Kata) -> None:
        cell(line, self.column, number_text(scaled(result, self.possible) if result else 0.0))


def _non_student(line: list) -> bool:
    """Canvas's 'Muted' / 'Manual Posting' row, which its importer skips."""
    return all(re.match(r"^\s*(Muted|Manual Posting.*)?\s*$", c, re.I) for c in line)
