"""The learner's workspace: where ``kata.yaml`` is, and the state kept beside it.

``kata`` finds its root the way git finds ``.git``: from ``--root``, else the
``KATA_ROOT`` environment variable, else the nearest folder at or above the
current one that holds ``kata.yaml``. State (last and best scores) lives in
``.kata/state.json`` under the root and is always written atomically.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import datetime, timezone
from pathlib import Path

from ..core import manifest as manifest_mod
from ..core.files import STATE_DIR, write_atomic

MANIFEST_NAME = "kata.yaml"
STATE_VERSION = 1


class WorkspaceError(Exception):
    """No workspace could be found; the message says how to point kata at one."""


def find_root(explicit: str | os.PathLike | None = None, start: Path | None = None) -> Path:
    """The folder holding ``kata.yaml``."""
    if explicit is None:
        explicit = os.environ.get("KATA_ROOT") or None
    if explicit is not None:
        root = Path(explicit).expanduser().resolve()
        if not (root / MANIFEST_NAME).is_file():
            raise WorkspaceError(f"no {MANIFEST_NAME} in {root}; pass the folder that holds it "
                                 "with --root or KATA_ROOT")
        return root
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / MANIFEST_NAME).is_file():
            return folder
    raise WorkspaceError(f"no {MANIFEST_NAME} found in {here} or any folder above it; run kata "
                         "inside a kata workspace or pass --root DIR")


def load_manifest(root: Path) -> manifest_mod.Manifest:
    return manifest_mod.load(root / MANIFEST_NAME)


class State:
    """Per-kata progress of the learner in this workspace."""

    def __init__(self, root: Path):
        self.path = root / STATE_DIR / "state.json"
        self.katas = self._read()

    def _read(self) -> dict:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        katas = data.get("katas") if isinstance(data, dict) else None
        return katas if isinstance(katas, dict) else {}

    def get(self, kata_id: str) -> dict:
        entry = self.katas.get(kata_id)
        return entry if isinstance(entry, dict) else {}

    def record_result(self, kata, path: Path, result, complete: bool = True) -> None:
        """Remember a check of ``path``; progress is kept for the learner's own file only.

        Kept: the last and best score, the functions and checks that failed
        last (those of this check first), and how often each function has
        failed (hints unlock on that).
        A check of some functions only (``complete=False``) updates what is
        known of those functions but is not a score.
        """
        if Path(path).resolve() != kata.learner_path.resolve():
            return
        entry = self.get(kata.id)
        checked = {c.target for c in result.checks}
        failed = [c for c in result.checks if not c.passed]
        failures = entry.get("failures") if isinstance(entry.get("failures"), dict) else {}
        for target in dict.fromkeys(c.target for c in failed):
            failures[target] = int(failures.get(target, 0)) + 1
        owner = {c.name: c.target for c in kata.checks}
        kept_checks = [] if complete else [n for n in _strings(entry.get("failed_checks")) if owner.get(n) not in checked]
        kept_targets = [] if complete else [t for t in _strings(entry.get("failed_targets")) if t not in checked]
        # The latest check's failures come first: hints start from where the learner is now.
        entry.update(failed_targets=list(dict.fromkeys([c.target for c in failed] + kept_targets)),
                     failed_checks=[c.name for c in failed if c.outcome != "not_implemented"] + kept_checks,
                     failures=failures, checked_at=datetime.now(timezone.utc).isoformat(timespec="seconds"))
        if complete:
            best = entry.get("best_score", 0.0)
            entry.update(last_score=result.score, max_score=result.max_score, status=result.status,
                         best_score=max(result.score, best) if result.status == "graded" else best)
        self.katas[kata.id] = entry
        self.save()

    def progress(self, kata_id: str, max_score: float) -> str:
        """``not started``, ``in progress`` or ``done``."""
        entry = self.get(kata_id)
        if not entry:
            return "not started"
        return "done" if entry.get("best_score", 0.0) >= max_score else "in progress"

    def progress_line(self, kata_id: str, max_score: float) -> str:
        """``done: last 32/32, best 32``; ``in progress: last check: error, best 5``; ``not started (0/32)``."""
        entry, shown = self.get(kata_id), lambda value: f"{value:g}"
        state = self.progress(kata_id, max_score)
        if state == "not started":
            return f"not started (0/{shown(max_score)})"
        last = f"last {shown(entry.get('last_score', 0))}/{shown(max_score)}"
        if entry.get("status") == "error":
            last = "last check: error"
        return f"{state}: {last}, best {shown(entry.get('best_score', 0))}"

    def save(self) -> None:
        text = json.dumps({"format_version": STATE_VERSION, "katas": self.katas}, indent=2)
        write_atomic(self.path, text + "\n")


def _strings(value) -> list:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def restore_stub(kata, root: Path) -> list:
    """Put each learner file of ``kata`` back as shipped, backing up the learner's version.

    Returns what was done, one line each.
    """
    done = []
    for name in kata.files:
        working, shipped = kata.folder / name, kata.shipped(name)
        if working.exists() and working.read_bytes() == shipped.read_bytes():
            done.append(f"{working.relative_to(root)} is already the stub as shipped")
            continue
        if working.exists():
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
            backup = root / STATE_DIR / "backups" / kata.id / f"{name}.{stamp}"
            backup.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(working, backup)
            done.append(f"saved your {name} as {backup.relative_to(root)}")
        write_atomic(working, shipped.read_text(encoding="utf-8"))
        done.append(f"restored {working.relative_to(root)} as shipped")
    return done
