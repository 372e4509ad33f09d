"""What the cohort report shows, gathered in one pass over the gradebook's rows.

Everything here is data (counts, tallies, names, the lines of each student's
report); :mod:`grader.cohort.report.page` renders it. Learner text stays raw
here and is escaped by the renderer, in one place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...core.results import Outcome
from ...learner.report import check_lines
from ..summary import _shape

NO_SUBMISSION = "no submission"
"""A roster student who handed nothing in (``Row.roster``), counted as missing."""


@dataclass
class Student:
    """One row of the cohort table, and where the student's page is."""

    student: str
    anchor: str
    name: str
    score: float
    max_score: float
    status: str
    late: bool = False
    missing: bool = False

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.max_score if self.max_score else 0.0


@dataclass
class CheckStat:
    """One check across the cohort: how many passed, and its failures by kind."""

    name: str
    target: str
    passed: int = 0
    seen: int = 0
    failures: dict = field(default_factory=dict)
    """``{message shape: [count, example message]}``."""

    @property
    def rate(self) -> float:
        return 100.0 * self.passed / self.seen if self.seen else 0.0

    def most_common(self):
        """``(count, example)`` of the most common failure, or None."""
        return max(self.failures.values(), key=lambda item: item[0], default=None)


@dataclass
class ErrorRow:
    student: str
    anchor: str
    error: str
    advice: str


@dataclass
class CohortView:
    """Everything the report shows about a cohort."""

    kata: object
    seed: int | None
    students: list = field(default_factory=list)
    counts: dict = field(default_factory=lambda: {"total": 0, "graded": 0, "error": 0, "late": 0, "missing": 0})
    checks: dict = field(default_factory=dict)
    """``{check name: CheckStat}`` in the kata's check order."""
    misconceptions: dict = field(default_factory=dict)
    """``{function: {diagnosis: [anchor of each student]}}``."""
    undiagnosed: dict = field(default_factory=dict)
    """``{function: {message shape: (example, [anchor])}}``: failures no misconception explains."""
    errors: list = field(default_factory=list)
    pages: list = field(default_factory=list)
    """``[(Student, lines of their report)]``."""

    def by_anchor(self) -> dict:
        return {s.anchor: s for s in self.students}


def anchor_for(index: int, student: str) -> str:
    """A page id that is unique (the index) and readable (the student, reduced to safe characters)."""
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", student).strip("-")[:40]
    return f"s{index}-{slug}" if slug else f"s{index}"


def collect(rows, kata, seed=None) -> CohortView:
    """The :class:`CohortView` of ``rows`` (read once, in order)."""
    view = CohortView(kata, seed, checks={c.name: CheckStat(c.name, c.target) for c in kata.checks})
    for index, row in enumerate(rows, 1):
        result = row.result
        missing = row.roster == NO_SUBMISSION
        student = Student(row.student, anchor_for(index, row.student), row.name or row.student, result.score,
                          result.max_score, result.status, bool(row.late), missing)
        view.students.append(student)
        _count(view, student, result)
        view.pages.append((student, check_lines(result, verbose=True)))
    return view


def _count(view: CohortView, student: Student, result) -> None:
    counts = view.counts
    counts["total"] += 1
    counts["late"] += student.late
    counts["missing"] += student.missing
    if result.status != "graded":
        counts["error"] += 1
        if not student.missing:
            view.errors.append(ErrorRow(student.student, student.anchor, result.error or "", advice(student, result)))
        return
    counts["graded"] += 1
    for check in result.checks:
        stat = view.checks.setdefault(check.name, CheckStat(check.name, check.target))
        stat.seen += 1
        if check.passed:
            stat.passed += 1
            continue
        shape = _shape(check.message)
        entry = stat.failures.setdefault(shape, [0, check.message])
        entry[0] += 1
        if check.outcome == Outcome.NOT_IMPLEMENTED:
            continue  # not started is no mistake
        if check.diagnosis:
            _add(view.misconceptions.setdefault(check.target, {}), check.diagnosis, student.anchor)
        else:
            groups = view.undiagnosed.setdefault(check.target, {})
            example, anchors = groups.setdefault(shape, (check.message, []))
            if student.anchor not in anchors[-1:]:
                anchors.append(student.anchor)


def _add(groups: dict, key: str, anchor: str) -> None:
    """One student once per group, however many of their checks show it."""
    anchors = groups.setdefault(key, [])
    if anchor not in anchors[-1:]:
        anchors.append(anchor)


def advice(student: Student, result) -> str:
    """What the instructor can do about an error row."""
    if result.kata_fault:
        return ("kata itself kept this submission from being graded, not the student's code: "
                "run the same kata grade again and it is graded")
    if (result.error or "").startswith(f"{student.student}:"):
        return ("the submission could not be read as it was handed in (its files, names or archive): "
                "fix the entry in the submissions folder as the error says, or ask for it again; "
                "the next kata grade grades it")
    return ("the student's file could not be graded at all (it does not import, or imports nothing): "
            "the score is 0; their feedback file (--feedback) shows them the same error")
