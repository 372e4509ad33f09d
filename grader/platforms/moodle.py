"""Moodle: whose each entry of a "Download all submissions" zip is, its grading worksheet filled in,
and the names "Upload multiple feedback files in a zip" attaches feedback by. Rules and sources:
docs/PLATFORMS.md.

Download names (``mod/assign/classes/downloader.php``): a folder
``<full name>_<participant id>_assignsubmission_<plugin>`` per student and plugin (Moodle
before 4.1 added a trailing ``_``), or flat files ``<full name>_<id>_assignsubmission_<plugin>_<file>``.
Moodle writes every ``_`` of a full name as a space, so the participant id is the first number:
a folder is read from its right end (which Moodle wrote), a flat file from its left (the student's
file name is on the right). The participant id is the worksheet's ``Participant <id>``: the student's key.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

from ..core.manifest import Kata
from ..core.submission import Entry
from .downloads import ambiguous, is_dir, single_zip, unique_keys, unmatched, visible
from .roster import (
    Gradebook,
    RosterError,
    Table,
    cell,
    feedback_html,
    no_submission,
    number_text,
    parse_number,
    scaled,
)

FOLDER = re.compile(r"^(?P<name>.*)_(?P<id>\d+)_assignsubmission_(?P<plugin>[a-z0-9]+)(?P<old>_?)$", re.S)
FLAT = re.compile(r"^(?P<name>[^_]*)_(?P<id>\d+)_assignsubmission_(?P<plugin>[a-z0-9]+)_(?P<original>.+)$", re.S)
INSIDE_NAME = re.compile(r"_\d+_assignsubmission_[a-z0-9]+")


def looks_like(name: str) -> bool:
    return bool(FOLDER.match(name) or FLAT.match(name))


def download_entries(folder: Path) -> list:
    """One :class:`Entry` per participant (keyed by participant id), one error entry per name that is
    not Moodle's or reads as two participants."""
    by_id: dict = {}
    strays = []
    for path in visible(folder):
        match = FOLDER.match(path.name) if is_dir(path) else FLAT.match(path.name)
        if match is None:
            strays.append(unmatched(path, "not named as Moodle names submissions"))
            continue
        inner = INSIDE_NAME.search(match["name"])
        if inner:  # Moodle writes no '_' in a name: one that holds a second id mimics another's
            strays.append(ambiguous(path, match["id"], inner.group().split("_")[1], "Moodle"))
            continue
        _add(by_id, path, match)
    for entry in by_id.values():
        if entry.path is not None and entry.files:
            entry.error = f"both a folder and files for {entry.name} ({entry.student}); keep one"
        elif entry.path is None and not entry.files and entry.error is None:
            entry.error = f"{entry.name} ({entry.student}) submitted no file"
        single_zip(entry)
    return unique_keys(sorted(by_id.values(), key=lambda e: e.student), strays)


def _add(by_id: dict, path: Path, match) -> None:
    entry = by_id.setdefault(match["id"], Entry(match["id"], match["id"], name=match["name"]))
    if match["plugin"] != "file":
        return  # online text, comments: nothing to grade
    if is_dir(path):
        if entry.path is not None:
            entry.error = f"several file submissions for {entry.name} ({entry.student}); keep one"
        entry.path = path
        entry.feedback_name = f"{path.name}/feedback.html"
    else:
        entry.files[match["original"]] = path
        entry.feedback_name = f"{match['name']}_{match['id']}_assignsubmission_file_feedback.html"


# --- the grading worksheet ------------------------------------------------------------------

IDENTIFIER, GRADE, MODIFIED = "Identifier", "Grade", "Last modified (grade)"
MAXIMUM, SCALE, FEEDBACK, FULL_NAME = "Maximum Grade", "Scale", "Feedback comments", "Full name"
PARTICIPANT = "Participant "
"""``get_string('hiddenuser', 'assign')``: the importer cuts this many characters off each Identifier."""


def modified_now() -> str:
    """A ``Last modified (grade)`` of now (UTC, whole seconds): after any change a grade had in Moodle, so
    the importer takes kata's."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


class MoodleWorksheet(Gradebook):
    """Moodle's grading worksheet ("Download grading worksheet", ``mod/assign/gradingtable.php``), read
    as its importer reads it (``mod/assign/feedback/offline/importgradeslib.php``): ``Identifier``,
    ``Grade`` and ``Last modified (grade)`` required, the grade no more than the assignment's maximum,
    and a row skipped when its grade changed in Moodle more than 60 s after its ``Last modified (grade)``."""

    platform = "moodle"
    title = "Moodle grading worksheet"

    @staticmethod
    def recognises(header: list) -> bool:
        return IDENTIFIER in header and GRADE in header

    def __init__(self, table: Table, path: Path, kata: Kata, column: str | None):
        super().__init__(table, path)
        header = table.header
        if column is not None and column != GRADE:
            raise RosterError(f"--column {column!r}: a Moodle worksheet is graded in its '{GRADE}' column only; "
                              "leave out --column")
        if MODIFIED not in header:
            raise RosterError(f"--roster {path} has no '{MODIFIED}' column, which Moodle's importer requires; "
                              "download the grading worksheet again from the assignment")
        if MAXIMUM not in header:
            why = "is graded on a scale" if SCALE in header else "has no point grade"
            raise RosterError(f"--roster {path}: the assignment {why}; set its grade type to Point and "
                              "download the grading worksheet again")
        self.column, self.modified = header.index(GRADE), header.index(MODIFIED)
        self.maximum = header.index(MAXIMUM)
        self.feedback = header.index(FEEDBACK) if FEEDBACK in header else None
        self.stamp = modified_now()
        identifier = header.index(IDENTIFIER)
        name = header.index(FULL_NAME) if FULL_NAME in header else identifier
        for number, line in enumerate(table.rows[1:], start=1):
            text = line[identifier] if len(line) > identifier else ""
            if text.startswith(PARTICIPANT) and text[len(PARTICIPANT):].isdigit():
                self.add(text[len(PARTICIPANT):], number, line[name] if len(line) > name else text)

    def write(self, line: list, result, kata: Kata) -> None:
        maximum = parse_number(line[self.maximum]) if len(line) > self.maximum else None
        if maximum is None or maximum <= 0:
            return  # no point grade on this line: Moodle would skip it
        decimal = "," if "," in line[self.maximum] else "."
        cell(line, self.column, number_text(scaled(result, maximum) if result else 0.0, decimal))
        # Any time strtotime() reads, after the grade's last change: the importer then takes this row.
        cell(line, self.modified, self.stamp)
        if self.feedback is not None:
            cell(line, self.feedback, feedback_html(result or no_submission(kata), kata))
