"""What ``kata grade`` prints at the end: counts, a histogram of scores, the item analysis."""

from __future__ import annotations

import re
from collections import Counter

from ..core.show import points, terminal_safe

_NUMBER = re.compile(r"-?\b\d+(?:\.\d+)?(?:e[-+]?\d+)?")


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


def summary_lines(rows, seed: int, graded_now: int, reused: int, changed=(), lacking=()) -> list:
    """What ``kata grade`` prints at the end: counts, a histogram, the item analysis, superseded attempts,
    whose score changed since the last run (``changed``: :func:`grader.cohort.changes.changes`), and the
    protections this machine could not give the workers (``lacking``).

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
    lines += _changed_lines(changed)
    if lacking:
        lines += ["", f"graded without these protections (this machine cannot give them; see kata doctor): "
                      f"{', '.join(lacking)}"]
    return lines


CHANGES_SHOWN = 50
"""Students listed by name under "score changed since the last run"; the rest are counted."""


def _changed_lines(changed) -> list:
    changed = list(changed)
    if not changed:
        return []
    lines = ["", f"score changed since the last run: {len(changed)} student{'s' if len(changed) != 1 else ''}"]
    for change in changed[:CHANGES_SHOWN]:
        lines.append(f"  {terminal_safe(change.student, one_line=True)}: {points(change.old_score)} -> "
                     f"{points(change.new_score)} of {points(change.max_score)} ({', '.join(change.reasons)})")
    if len(changed) > CHANGES_SHOWN:
        lines.append(f"  ... and {len(changed) - CHANGES_SHOWN} more")
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
