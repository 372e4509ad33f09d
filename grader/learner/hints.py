"""Progressive hints: from a nudge to an almost-solution, one level at a time.

A kata may ship ``hints.yaml`` mapping each stub function to a list of hints,
mildest first, and any check to a ladder of its own. Hints for a function
start from the check that failed last: its own ladder (if it has one), then
the function's. Level 1 is always available; each further level unlocks once
the learner has failed a check of that function again since the last level
was unlocked (counted by ``kata check``, kept in the state file).
"""

from __future__ import annotations

import yaml

from ..core.manifest import Kata, ManifestError

FILE = "hints.yaml"


def load(kata: Kata) -> dict:
    """``{function: [hint, ...]}``; a malformed file is a :class:`ManifestError`."""
    path = kata.folder / FILE
    if not path.exists():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ManifestError(path, mark.line + 1 if mark else None, "not valid YAML") from None
    if not isinstance(data, dict) or not all(
            isinstance(k, str) and isinstance(v, list) and v and all(isinstance(h, str) for h in v)
            for k, v in data.items()):
        raise ManifestError(path, None, "must map each function or check name to a list of hint strings")
    known = set(kata.targets) | {c.name for c in kata.checks}
    for key in data:
        if key not in known:
            raise ManifestError(path, None, f"'{key}' is neither a function nor a check of kata {kata.id}")
    return data


def ladder(kata: Kata, hints: dict, target: str, failed_checks=()) -> tuple:
    """``(title, [hint, ...])`` for ``target``: the failing check's own ladder first, then the function's."""
    owner = {c.name: c.target for c in kata.checks}
    failing = next((name for name in failed_checks if owner.get(name) == target and name in hints), None)
    steps = (hints.get(failing, []) if failing else []) + hints.get(target, [])
    title = f"{target} ({failing})" if failing else target
    return title, steps


def unlock(state_entry: dict, target: str, available: int) -> int:
    """The level now unlocked for ``target``, advancing it if a check failed since."""
    hints = state_entry.setdefault("hints", {})
    failures = int(state_entry.get("failures", {}).get(target, 0))
    current = hints.get(target) or {"level": 1, "at": failures}
    if failures > current["at"] and current["level"] < available:
        current = {"level": current["level"] + 1, "at": failures}
    hints[target] = current
    return current["level"]


def default_target(kata: Kata, state_entry: dict, hints: dict) -> str:
    """The function to hint at: the first that failed last time (a real failure before one not
    started), else the first with hints."""
    owner = {c.name: c.target for c in kata.checks}
    failing = [owner.get(name) for name in state_entry.get("failed_checks", [])]
    for target in [*failing, *state_entry.get("failed_targets", [])]:
        if target in hints or any(owner.get(k) == target for k in hints):
            return target
    return next((t for t in kata.targets if t in hints), "")


def next_hint(kata: Kata, state, hints: dict, target: str) -> tuple:
    """``(title, steps, unlocked)`` for ``target``, its level advanced if a check of it failed since; saved.

    ``kata hint`` and ``kata watch``'s ``h`` share this one rule: level 1 at
    once, each further level after another failed check of that function.
    """
    entry = state.get(kata.id)
    title, steps = ladder(kata, hints, target, entry.get("failed_checks", []))
    if not steps:
        return title, steps, 0
    unlocked = unlock(entry, target, len(steps))
    state.katas[kata.id] = entry
    state.save()
    return title, steps, unlocked


def locked_note(target: str) -> str:
    return (f"(the next hint unlocks after another failed check of {target}: fix what you can, "
            f"check again, then ask again)")
