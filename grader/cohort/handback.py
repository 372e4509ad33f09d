"""What goes back to the platform: its own gradebook export filled in (``--roster``), feedback files in
the zip its bulk upload reads (``--feedback-zip``), and an account of every roster student and every
submission for the summary and the JSON.
"""

from __future__ import annotations

import dataclasses
import html
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..core.files import atomic_path
from ..core.manifest import Kata
from ..core.results import KataResult, Row
from ..core.show import terminal_safe
from ..learner.report import feedback_text
from ..platforms.roster import Filled, Gradebook, Table

SHOWN = 30
"""Names listed per line of the summary; the JSON has them all."""


@dataclass
class Handback:
    """The options that send grades and feedback back: ``--roster``, ``--missing``, ``--feedback-zip``."""

    roster: Gradebook | None = None
    missing: str = "blank"
    feedback_zip: Path | None = None
    filled: Filled | None = None


def roster_table(roster: Gradebook, suffix: str) -> Table:
    """The filled export as a file named ``*suffix`` must be: as exported, except a Blackboard file, whose
    delimiter its name decides (Blackboard reads ``.xls`` as tab-delimited UTF-16, ``.csv`` as quoted commas)."""
    table = roster.table
    if roster.platform != "blackboard":
        return table
    if suffix == ".xls":
        return dataclasses.replace(table, delimiter="\t", encoding="utf-16-le", bom=True, quote_all=False)
    return dataclasses.replace(table, delimiter=",", encoding="utf-8", bom=True, quote_all=True)


def with_roster(rows, handback: Handback, kata: Kata):
    """``rows`` for the JSON, each marked ``matched`` or ``not in roster``, then one row per roster
    student without a submission (status ``missing``)."""
    roster, filled = handback.roster, handback.filled
    for row in rows:
        if roster is not None:
            row.roster = "matched" if row.student in roster.index else "not in roster"
            row.name = roster.names.get(row.student, row.name)  # the name as the LMS holds it, intact
        yield row
    if roster is None:
        return
    given = "given 0 (--missing zero)" if handback.missing == "zero" else "left as exported"
    for key, name in filled.missing:
        result = KataResult(kata.id, 0.0, kata.max_score, "missing", error=f"no submission ({given})")
        yield Row(key, result, student_id=key, name=name, roster="no submission")


def write_feedback_zip(rows, layout: str, path: Path, names: dict) -> tuple:
    """One feedback file per student, named as the platform's bulk feedback upload attaches it:
    Canvas's download name of one of the student's files (Re-Upload Submissions), Moodle's
    ``<folder>/feedback.html`` (Upload multiple feedback files in a zip), ``<student>.txt`` for a
    plain folder (``names``: each student's file name, :func:`grader.core.names.path_components`).
    Return ``(files written, students without a name to attach it by)``."""
    written, without = 0, []
    with atomic_path(path) as temp, zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as archive:
        for row in rows:
            if row.unattributed or row.result.kata_fault:
                continue
            name = f"{names[row.student]}.txt" if layout == "plain" else row.feedback_name
            if not name:
                without.append(row.student)
                continue
            text = feedback_text(row.result)
            if name.endswith(".html"):
                text = f"<pre>{html.escape(text)}</pre>\n"
            archive.writestr(name, text)
            written += 1
    return written, without


def roster_lines(handback: Handback) -> list:
    """The summary's account of the roster: who was graded, who had no submission, which submissions
    no roster student has, which rows kata kept as exported."""
    filled, roster = handback.filled, handback.roster
    column = roster.table.header[roster.column]
    lines = ["", f"roster {filled.path.name} ({roster.title}): {filled.students} students",
             f"  {len(filled.graded)} graded into {column!r}"]
    if filled.missing:
        how = "given 0 (--missing zero)" if handback.missing == "zero" else \
            "left as exported (--missing zero gives them 0)"
        lines.append(f"  {len(filled.missing)} without a submission, {how}: "
                     + listed([f"{name} ({key})" for key, name in filled.missing]))
    if filled.unmatched:
        lines.append(f"  {len(filled.unmatched)} submission{'s' * (len(filled.unmatched) != 1)} no roster student "
                     "has, not in the gradebook (in the JSON as 'not in roster'): " + listed(filled.unmatched))
    if filled.kept:
        lines.append(f"  {len(filled.kept)} left as exported: kata itself kept them from being graded; run the "
                     "same command again: " + listed(filled.kept))
    return lines


def listed(names: list) -> str:
    shown = ", ".join(terminal_safe(name, one_line=True) for name in names[:SHOWN])
    return shown + (f", ... and {len(names) - SHOWN} more" if len(names) > SHOWN else "")
