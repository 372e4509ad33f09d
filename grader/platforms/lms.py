"""The gradebook files an LMS imports: the instructor's own export filled in (``--roster``), or, without
one, a file in the import format of the LMS the download came from.

Without a roster kata knows no assignment id or column id, so each file makes
the LMS create a new column (Canvas: an assignment named ``kata ID Title``;
Blackboard: a text column) and Moodle takes the grade only when the assignment
is out of the kata's points; docs/PLATFORMS.md. With ``--roster``, the export
is read and written back by its platform's class (:data:`ROSTERS`).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from ..core.manifest import Kata
from ..core.show import points, spreadsheet_cell
from .blackboard import BlackboardGradebook
from .canvas import CanvasGradebook
from .moodle import PARTICIPANT, MoodleWorksheet, modified_now
from .roster import (
    Gradebook,
    RosterError,
    assignment,
    feedback_html,
    number_text,
    read_table,
)

ROSTERS = (MoodleWorksheet, CanvasGradebook, BlackboardGradebook)
"""Each platform's export, tried in this order: the first that recognises the header reads the file."""


def load_roster(path: Path, kata: Kata, column: str | None) -> Gradebook:
    """The platform export at ``path``, with the column kata fills chosen; a :class:`RosterError` naming
    the problem and the fix when it is no export kata knows, or has no column to fill."""
    table = read_table(path)
    for kind in ROSTERS:
        if kind.recognises(table.header):
            return kind(table, path, kata, column)
    raise RosterError(f"--roster {path} is not a gradebook export kata knows: pass Canvas's gradebook export "
                      "(Student, ID, ..., Section), Moodle's grading worksheet (Identifier, ..., Grade, ..., "
                      "Last modified (grade)) or Blackboard's Work Offline download (Username, ...)")


def _canvas_csv(writer, rows: list, kata: Kata) -> Iterator[None]:
    """Canvas's gradebook import: its first five columns, the points row, one new assignment column."""
    writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", assignment(kata)])
    writer.writerow(["    Points Possible", "", "", "", "", points(kata.max_score)])
    yield
    for row in _attributed(rows):
        writer.writerow([spreadsheet_cell(row.identity()["name"]), row.identity()["student_id"],
                         "", "", "", points(row.result.score)])
        yield


def _moodle_csv(writer, rows: list, kata: Kata) -> Iterator[None]:
    """Moodle's grading worksheet with the columns its importer requires (Identifier, Grade, Last modified
    (grade)); the time is now, so no grade older than this file is kept over kata's."""
    writer.writerow(["Identifier", "Full name", "Grade", "Maximum Grade", "Last modified (grade)",
                     "Feedback comments"])
    yield
    stamp = modified_now()
    for row in _attributed(rows):
        result = row.result
        writer.writerow([f"{PARTICIPANT}{row.identity()['student_id']}", spreadsheet_cell(row.identity()["name"]),
                         number_text(result.score), number_text(kata.max_score), stamp, feedback_html(result, kata)])
        yield


def _blackboard_csv(writer, rows: list, kata: Kata) -> Iterator[None]:
    """Blackboard's Grade Center upload, matched on Username; without a column id the column is created."""
    writer.writerow(["Username", f"{assignment(kata)} [Total Pts: {points(kata.max_score)} Score]"])
    yield
    for row in _attributed(rows):
        writer.writerow([row.identity()["student_id"], number_text(row.result.score)])
        yield


def _attributed(rows):
    """The rows of students: a file no student could be found for has no line in an LMS gradebook."""
    return (row for row in rows if not row.unattributed and not row.result.kata_fault)


GRADEBOOKS = {"canvas": _canvas_csv, "moodle": _moodle_csv, "blackboard": _blackboard_csv}
"""The CSV gradebook writer of each LMS layout, when no roster is given."""
CSV_STYLE = {"blackboard": {"quoting": csv.QUOTE_ALL}}
"""How each writes its CSV: Blackboard asks for every field of a comma file in quotes."""
BOM = {"blackboard"}
"""Files that start with a UTF-8 byte order mark, as the platform's own downloads do."""
