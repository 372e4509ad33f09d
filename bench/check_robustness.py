"""Are the checks of kata 10.2 right for every seed, not just the tested ones?

    python bench/check_robustness.py [--seeds 200] [--mistake-seeds 200] [--jobs 2]

Grades every correct submission in tests/submissions (closed forms, loops with
math.log, scipy.stats, float32, Nelder-Mead and BFGS started where the data
is...) with many seeds and reports any check one of them fails; then grades
every classic-mistake submission with many seeds and reports any seed on which
it does not lose the points it must, or loses points on another function.

A mistake file takes its other, correct functions from ``correct_loops_math``
(pure-Python loops, slow on thousands of points). Which correct code stands
there does not matter, so for the mistakes the bench puts the vectorised
``correct_scipy`` under that name; ``correct_loops_math`` itself is graded as a
correct style. Work is spread over ``--jobs`` processes, each with its grader.
"""

import argparse
import shutil
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from test_submissions import CORRECT, MISTAKES  # noqa: E402

from grader.core import grading
from grader.learner import workspace

SUBMISSIONS = ROOT / "tests" / "submissions"
_state: dict = {}


def _start() -> None:
    manifest = workspace.load_manifest(ROOT)
    _state["kata"] = manifest.get("10.2")
    _state["grader"] = grading.Grader(manifest).__enter__()  # lives as long as this process


def _problems(task) -> list:
    """Problems with one (kind, name, folder, seed)."""
    kind, name, folder, seed = task
    result = _state["grader"].grade(_state["kata"], Path(folder) / f"{name}.py", seed)
    if kind == "correct":
        return [f"correct {name} fails {c.name} with seed {seed}: {c.message}" for c in result.checks if not c.passed]
    target, must_fail = MISTAKES[name]
    failed = {c.name for c in result.checks if not c.passed}
    elsewhere = {c.name for c in result.checks if not c.passed and c.target != target}
    if must_fail <= failed and not elsewhere and result.status == "graded":
        return []
    return [f"mistake {name} with seed {seed}: still passes {sorted(must_fail - failed)}, "
            f"fails elsewhere {sorted(elsewhere)} ({result.status})"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=200)
    parser.add_argument("--mistake-seeds", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    fast = Path(tempfile.mkdtemp(prefix="kata-robust-"))
    try:
        for path in SUBMISSIONS.glob("*.py"):
            shutil.copy(path, fast)
        shutil.copy(SUBMISSIONS / "correct_scipy.py", fast / "correct_loops_math.py")
        tasks = [("correct", name, str(SUBMISSIONS), seed) for name in CORRECT for seed in range(args.seeds)]
        tasks += [("mistake", name, str(fast), seed) for name in sorted(MISTAKES)
                  for seed in range(args.mistake_seeds)]
        problems = 0
        with ProcessPoolExecutor(max_workers=args.jobs, initializer=_start) as pool:
            for lines in pool.map(_problems, tasks, chunksize=8):
                for line in lines:
                    problems += 1
                    print(line, flush=True)
    finally:
        shutil.rmtree(fast, ignore_errors=True)
    print(f"correct styles: {len(CORRECT)} x {args.seeds} seeds; "
          f"mistakes: {len(MISTAKES)} x {args.mistake_seeds} seeds")
    print(f"{problems} problems")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
