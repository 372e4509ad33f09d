"""Renderers of result records: terminal text and JSON.

Every format kata writes is produced here from :class:`~grader.results.KataResult`
records; nothing else formats results.
"""

from __future__ import annotations

import json
import re
from collections import Counter

from .results import KataResult, Outcome

_NUMBER = re.compile(r"-?\b\d+(?:\.\d+)?(?:e[-+]?\d+)?")

MARKS = {Outcome.PASS: "PASS", Outcome.FAIL: "FAIL", Outcome.ERROR: "ERR!"}


def points(value: float) -> str:
    return f"{value:g}"


def check_lines(result: KataResult, verbose: bool = False, style=lambda text, **_: text) -> list:
    """The lines ``kata check`` prints for one result (also used for feedback files)."""
    lines = [f"kata {result.kata}, seed {result.seed} (rerun with --seed {result.seed} for the same data)"]
    if verbose and result.output:
        lines += _output_block("printed while importing", result.output)
    if result.status == "error":
        lines.append(style(f"ERROR  {result.error}", fg="red", bold=True))
    explained: set = set()
    for check in result.checks:
        verdict = Outcome.verdict(check.outcome)
        mark = MARKS[verdict]
        colour = {Outcome.PASS: "green", Outcome.FAIL: "red", Outcome.ERROR: "magenta"}[verdict]
        head = f"{style(mark, fg=colour, bold=True)}  {check.name:<56} {points(check.points)}/{points(check.max_points)}"
        lines.append(head)
        if not check.passed:
            lines.append(f"      {check.message}")
            if check.diagnosis and check.diagnosis not in explained:
                explained.add(check.diagnosis)
                lines.append(style(f"      why: {check.diagnosis}", fg="cyan"))
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


def summary_lines(rows: list, seed: int, graded_now: int, reused: int) -> list:
    """What ``kata grade`` prints at the end: counts, a histogram, the item analysis."""
    results = [result for _, result in rows]
    graded = [r for r in results if r.status == "graded"]
    kata = results[0].kata if results else "?"
    lines = [f"kata {kata}: {len(results)} submissions, {len(graded)} graded, "
             f"{len(results) - len(graded)} errors (seed {seed}; {graded_now} graded now, {reused} unchanged)"]
    if not results:
        return lines
    lines += ["", "score distribution (percent of max score):"]
    lines += _histogram([100.0 * r.score / r.max_score if r.max_score else 0.0 for r in results])
    if graded:
        lines += ["", f"item analysis: pass rate of each check over {len(graded)} graded submissions, lowest first"]
        lines += _item_analysis(graded)
    errors = [r.error or "" for r in results if r.status == "error"]
    if errors:
        lines += ["", "errors (most common first):"]
        while errors and len(lines) < 200:
            count, example = _most_common(errors)
            lines.append(f"  {count:>4}x  {example[:200]}")
            errors = [e for e in errors if _shape(e) != _shape(example)]
    return lines


def _histogram(percents: list, width: int = 40) -> list:
    buckets = [0] * 11
    for value in percents:
        buckets[min(int(value // 10), 10)] += 1
    most = max(buckets) or 1
    labels = [f"{10 * i:>3}-{10 * i + 9:<3}" for i in range(10)] + ["  100  "]
    return [f"  {label} | {'#' * round(width * count / most):<{width}} {count}"
            for label, count in zip(labels, buckets)]


def _item_analysis(graded: list) -> list:
    names = [c.name for c in graded[0].checks]
    rows, perfect = [], 0
    for index, name in enumerate(names):
        checks = [r.checks[index] for r in graded if len(r.checks) > index]
        rate = 100.0 * sum(c.passed for c in checks) / len(checks)
        if rate == 100.0:
            perfect += 1
            continue
        count, example = _most_common(c.message for c in checks if not c.passed)
        rows.append((rate, f"  {rate:5.1f}%  {name}\n          most common failure ({count}x), e.g. {example[:200]}"))
    lines = [line for _, line in sorted(rows, key=lambda row: row[0])]
    if perfect:
        lines.append(f"  100.0%  the other {perfect} checks" if rows else f"  100.0%  all {perfect} checks")
    return lines


def _most_common(messages) -> tuple:
    """How often the most common kind of message occurs, and one real example of it."""
    examples, counts = {}, Counter()
    for message in messages:
        shape = _shape(message)
        counts[shape] += 1
        examples.setdefault(shape, message)
    shape, count = counts.most_common(1)[0]
    return count, examples[shape]


def _shape(message: str) -> str:
    """A failure message with its numbers masked, so equal mistakes count together."""
    return _NUMBER.sub("#", message)
