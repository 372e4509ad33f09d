"""Where a graded submission's wall time goes, per submission, in the trusted process.

    python bench/overhead.py --submissions 200

Grades the reference solution of kata 10.2 (the same seed throughout, as in a
cohort) in one process with one grader, timing each part: staging the files,
opening the worker (fork, sandbox, importing the learner module), waiting on
the learner's calls (the worker computing, plus the round trip), the checks'
own work (computing what to expect, judging), and the journal's append. The
grader's overhead is everything but the learner's own time: staging, the
fork and sandbox, the channel and codec, the checks and the journal.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader import grading, staging, workspace  # noqa: E402
from grader.journal import Journal  # noqa: E402
from grader.session import LearnerSession  # noqa: E402


class Timer:
    def __init__(self):
        self.spent: dict = {}

    def wrap(self, owner, name: str, label: str) -> None:
        original = getattr(owner, name)

        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.spent[label] = self.spent.get(label, 0.0) + time.perf_counter() - started

        setattr(owner, name, timed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=200)
    args = parser.parse_args()
    manifest = workspace.load_manifest(ROOT)
    kata = manifest.get("10.2")
    solution = ROOT / "solutions/10.2-mle/mle.py"
    timer = Timer()
    timer.wrap(staging, "stage", "staging")
    timer.wrap(LearnerSession, "open", "open: fork, sandbox, import")
    timer.wrap(LearnerSession, "call", "learner calls (worker time + round trip)")
    timer.wrap(Journal, "append", "journal append")
    totals = []
    with tempfile.TemporaryDirectory() as folder, grading.Grader(manifest) as grader:
        journal = Journal(Path(folder) / "journal.jsonl")
        journal.start(1)
        grader.grade(kata, solution, 1)  # warm: the checks' reference values are computed once per seed
        timer.spent.clear()
        for number in range(args.submissions):
            started = time.perf_counter()
            result = grader.grade(kata, solution, 1)
            journal.append(f"s{number}", "digest", "checks", result)
            totals.append(time.perf_counter() - started)
    n = args.submissions
    total = sum(totals)
    calls = timer.spent.get("learner calls (worker time + round trip)", 0.0)
    parts = dict(timer.spent)
    parts["checks' own work and the rest"] = total - sum(parts.values())
    print(f"{n} submissions of the reference solution, kata 10.2 (32 checks), one grader, one process")
    print(f"  per submission: {1000 * total / n:.2f} ms wall (median {1000 * statistics.median(totals):.2f} ms)")
    for label, seconds in sorted(parts.items(), key=lambda item: -item[1]):
        print(f"    {label:<45} {1000 * seconds / n:7.2f} ms")
    print(f"  the grader's overhead (all but the learner calls): {1000 * (total - calls) / n:.2f} ms per submission")


if __name__ == "__main__":
    main()
