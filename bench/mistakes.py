"""What every known mistake costs, per function, over many seeds (not a speed benchmark).

    python bench/mistakes.py --seeds 40 [--jobs 2] [--kata 10.3] [--only NAME ...]

Every known mistake of every kata (tests/known_mistakes.py: the misconceptions,
the classic mistakes of tests/submissions/mistakes/, kata 10.2's whole-file
mistakes) is graded with ``--seeds`` seeds. One row per mistake:

- ``its checks``: the points it loses on the checks about it (its function's
  value checks; its rejects checks for a validation mistake; both for one that
  is both), as the mean over seeds and the least and most;
- ``other``: points lost on its function's other checks (rejects and form
  checks for a value mistake; value and form checks for a validation mistake);
- ``elsewhere``: points lost on other functions;
- ``caught``: the seeds on which it lost at least one point.

A mistake is right when ``other`` and ``elsewhere`` are 0 and it is caught on
every seed; the last line counts the rows that are not. Exit status 1 if any.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from known_mistakes import SUBMISSIONS, allowed_losses, known_mistakes  # noqa: E402

from grader.core import grading  # noqa: E402
from grader.learner import workspace  # noqa: E402

_state: dict = {}


def _start(folder: str) -> None:
    manifest = workspace.load_manifest(ROOT)
    _state.update(manifest=manifest, folder=Path(folder), grader=grading.Grader(manifest).__enter__())


def _losses(task) -> tuple:
    """``(mistake name, seed, value points lost, other points lost, elsewhere, failed checks)``."""
    mistake, seed = task
    kata = _state["manifest"].get(mistake.kata)
    path = mistake.learner_file(kata, _state["folder"] / str(seed))
    if mistake.whole:  # the fast copy, whose correct functions come from correct_scipy
        path = _state["folder"] / "whole" / path.name
    result = _state["grader"].grade(kata, path, seed)
    allowed = allowed_losses(mistake, kata)
    lost = [c for c in result.checks if not c.passed]
    own = sum(c.max_points for c in lost if c.name in allowed)
    other = sum(c.max_points for c in lost if c.target == mistake.target and c.name not in allowed)
    elsewhere = sum(c.max_points for c in lost if c.target != mistake.target)
    if result.status != "graded":
        elsewhere = result.max_score
    return (mistake.label, seed, own, other, elsewhere,
            [f"{c.name}: {c.message[:200]}" for c in lost if c.name not in allowed])


def _whole_files(folder: Path) -> None:
    """Kata 10.2's whole-file mistakes, with the vectorised correct_scipy standing in for correct_loops_math."""
    target = folder / "whole"
    target.mkdir(parents=True)
    for path in SUBMISSIONS.glob("*.py"):
        shutil.copy(path, target)
    shutil.copy(SUBMISSIONS / "correct_scipy.py", target / "correct_loops_math.py")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=40)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--kata", default=None, help="only this kata's mistakes")
    parser.add_argument("--only", nargs="*", default=None, help="only these mistakes (by name)")
    args = parser.parse_args()
    mistakes = [m for m in known_mistakes(workspace.load_manifest(ROOT).katas)
                if (args.kata is None or m.kata == args.kata) and (not args.only or m.name in args.only)]
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    folder = Path(tempfile.mkdtemp(prefix="kata-mistakes-"))
    rows: dict = {}
    try:
        _whole_files(folder)
        tasks = [(m, s) for m in mistakes for s in seeds]
        with ProcessPoolExecutor(max_workers=args.jobs, initializer=_start, initargs=(str(folder),)) as pool:
            for name, seed, own, other, elsewhere, stray in pool.map(_losses, tasks, chunksize=4):
                rows.setdefault(name, []).append((own, other, elsewhere))
                for line in stray:
                    print(f"  {name} seed {seed}: {line}", file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    bad = _table(mistakes, rows, len(seeds))
    print(f"\n{len(mistakes)} mistakes x {len(seeds)} seeds (from {args.first_seed}); {bad} not right")
    sys.exit(1 if bad else 0)


def _table(mistakes: list, rows: dict, seeds: int) -> int:
    print("| mistake | function | kind | its checks (mean, min-max) | other | elsewhere | caught |")
    print("|---|---|---|---|---|---|---|")
    bad = 0
    for mistake in mistakes:
        name = mistake.label
        losses = rows.get(name, [])
        own = [r[0] for r in losses]
        other, elsewhere = sum(r[1] for r in losses), sum(r[2] for r in losses)
        caught = sum(1 for r in losses if sum(r) > 0)
        bad += bool(other or elsewhere or caught < seeds)
        label = "misconception" if mistake.misconception else mistake.kind
        print(f"| {name} | {mistake.target} | {label} | {statistics.mean(own):.2f} ({min(own):g}-{max(own):g}) "
              f"| {other / seeds:.2f} | {elsewhere / seeds:.2f} | {caught}/{seeds} |")
    return bad


if __name__ == "__main__":
    main()
