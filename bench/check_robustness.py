"""Are the checks of kata 10.2 right for every seed, not just the tested ones?

    python bench/check_robustness.py [--seeds 500] [--mistake-seeds 200]

Grades every correct submission in tests/submissions (closed forms, loops with
math.log, scipy.stats, Nelder-Mead with scipy's defaults...) with many seeds and
reports any check one of them fails; then grades every classic-mistake
submission with many seeds and reports any seed on which it does not lose the
points it must, or loses points on another function.
"""

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from grader import grading, workspace  # noqa: E402
from test_submissions import CORRECT, MISTAKES  # noqa: E402

SUBMISSIONS = ROOT / "tests" / "submissions"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=500)
    parser.add_argument("--mistake-seeds", type=int, default=200)
    args = parser.parse_args()
    manifest = workspace.load_manifest(ROOT)
    kata = manifest.get("10.2")
    problems = 0
    with grading.Grader(manifest) as grader:
        for name in CORRECT:
            for seed in range(args.seeds):
                for check in grader.grade(kata, SUBMISSIONS / f"{name}.py", seed).checks:
                    if not check.passed:
                        problems += 1
                        print(f"correct {name} fails {check.name} with seed {seed}: {check.message}")
            print(f"correct {name}: {args.seeds} seeds done", flush=True)
        for name, (target, must_fail) in sorted(MISTAKES.items()):
            for seed in range(args.mistake_seeds):
                result = grader.grade(kata, SUBMISSIONS / f"{name}.py", seed)
                failed = {c.name for c in result.checks if not c.passed}
                elsewhere = {c.name for c in result.checks if not c.passed and c.target != target}
                if not must_fail <= failed or elsewhere:
                    problems += 1
                    print(f"mistake {name} with seed {seed}: still passes {sorted(must_fail - failed)}, "
                          f"fails elsewhere {sorted(elsewhere)}")
        print(f"mistakes: {len(MISTAKES)} x {args.mistake_seeds} seeds done")
    print(f"{problems} problems")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
