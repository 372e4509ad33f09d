"""Correct code in every style scores full marks on every seed (not a speed benchmark).

    python bench/kata_sweep.py --seeds 60 [--jobs 2] [--kata 10.3]

For each kata: the reference solution and every other correct style kept for
the tests (tests/submissions/katas/bayes_*.py for 10.1, map_*.py for 10.3;
test_submissions.CORRECT for 10.2: loops with math.log, closed forms,
scipy.stats, float32, Nelder-Mead, BFGS and Newton, ...), each graded on
``--seeds`` seeds. Every check a correct submission fails is printed; the last
line counts them. Exit status 1 if any. With bench/mistakes.py (every known
mistake caught on every seed, costing only its checks) this is how the checks
are judged.
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from test_submissions import CORRECT  # noqa: E402

from grader.core import grading  # noqa: E402
from grader.learner import workspace  # noqa: E402

STYLES = ROOT / "tests" / "submissions" / "katas"
_state: dict = {}


def styles(manifest) -> dict:
    """``{kata id: [learner file, ...]}``, the reference solution first."""
    found = {kata.id: [kata.solution_path] for kata in manifest.katas}
    found["10.1"] += sorted(STYLES.glob("bayes_*.py"))
    found["10.3"] += sorted(STYLES.glob("map_*.py"))
    found["10.2"] += [ROOT / "tests" / "submissions" / f"{name}.py" for name in CORRECT]
    return found


def _start() -> None:
    manifest = workspace.load_manifest(ROOT)
    _state.update(manifest=manifest, grader=grading.Grader(manifest).__enter__())


def _grade(task) -> tuple:
    kata_id, path, seed = task
    result = _state["grader"].grade(_state["manifest"].get(kata_id), Path(path), seed)
    lost = [f"{c.name}: {c.message[:300]}" for c in result.checks if not c.passed]
    if result.status != "graded":
        lost.append(f"not graded: {result.error}")
    return kata_id, path, seed, lost


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=60)
    parser.add_argument("--first-seed", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--kata", default=None)
    args = parser.parse_args()
    found = styles(workspace.load_manifest(ROOT))
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    tasks = [(k, str(p), s) for k, paths in found.items() if args.kata in (None, k) for p in paths for s in seeds]
    short: dict = {}
    with ProcessPoolExecutor(max_workers=args.jobs, initializer=_start) as pool:
        for kata_id, path, seed, lost in pool.map(_grade, tasks, chunksize=4):
            short.setdefault((kata_id, path), 0)
            short[(kata_id, path)] += bool(lost)
            for line in lost:
                print(f"  {kata_id} {Path(path).relative_to(ROOT)} seed {seed}: {line}", flush=True)
    for (kata_id, path), count in short.items():
        print(f"{kata_id}  {str(Path(path).relative_to(ROOT)):<52} {count} of {args.seeds} seeds short of full marks")
    bad = sum(short.values())
    print(f"{len(short)} correct styles x {args.seeds} seeds (from {args.first_seed}); {bad} short of full marks")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
