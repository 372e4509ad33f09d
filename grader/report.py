"""Renderers of result records: terminal text and JSON.

Every format kata writes is produced here from :class:`~grader.results.KataResult`
records; nothing else formats results.
"""

from __future__ import annotations

import json
import re
from collections import Counter

from .results import CheckResult, KataResult, Outcome
from .show import terminal_safe

_NUMBER = re.compile(r"-?\b\d+(?:\.\d+)?(?:e[-+]?\d+)?")

MARKS = {Outcome.PASS: "PASS", Outcome.FAIL: "FAIL", Outcome.ERROR: "ERR!"}


def points(value: float) -> str:
    return f"{value:g}"


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

    def start(self, seed: int) -> None:
        self.emit(f"kata {self.kata_id}, seed {seed} (rerun with --seed {seed} for the same data)")

    def notes(self, notes: list) -> None:
        for note in notes:
            self.emit(self.style(f"note: {terminal_safe(note)}", fg="yellow"))

    def decided(self, check: CheckResult) -> None:
        """Show one check's result."""
        style = self.style
        if check.outcome == Outcome.NOT_STARTED and not self.everything:
            if check.target not in self.todo:
                self.todo.append(check.target)
                label = f"{check.target} (not started)"
                self.emit(f"{style('TODO', fg='yellow', bold=True)}  {label:<56} "
                          f"0/{points(self.targets.get(check.target, check.max_points))}")
            return
        if not check.passed and check.outcome != Outcome.NOT_STARTED:
            if check.target not in self.failing:
                self.failing.append(check.target)
            if self.focus is None:
                self.focus = check.target
        verdict = Outcome.verdict(check.outcome)
        colour = {Outcome.PASS: "green", Outcome.FAIL: "red", Outcome.ERROR: "magenta"}[verdict]
        self.emit(f"{style(MARKS[verdict], fg=colour, bold=True)}  {check.name:<56} "
                  f"{points(check.points)}/{points(check.max_points)}")
        if not check.passed and (self.everything or check.target == self.focus):
            self.emit(f"      {terminal_safe(check.message)}")
            if check.diagnosis and check.diagnosis not in self._explained:
                self._explained.add(check.diagnosis)
                self.emit(style(f"      why: {check.diagnosis}", fg="cyan"))
            if check.hint:
                self.emit(style(f"      hint: {check.hint}", fg="yellow"))
        if self.verbose and check.output:
            for line in _output_block("printed", check.output):
                self.emit(line)

    def finish(self, result: KataResult) -> None:
        """The closing lines: an error that stopped grading, the score, what to do next."""
        style = self.style
        if self.verbose and result.output:
            for line in _output_block("printed while importing", result.output):
                self.emit(line)
        if result.status == "error":
            self.emit(style(f"ERROR  {terminal_safe(result.error or '')}", fg="red", bold=True))
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
    for check in result.checks:
        shown.decided(check)
    shown.finish(result)
    return lines


def _output_block(title: str, text: str) -> list:
    return [f"      --- {title} ---", *(f"      | {terminal_safe(line)}" for line in text.rstrip("\n").split("\n"))]


def to_json(result: KataResult) -> str:
    """The ``kata check --json`` object."""
    return json.dumps(result.to_dict(), indent=2, allow_nan=False, default=str)


class _Tally:
    """How often each kind of message occurs (numbers masked), with one real example of each; bounded."""

    LIMIT = 1000
    """Kinds kept: past this many, new kinds are counted together, so memory never grows with a cohort."""

    def __init__(self):
        self.counts: Counter = Counter()
        self.examples: dict = {}

    def add(self, message: str) -> None:
        shape = _shape(message)
        if shape not in self.counts and len(self.counts) >= self.LIMIT:
            shape = "(other kinds)"
        self.counts[shape] += 1
        self.examples.setdefault(shape, message)

    def most_common(self, count: int) -> list:
        return [(n, self.examples[shape]) for shape, n in self.counts.most_common(count)]


def summary_lines(rows, seed: int, graded_now: int, reused: int) -> list:
    """What ``kata grade`` prints at the end: counts, a histogram, the item analysis, superseded attempts.

    One pass over ``rows`` (which may be read from the journal as they come), keeping only tallies.
    """
    total = graded = 0
    kata = "?"
    buckets = [0] * 11
    checks: dict = {}  # name -> [passed, seen, tally of failures], in check order
    errors = _Tally()
    superseded: list = []
    superseded_count = 0
    kata_faults = 0
    for row in rows:
        result = row.result
        total += 1
        kata_faults += result.kata_fault
        kata = result.kata
        percent = 100.0 * result.score / result.max_score if result.max_score else 0.0
        buckets[min(int(percent // 10), 10)] += 1
        if result.status == "graded":
            graded += 1
            for check in result.checks:
                entry = checks.setdefault(check.name, [0, 0, _Tally()])
                entry[1] += 1
                if check.passed:
                    entry[0] += 1
                else:
                    entry[2].add(check.message)
        else:
            errors.add(result.error or "")
        for attempt in row.superseded:
            superseded_count += 1
            if len(superseded) < 50:
                superseded.append((row.student, attempt))
    lines = [f"kata {kata}: {total} submissions, {graded} graded, "
             f"{total - graded} errors (seed {seed}; {graded_now} graded now, {reused} unchanged)"]
    if not total:
        return lines
    lines += ["", "score distribution (percent of max score):"]
    lines += _histogram(buckets)
    if graded:
        lines += ["", f"item analysis: pass rate of each check over {graded} graded submissions, lowest first"]
        lines += _item_analysis(checks)
    if errors.counts:
        lines += ["", "errors (most common first):"]
        lines += [f"  {count:>4}x  {terminal_safe(example[:200], one_line=True)}"
                  for count, example in errors.most_common(150)]
    if kata_faults:
        lines += ["", f"{kata_faults} row{'s' if kata_faults != 1 else ''} kept from grading by kata itself, not by "
                      "the students' code (see the errors above): run the same command again to grade "
                      f"{'them' if kata_faults != 1 else 'it'}"]
    if superseded_count:
        lines += ["", f"superseded attempts, not graded (the latest of each student was): {superseded_count}"]
        lines += [f"  {terminal_safe(student, one_line=True)}: {terminal_safe(attempt, one_line=True)}"
                  for student, attempt in superseded]
        if superseded_count > len(superseded):
            lines.append(f"  ... and {superseded_count - len(superseded)} more (every one is in the JSON gradebook)")
    return lines


def _histogram(buckets: list, width: int = 40) -> list:
    most = max(buckets) or 1
    labels = [f"{10 * i:>3}-{10 * i + 9:<3}" for i in range(10)] + ["  100  "]
    return [f"  {label} | {'#' * round(width * count / most):<{width}} {count}"
            for label, count in zip(labels, buckets)]


def _item_analysis(checks: dict) -> list:
    rows, perfect = [], 0
    for name, (passed, seen, failures) in checks.items():
        rate = 100.0 * passed / seen
        if rate == 100.0:
            perfect += 1
            continue
        ((count, example),) = failures.most_common(1)
        rows.append((rate, f"  {rate:5.1f}%  {name}\n          most common failure ({count}x), "
                           f"e.g. {terminal_safe(example[:200], one_line=True)}"))
    lines = [line for _, line in sorted(rows, key=lambda row: row[0])]
    if perfect:
        lines.append(f"  100.0%  the other {perfect} checks" if rows else f"  100.0%  all {perfect} checks")
    return lines


def _shape(message: str) -> str:
    """A failure message with its numbers masked, so equal mistakes count together."""
    return _NUMBER.sub("#", message)
