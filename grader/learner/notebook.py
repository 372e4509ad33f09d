"""``from grader import check, hint`` in a notebook (or a ``python -i`` session).

``check("ID")`` grades the kata's functions the caller's namespace defines
(written out as a learner file by :mod:`.carry`; those it does not define yet
are "not started"), or the kata's learner file when it defines none, and shows
the same focused report as ``kata check``; ``check("ID", "function")``
only that function's checks. ``hint("ID")`` is ``kata hint``. Both keep the
learner's progress in the workspace's state, as the terminal commands do.
"""

from __future__ import annotations

import html
import inspect
import tempfile
from pathlib import Path

from ..core.grading import Grader, new_seed
from . import carry, hints, report, workspace


class Shown:
    """Text a notebook shows as it is (``repr`` in a console, ``<pre>`` in Jupyter)."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        return f"<pre>{html.escape(self.text)}</pre>"


class Report(Shown):
    """What ``check`` returns: the result, shown as the terminal report."""

    def __init__(self, result):
        self.result = result
        super().__init__("\n".join(report.check_lines(result, verbose=True, everything=False)))


def check(kata_id: str, *functions: str, file=None, namespace: dict | None = None, seed: int | None = None,
          root=None) -> Report:
    """Grade kata ``kata_id`` (only ``functions``' checks, if any are named); see the module docstring."""
    root = workspace.find_root(root)
    manifest = workspace.load_manifest(root)
    kata = _kata(manifest, kata_id)
    only = _only(kata, functions)
    if namespace is None and file is None:
        namespace = inspect.currentframe().f_back.f_globals
    notes: list = []
    # The kernel is the learner's process, not kata's: it is left as it was (no hardening).
    with tempfile.TemporaryDirectory() as folder, Grader(manifest, harden=False) as grader:
        path = Path(file) if file else None
        if path is None and any(carry.defined_here(namespace, t) for t in kata.targets):
            source, notes = carry.module_source(namespace, list(kata.targets))
            path = Path(folder) / kata.files[0]
            path.write_text(source, encoding="utf-8")
        result = grader.grade(kata, path or kata.learner_path, new_seed() if seed is None else seed, only=only)
    result.notes = notes + result.notes
    yours = file is None or Path(file).resolve() == kata.learner_path.resolve()
    if yours:
        workspace.State(root).record_result(kata, kata.learner_path, result, complete=only is None)
    return Report(result)


def hint(kata_id: str, function: str | None = None, root=None) -> Shown:
    """The hints now unlocked for ``function`` (default: where the last check failed), as ``kata hint``."""
    root = workspace.find_root(root)
    kata = _kata(workspace.load_manifest(root), kata_id)
    _only(kata, (function,) if function else ())
    state = workspace.State(root)
    available = hints.load(kata)
    target = function or hints.default_target(kata, state.get(kata.id), available)
    title, steps, unlocked = hints.next_hint(kata, state, available, target)
    if not steps:
        return Shown(f"kata {kata.id} has no hints for {target or 'any function'}")
    lines = [f"{title}, hint {number}/{len(steps)}: {steps[number - 1]}" for number in range(1, unlocked + 1)]
    if unlocked < len(steps):
        lines.append(hints.locked_note(target))
    return Shown("\n".join(lines))


def _kata(manifest, kata_id: str):
    kata = manifest.get(kata_id)
    if kata is None:
        raise ValueError(f"no kata '{kata_id}' in kata.yaml")
    return kata


def _only(kata, functions) -> set | None:
    unknown = [f for f in functions if f not in kata.targets]
    if unknown:
        raise ValueError(f"kata {kata.id} has no function '{unknown[0]}'; its functions: {', '.join(kata.targets)}")
    return set(functions) or None
