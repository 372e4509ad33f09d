"""Correct code in several styles scores full marks on many seeds (not a speed benchmark).

    python bench/kata_sweep.py --seeds 60

For katas 10.1 and 10.3: the reference solution and the other correct styles
in tests/submissions/katas/, each graded on ``--seeds`` seeds by one grader;
every check a correct submission fails is printed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.core import grading
from grader.learner import workspace

FILES = {
    "10.1": ["solutions/10.1-bayes/bayes.py", "tests/submissions/katas/bayes_loops.py",
             "tests/submissions/katas/bayes_vectorised.py", "tests/submissions/katas/bayes_scipy_frozen.py"],
    "10.3": ["solutions/10.3-map/map_estimate.py", "tests/submissions/katas/map_sklearn_style.py",
             "tests/submissions/katas/map_scipy_minimize.py", "tests/submissions/katas/map_lbfgs_gradient.py"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=60)
    args = parser.parse_args()
    manifest = workspace.load_manifest(ROOT)
    with grading.Grader(manifest) as grader:
        for kata_id, paths in FILES.items():
            kata = manifest.get(kata_id)
            for path in paths:
                failures = 0
                for seed in range(1000, 1000 + args.seeds):
                    result = grader.grade(kata, ROOT / path, seed)
                    if not result.full_marks:
                        failures += 1
                        for check in result.checks:
                            if not check.passed:
                                print(f"  {kata_id} {path} seed {seed}: {check.name}: {check.message[:300]}")
                print(f"{kata_id}  {path:<45} {failures} of {args.seeds} seeds short of full marks", flush=True)


if __name__ == "__main__":
    main()
