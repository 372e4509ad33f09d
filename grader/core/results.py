"""Result records: what grading produced, before any rendering.

Every output (terminal text, JSON, gradebooks) is a renderer of these records.
"""

from __future__ import annotations

import sys
from dataclasses import asdict, dataclass, field

from ..workers.wire.text import MESSAGE_CAP, OUTPUT_CAP, cap


class Outcome:
    """How a check ended, and the one mapping of outcomes to pass / fail / error.

    The renderers (terminal, JSON, JUnit, exercism) ask :meth:`verdict`:
    "fail" is anything the learner's code did, "error" only a bug in kata or in
    the check, which says nothing about the learner. Gradescope has no error
    status: its ``results.json`` asks only ``CheckResult.passed``, so an
    ``internal_error`` shows there as failed.
    """

    PASSED = "passed"
    FAILED = "failed"                # the learner's value is wrong
    RAISED = "raised"                # the learner's code raised an exception
    NOT_IMPLEMENTED = "not_implemented"  # the function still raises NotImplementedError, as in the stub
    FAULT = "fault"                  # the call hung, crashed or ended the worker
    INTERNAL = "internal_error"      # a bug in kata or in the check itself

    PASS, FAIL, ERROR = "pass", "fail", "error"
    VERDICTS = {PASSED: PASS, FAILED: FAIL, RAISED: FAIL, NOT_IMPLEMENTED: FAIL, FAULT: FAIL, INTERNAL: ERROR}

    @classmethod
    def verdict(cls, outcome: str) -> str:
        """``pass``, ``fail`` or ``error`` for an outcome (an unknown one is kata's error)."""
        return cls.VERDICTS.get(outcome, cls.ERROR)


@dataclass
class CheckResult:
    """One check's result."""

    name: str
    target: str
    passed: bool
    points: float
    max_points: float
    message: str
    hint: str
    outcome: str = Outcome.PASSED
    output: str = ""
    """What the learner's code printed during this check (capped)."""
    diagnosis: str = ""
    """The known mistake the learner's code behaves like, explained; empty if none."""
    warnings: list = field(default_factory=list)
    """What the learner's code warned during this check (``RuntimeWarning: overflow encountered in exp,
    work.py line 12``), capped."""

    def __post_init__(self) -> None:
        # Learner text enters records here: bound it once, for every renderer and the journal.
        self.message = cap(self.message, MESSAGE_CAP)
        self.output = cap(self.output, OUTPUT_CAP + 100)
        self.warnings = [cap(str(w), 300) for w in self.warnings[:10]]

    def replace_text(self, old: str, new: str) -> None:
        """Replace ``old`` by ``new`` in the texts that came from learner code."""
        self.message = cap(self.message.replace(old, new), MESSAGE_CAP)
        self.output = cap(self.output.replace(old, new), OUTPUT_CAP + 100)


@dataclass
class KataResult:
    """One submission graded against one kata."""

    kata: str
    score: float
    max_score: float
    status: str
    """``graded``, or ``error`` when the learner file could not be graded at all."""
    error: str | None = None
    checks: list = field(default_factory=list)
    seed: int | None = None
    output: str = ""
    """What the learner's code printed while being imported (capped)."""
    duration: float = 0.0
    """Seconds spent grading."""
    notes: list = field(default_factory=list)
    """What the learner should know about how their file was run (a notebook's skipped cells)."""
    retry: bool = False
    """kata itself, not the learner's code, kept the submission from being graded (the machine
    refused a fork, a grading process died): ``kata grade`` grades it again on its next run."""

    def __post_init__(self) -> None:
        self.error = None if self.error is None else cap(self.error, MESSAGE_CAP)
        self.notes = [cap(note, MESSAGE_CAP) for note in self.notes[:100]]
        self.output = cap(self.output, OUTPUT_CAP + 100)

    @property
    def kata_fault(self) -> bool:
        """Whether the grade says something about kata rather than the learner: graded again by
        the next ``kata grade`` (also when a check ended in an internal error)."""
        return self.retry or any(c.outcome == Outcome.INTERNAL for c in self.checks)

    @property
    def full_marks(self) -> bool:
        return self.status == "graded" and self.score >= self.max_score

    def to_dict(self) -> dict:
        return {
            "kata": self.kata, "score": self.score, "max_score": self.max_score,
            "status": self.status, "error": self.error, "seed": self.seed,
            "output": self.output, "duration": round(self.duration, 3), "notes": list(self.notes),
            "checks": [asdict(c) for c in self.checks], **({"retry": True} if self.retry else {}),
        }

    @classmethod
    def from_dict(cls, data: dict) -> "KataResult":
        checks = [CheckResult(**{k: _shared(k, v) for k, v in c.items()}) for c in data.get("checks", [])]
        fields = {k: data[k] for k in ("kata", "score", "max_score", "status", "error", "seed", "output", "duration",
                                       "notes", "retry") if k in data}
        return cls(checks=checks, **fields)

    def replace_text(self, old: str, new: str) -> None:
        """Replace ``old`` by ``new`` in the submission's own texts that came from learner code (error,
        import output, notes); each check's are replaced by :meth:`CheckResult.replace_text`."""
        if self.error:
            self.error = cap(self.error.replace(old, new), MESSAGE_CAP)
        self.output = cap(self.output.replace(old, new), OUTPUT_CAP + 100)
        self.notes = [cap(note.replace(old, new), MESSAGE_CAP) for note in self.notes]

    def points_by_target(self) -> dict:
        """Points earned per stub function, in check order."""
        totals: dict = {}
        for check in self.checks:
            totals[check.target] = totals.get(check.target, 0.0) + check.points
        return totals


@dataclass
class Row:
    """One student's line of a gradebook: who (as the LMS knows them) and their result."""

    student: str
    result: KataResult
    student_id: str = ""
    name: str = ""
    """The student's name as the LMS wrote it, when it did."""
    late: bool = False
    superseded: list = field(default_factory=list)
    """Earlier attempts that were not graded, by name."""
    feedback_name: str = ""
    """The file name a bulk feedback upload of the platform attaches to this student (Canvas, Moodle)."""
    unattributed: bool = False
    """No student could be found for this row's file: keyed by the file name, kept out of LMS gradebooks."""
    roster: str = ""
    """With ``--roster``: ``matched``, ``not in roster`` (a submission no roster student has), or
    ``no submission`` (a roster student without one); empty without a roster."""

    def identity(self) -> dict:
        identity = {"student_id": self.student_id or self.student, "name": self.name or self.student,
                    "late": self.late, "superseded": self.superseded}
        if self.unattributed:
            identity["unattributed"] = True
        if self.roster:
            identity["roster"] = self.roster
        return identity


_REPEATED = ("name", "target", "hint", "outcome", "diagnosis")


def _shared(key: str, value):
    """One copy of the strings every result repeats (a cohort holds thousands of results)."""
    return sys.intern(value) if key in _REPEATED and isinstance(value, str) else value


def error_result(kata_id: str, max_score: float, message: str, seed=None, output="", *,
                 retry: bool = False) -> KataResult:
    """The record for a submission that could not be graded at all (``retry``: through kata's fault)."""
    return KataResult(kata=kata_id, score=0.0, max_score=max_score, status="error", retry=retry,
                      error=message, seed=seed, output=output)


def fault_of_kata(kata_id: str, max_score: float, reason: str, seed=None) -> KataResult:
    """The row of a submission kata itself kept from being graded: a process of kata's died, the machine
    refused one, a bug of kata's. The one rule for every such fault: an error row saying why, which the
    next ``kata grade`` grades again (:attr:`KataResult.retry`)."""
    return error_result(kata_id, max_score, reason, seed, retry=True)
