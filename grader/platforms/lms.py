"""The gradebook files an LMS imports: Canvas's gradebook CSV, Moodle's grading worksheet, Blackboard's
Grade Center upload. Each writes rows in student order, as :func:`grader.cohort.gradebooks.csv_lines` asks.
"""

from __future__ import annotations

from ..core.manifest import Kata
from ..core.show import one_line, points, spreadsheet_cell


def assignment(kata: Kata) -> str:
    """The gradebook column kata's grades go into."""
    return f"kata {kata.id} {kata.title}"


def _canvas_csv(writer, rows: list, kata: Kata) -> None:
    """Canvas's gradebook import: its first five columns, the points row, one assignment column."""
    writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", assignment(kata)])
    writer.writerow(["    Points Possible", "", "", "", "", points(kata.max_score)])
    yield
    for row in rows:
        writer.writerow([spreadsheet_cell(row.identity()["name"]), row.identity()["student_id"],
                         "", "", "", points(row.result.score)])
        yield


def _moodle_csv(writer, rows: list, kata: Kata) -> None:
    """Moodle's offline grading worksheet, matched on its Identifier column ("Participant N")."""
    writer.writerow(["Identifier", "Full name", "Grade", "Maximum Grade", "Feedback comments"])
    yield
    for row in rows:
        result = row.result
        comment = result.error or f"kata {kata.id}: {points(result.score)}/{points(result.max_score)}"
        writer.writerow([f"Participant {row.identity()['student_id']}", spreadsheet_cell(row.identity()["name"]), points(result.score),
                         points(kata.max_score), spreadsheet_cell(one_line(comment))])
        yield


def _blackboard_csv(writer, rows: list, kata: Kata) -> None:
    """Blackboard's Grade Center upload, matched on Username; the column is created on upload."""
    writer.writerow(["Username", f"{assignment(kata)} [Total Pts: {points(kata.max_score)} Score]"])
    yield
    for row in rows:
        writer.writerow([spreadsheet_cell(row.identity()["student_id"]), points(row.result.score)])
        yield




GRADEBOOKS = {"canvas": _canvas_csv, "moodle": _moodle_csv, "blackboard": _blackboard_csv}
"""The CSV gradebook writer of each LMS layout."""
