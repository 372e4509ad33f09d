"""What changed since the last run: whose score moved, from what to what, and why.

The journal (:mod:`grader.cohort.journal`) keeps, in each line of a student
graded again, the score of their previous line and the reasons they were
graded again; :func:`changes` reads the latest run's lines back. It serves
the ``kata grade`` summary and any other report of a run::

    from grader.cohort.changes import changes
    for change in changes(journal):
        print(change.student, change.old_score, "->", change.new_score, ", ".join(change.reasons))

``journal`` is a :class:`~grader.cohort.journal.Journal`: the one a run just
wrote, or one opened from its file afterwards (``Journal(path)``), whose latest
run is the one read.
"""

from __future__ import annotations

from dataclasses import dataclass

SUBMISSION = "submission changed"
CHECKS = "checks changed"
ENVIRONMENT = "environment changed"
"""kata's own code, the Python, an installed library or a worker setting (:mod:`grader.cohort.inputs`)."""
KATA_FAULT = "regraded: kata's own fault last time"
FORCED = "forced"
"""``kata grade --force``."""
CHOSEN = "chosen with --student"
REASONS = (SUBMISSION, CHECKS, ENVIRONMENT, KATA_FAULT, FORCED, CHOSEN)
"""Every reason a :class:`Change` can give."""
BECAUSE = {"submission": SUBMISSION, "checks": CHECKS, "environment": ENVIRONMENT}
"""The reason for each kind of digest the journal keeps."""


@dataclass(frozen=True)
class Change:
    """A student whose score differs from their previous journaled one."""

    student: str
    """The student's key, as in the gradebooks' ``student`` column."""
    old_score: float
    new_score: float
    max_score: float
    """The new result's maximum (the kata's points may have changed too)."""
    reasons: tuple
    """Why they were graded again: some of :data:`REASONS`, in that order."""
    old_max_score: float = 0.0


def changes(journal) -> list:
    """The :class:`Change` of each student of ``journal``'s latest run whose score moved, by student.

    A student graded for the first time is not a change; neither is one whose
    score stayed the same (whatever made them be graded again).
    """
    found = []
    for record in journal.records_since_start():
        change = _change(record)
        if change is not None:
            found.append(change)
    return sorted(found, key=lambda change: change.student)


def _change(record: dict):
    previous, result = record.get("previous"), record.get("result")
    if not (isinstance(previous, dict) and isinstance(result, dict)):
        return None
    old, new = _number(previous.get("score")), _number(result.get("score"))
    if old is None or new is None or old == new:
        return None
    reasons = record.get("reasons") if isinstance(record.get("reasons"), list) else []
    return Change(student=record["student"], old_score=old, new_score=new,
                  max_score=_number(result.get("max_score")) or 0.0,
                  reasons=tuple(r for r in REASONS if r in reasons),
                  old_max_score=_number(previous.get("max_score")) or 0.0)


def _number(value):
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
