"""The learner's report of one result: the lines ``kata check`` prints, feedback files, JSON.

The same lines serve the terminal (written as each check is decided), a
notebook, a student's feedback file and the failure text platforms show.
"""

from __future__ import annotations

import json

from ..core.results import CheckResult, KataResult, Outcome
from ..core.show import learner_text, points, terminal_safe

MARKS = {Outcome.PASS: "PASS", Outcome.FAIL: "FAIL", Outcome.ERROR: "ERR!"}
INDENT = "      "
"""Where a check's details start; learner text's further lines start there too, after ``| ``."""


class CheckReport:
    """The report of one ``kata check``, written line by line as each check is decided.

    Focused (the default) it is built for where the learner is: a function
    not started yet (its checks raise NotImplementedError, as in the stub) is
    one ``TODO`` line; each other check is one line; the first function with
    a real failure is shown in full (what went wrong, why, the hint), and the
    last lines say which function to work on next. ``everything=True`` shows
    every check and every failure in full (``--all``, feedback files).

    ``emit(line)`` receives each line as soon as it is known.
    """

    def __init__(self, kata_id: str, targets: dict, emit, *, everything: bool = False,
                 verbose: bool = False, style=lambda text, **_: text):
        self.kata_id = kata_id
        self.targets = targets
        """``{function: points}`` of the checks being run, in check order."""
        self.emit, self.everything, self.verbose, self.style = emit, everything, verbose, style
        self.focus: str | None = None
        self.todo: list = []
        self.failing: list = []
        self._explained: set = set()
        self._shown: set = set()
        """Functions with a failure shown in full: their diagnosis is shown after their last check."""

    def start(self, seed: int) -> None:
        self.emit(f"kata {self.kata_id}, seed {seed} (rerun with --seed {seed} for the same data)")

    def notes(self, notes: list) -> None:
        for note in notes:
            self.emit(self.style(f"note: {learner_text(note, INDENT)}", fg="yellow"))

    def decided(self, check: CheckResult) -> None:
        """Show one check's result."""
        style = self.style
        if check.outcome == Outcome.NOT_IMPLEMENTED and not self.everything:
            if check.target not in self.todo:
                self.todo.append(check.target)
                label = f"{check.target} (not started)"
                self.emit(f"{style('TODO', fg='yellow', bold=True)}  {label:<56} "
                          f"0/{points(self.targets.get(check.target, check.max_points))}")
            return
        if not check.passed and check.outcome != Outcome.NOT_IMPLEMENTED:
            if check.target not in self.failing:
                self.failing.append(check.target)
            if self.focus is None:
                self.focus = check.target
        verdict = Outcome.verdict(check.outcome)
        colour = {Outcome.PASS: "green", Outcome.FAIL: "red", Outcome.ERROR: "magenta"}[verdict]
        self.emit(f"{style(MARKS[verdict], fg=colour, bold=True)}  {check.name:<56} "
                  f"{points(check.points)}/{points(check.max_points)}")
        in_full = not check.passed and (self.everything or check.target == self.focus)
        if in_full:
            self._shown.add(check.target)
            self.emit(INDENT + learner_text(check.message, INDENT))
        if in_full or self.verbose:
            for warning in check.warnings:
                self.emit(style(f"      warning: {terminal_safe(warning, one_line=True)}", fg="magenta"))
        if in_full and check.hint:
            self.emit(style(f"      hint: {check.hint}", fg="yellow"))
        if self.verbose and check.output:
            for line in _output_block("printed", check.output):
                self.emit(line)

    def explained(self, target: str, diagnosis: str) -> None:
        """After a function's last check: the one explanation of its failures, if they are shown."""
        if diagnosis and target in self._shown and diagnosis not in self._explained:
            self._explained.add(diagnosis)
            self.emit(self.style(f"      why ({target}): {diagnosis}", fg="cyan"))

    def finish(self, result: KataResult) -> None:
        """The closing lines: an error that stopped grading, the score, what to do next."""
        style = self.style
        if self.verbose and result.output:
            for line in _output_block("printed while importing", result.output):
                self.emit(line)
        if result.status == "error":
            self.emit(style(f"ERROR  {learner_text(result.error or '', INDENT)}", fg="red", bold=True))
        self.notes(result.notes)
        total = f"score {points(result.score)}/{points(result.max_score)}"
        if result.status == "error":
            total += "  (not graded: fix the error above and check again)"
        elif result.full_marks:
            total += "  all checks pass"
        else:
            failed = sum(not c.passed for c in result.checks)
            total += f"  ({failed} check{'s' if failed != 1 else ''} to go)"
            hidden = sum(bool(c.output) for c in result.checks) + bool(result.output)
            if hidden and not self.verbose:
                total += "; your code printed output: see it with --verbose"
        self.emit(style(total, bold=True))
        if result.status == "graded" and not self.everything:
            for line in self._next():
                self.emit(line)

    def _next(self) -> list:
        """Where to go from here, when something is left."""
        lines = []
        if self.focus:
            only = f" (kata check {self.kata_id} {self.focus} runs only its checks)" if len(self.targets) > 1 else ""
            lines.append(f"next: fix {self.focus}{only}")
            others = [t for t in self.failing if t != self.focus]
            if others:
                lines.append(f"      also failing: {', '.join(others)} (--all shows every failure in full)")
        elif self.todo:
            lines.append(f"next: start with {self.todo[0]}: its docstring is the contract; "
                         f"then run kata check {self.kata_id} {self.todo[0]}")
        return lines


def targets_of(checks) -> dict:
    """``{function: points}`` for checks (manifest checks or check results), in check order."""
    totals: dict = {}
    for check in checks:
        worth = check.max_points if isinstance(check, CheckResult) else check.points
        totals[check.target] = totals.get(check.target, 0.0) + worth
    return totals


def check_lines(result: KataResult, verbose: bool = False, style=lambda text, **_: text,
                everything: bool = True) -> list:
    """The lines of :class:`CheckReport` for a finished result (feedback files, notebooks)."""
    lines: list = []
    shown = CheckReport(result.kata, targets_of(result.checks), lines.append, everything=everything,
                        verbose=verbose, style=style)
    shown.start(result.seed)
    for index, check in enumerate(result.checks):
        shown.decided(check)
        if all(later.target != check.target for later in result.checks[index + 1:]):
            shown.explained(check.target, next((c.diagnosis for c in result.checks
                                                 if c.target == check.target and c.diagnosis), ""))
    shown.finish(result)
    return lines


def failure_text(check) -> str:
    """What went wrong, why (a recognised misconception), and the hint: the text platforms show.

    The message's further lines start with ``| `` (:func:`~grader.core.show.learner_text`) and a warning
    stays on its line: only kata's own ``warning:``, ``why:`` and ``hint:`` start a line.
    """
    lines = [learner_text(check.message), *(f"warning: {terminal_safe(warning, one_line=True)}"
                                            for warning in check.warnings)]
    if check.diagnosis:
        lines.append(f"why: {check.diagnosis}")
    if check.hint:
        lines.append(f"hint: {check.hint}")
    return "\n".join(lines)


def feedback_text(result: KataResult) -> str:
    """A student's feedback file: the lines ``kata check`` prints, verbose."""
    return "\n".join(check_lines(result, verbose=True)) + "\n"


def _output_block(title: str, text: str) -> list:
    return [f"{INDENT}--- {title} ---", *(f"{INDENT}| {terminal_safe(line)}" for line in text.rstrip("\n").split("\n"))]


def to_json(result: KataResult) -> str:
    """The ``kata check --json`` object."""
    return json.dumps(result.to_dict(), indent=2, allow_nan=False, default=str)
