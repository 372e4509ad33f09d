"""Renderers of result records: terminal text and JSON.

Every format kata writes is produced here from :class:`~grader.results.KataResult`
records; nothing else formats results.
"""

from __future__ import annotations

import json

from .results import KataResult, Outcome

MARKS = {Outcome.PASSED: "PASS", Outcome.FAILED: "FAIL", Outcome.LEARNER_ERROR: "FAIL",
         Outcome.FAULT: "FAIL", Outcome.INTERNAL: "ERR!"}


def points(value: float) -> str:
    return f"{value:g}"


def check_lines(result: KataResult, verbose: bool = False, style=lambda text, **_: text) -> list:
    """The lines ``kata check`` prints for one result (also used for feedback files)."""
    lines = [f"kata {result.kata}, seed {result.seed} (rerun with --seed {result.seed} for the same data)"]
    if verbose and result.output:
        lines += _output_block("printed while importing", result.output)
    if result.status == "error":
        lines.append(style(f"ERROR  {result.error}", fg="red", bold=True))
    for check in result.checks:
        mark = MARKS.get(check.outcome, "FAIL")
        colour = "green" if check.passed else ("magenta" if check.outcome == Outcome.INTERNAL else "red")
        head = f"{style(mark, fg=colour, bold=True)}  {check.name:<56} {points(check.points)}/{points(check.max_points)}"
        lines.append(head)
        if not check.passed:
            lines.append(f"      {check.message}")
            if check.hint:
                lines.append(style(f"      hint: {check.hint}", fg="yellow"))
        if verbose and check.output:
            lines += _output_block("printed", check.output)
    total = f"score {points(result.score)}/{points(result.max_score)}"
    if result.status == "error":
        total += "  (not graded: fix the error above and check again)"
    elif result.full_marks:
        total += "  all checks pass"
    else:
        failed = sum(not c.passed for c in result.checks)
        total += f"  ({failed} check{'s' if failed != 1 else ''} to go)"
        hidden = sum(bool(c.output) for c in result.checks) + bool(result.output)
        if hidden and not verbose:
            total += "; your code printed output: see it with --verbose"
    lines.append(style(total, bold=True))
    return lines


def _output_block(title: str, text: str) -> list:
    return [f"      --- {title} ---", *(f"      | {line}" for line in text.rstrip("\n").splitlines())]


def to_json(result: KataResult) -> str:
    """The ``kata check --json`` object."""
    return json.dumps(result.to_dict(), indent=2, allow_nan=False, default=str)
