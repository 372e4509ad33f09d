"""Misconception diagnosis: which known mistake does the learner's code make?

A kata may ship ``misconceptions/``: small wrong implementations of stub
functions, each a module whose docstring explains the mistake and whose one
public function has the stub function's name. They are trusted code, run in
the trusted process. When a function's checks have run and one failed, the
calls they made to it are replayed on each misconception for that function;
the one that returned the same values (or raised the same kind of exception)
on every call of the most checks is the diagnosis: one per function.
"""

from __future__ import annotations

import copy
import importlib.util
import inspect
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..workers.wire.codec import Opaque

MATCH_RTOL = 1e-6


@dataclass(frozen=True)
class Misconception:
    name: str
    target: str
    explanation: str
    function: object


def load(folder: Path) -> list:
    """The misconceptions in ``folder`` (none if it does not exist)."""
    found = []
    for path in sorted(folder.glob("*.py")) if folder.is_dir() else []:
        module_name = "kata_misconception_" + re.sub(r"\W", "_", str(path))
        spec = importlib.util.spec_from_file_location(module_name, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        functions = [(n, f) for n, f in vars(module).items()
                     if inspect.isfunction(f) and f.__module__ == module.__name__ and not n.startswith("_")]
        if len(functions) != 1 or not module.__doc__:
            raise ValueError(f"{path.name} must define exactly one public function and explain it in its docstring")
        target, function = functions[0]
        found.append(Misconception(path.stem, target, " ".join(module.__doc__.split()), function))
    return found


def diagnose(misconceptions: list, target: str, evidence: list):
    """The misconception that explains the learner's ``target`` best, from all of its checks.

    ``evidence``: one ``(failed, calls)`` per check of ``target`` that ran.
    A candidate must behave like the learner on every call of at least one
    failed check; among those, one that does so on every check (passed ones
    too) beats one that does on some, then the one agreeing with more
    failed checks, then with more checks; ties go to the first.
    """
    checks = [(failed, [c for c in calls if c.name == target]) for failed, calls in evidence]
    checks = [(failed, calls) for failed, calls in checks if calls]
    best, best_rank = None, None
    for candidate in misconceptions:
        if candidate.target != target:
            continue
        agrees = [all(_same(_replay(candidate.function, c), c.outcome) for c in calls) for _, calls in checks]
        failed_agreeing = sum(a for a, (failed, _) in zip(agrees, checks) if failed)
        rank = (all(agrees), failed_agreeing, sum(agrees))
        if failed_agreeing and (best_rank is None or rank > best_rank):
            best, best_rank = candidate, rank
    return best


def _replay(function, call):
    try:
        with np.errstate(all="ignore"):
            return ("ok", function(*copy.deepcopy(call.args), **copy.deepcopy(call.kwargs)))
    except Exception as exc:  # noqa: BLE001 - the misconception's exception is the data
        return ("raised", type(exc))


def _same(mine, theirs) -> bool:
    if mine[0] != theirs[0]:
        return False  # also a learner value the call log did not keep ("dropped")
    if mine[0] == "raised":
        return isinstance(theirs[1], mine[1])
    return _values_match(mine[1], theirs[1])


def _values_match(a, b) -> bool:
    """Whether the misconception's value ``a`` and the learner's ``b`` are the same numbers.

    ``b`` is converted only when it holds as many numbers as ``a``: the learner's
    value (a frame of one-byte numbers becomes eight times as many bytes as
    floats) never costs more than the trusted side's own.
    """
    if isinstance(a, Opaque) or isinstance(b, Opaque):
        return False
    try:
        x = np.asarray(a, dtype=float)
        if _numbers_in(b, x.size + 1) != x.size:
            return False
        y = np.asarray(b, dtype=float)
    except (TypeError, ValueError, OverflowError):
        try:
            return bool(a == b)
        except Exception:  # noqa: BLE001 - comparing learner values must never fail a check
            return False
    if x.shape != y.shape:
        return x.size == y.size == 1 and _values_match(x.reshape(()), y.reshape(()))
    both_nan = np.isnan(x) & np.isnan(y)
    with np.errstate(invalid="ignore"):
        close = np.isclose(x, y, rtol=MATCH_RTOL, atol=1e-12) | both_nan
    return bool(close.all())


def _numbers_in(value, limit: int) -> int:
    """How many numbers ``value`` holds (arrays, nested lists and tuples), counting no further than ``limit``."""
    if isinstance(value, np.ndarray):
        return value.size
    if not isinstance(value, (list, tuple)):
        return 1
    count, stack = 0, [value]
    while stack and count < limit:
        item = stack.pop()
        if isinstance(item, (list, tuple)):
            stack.extend(item)
        else:
            count += item.size if isinstance(item, np.ndarray) else 1
    return count


def explain(misconception) -> str:
    """What the learner reads: the explanation alone (the misconception's file name is kata's own)."""
    return misconception.explanation
