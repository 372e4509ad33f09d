"""Where a graded submission's wall time goes, per submission, in the trusted process.

    python bench/overhead.py --submissions 200

Grades the reference solution of kata 10.2 (the same seed throughout, as in a
cohort) in one process with one grader, timing each part: staging the files,
opening the worker (fork, sandbox, importing the learner module), the
learner's calls (sending, the worker computing, answering), the checks' own
work (computing what to expect, judging), and the journal's append.

The learner's own time is measured apart: every call the checks made is
replayed here, in this process, on the same module and arguments (the best
of 5 runs of the whole sequence), and the module's import likewise. The
grader's overhead is the rest of the wall time: staging, the fork and
sandbox, the channel and codec round trips, the checks and the journal.
"""

from __future__ import annotations

import argparse
import importlib.util
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

CALLS = "learner calls: send, the worker, answer"
OPEN = "open: fork, sandbox, import"


class Timer:
    def __init__(self):
        self.spent: dict = {}

    def wrap(self, owner, name: str, label: str, record=None) -> None:
        original = getattr(owner, name)

        def timed(*args, **kwargs):
            if record is not None:
                record.append((args, kwargs))
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.spent[label] = self.spent.get(label, 0.0) + time.perf_counter() - started

        setattr(owner, name, timed)


def learner_time(path: Path, module_name: str, calls: list, repeats: int = 5) -> tuple:
    """(import seconds, seconds of all ``calls``) run in this process, best of ``repeats``."""
    imports, runs = [], []
    for _ in range(repeats):
        started = time.perf_counter()
        spec = importlib.util.spec_from_file_location(module_name, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        imports.append(time.perf_counter() - started)
        started = time.perf_counter()
        for (session, name, *rest), kwargs in calls:
            args = rest[0] if rest else kwargs.get("args", ())
            try:
                getattr(module, name)(*args, **(kwargs.get("kwargs") or {}))
            except Exception:  # noqa: BLE001 - the checks' bad inputs raise by design
                pass
        runs.append(time.perf_counter() - started)
    return min(imports), min(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=200)
    args = parser.parse_args()
    manifest = workspace.load_manifest(ROOT)
    kata = manifest.get("10.2")
    solution = ROOT / "solutions/10.2-mle/mle.py"
    timer = Timer()
    calls: list = []
    timer.wrap(staging, "stage", "staging")
    timer.wrap(LearnerSession, "open", OPEN)
    timer.wrap(LearnerSession, "call", CALLS, record=calls)
    timer.wrap(Journal, "append", "journal append")
    totals = []
    with tempfile.TemporaryDirectory() as folder, grading.Grader(manifest) as grader:
        journal = Journal(Path(folder) / "journal.jsonl")
        journal.start(1)
        grader.grade(kata, solution, 1)  # warm: reference values are computed once per seed
        timer.spent.clear()
        calls.clear()
        for number in range(args.submissions):
            started = time.perf_counter()
            result = grader.grade(kata, solution, 1)
            journal.append(f"s{number}", "digest", "checks", result)
            totals.append(time.perf_counter() - started)
            if number == 0:
                one_submission = list(calls)
    imported, called = learner_time(solution, kata.module_name, one_submission)
    n = args.submissions
    total = sum(totals)
    parts = dict(timer.spent)
    parts["checks' own work and the rest"] = total - sum(parts.values())
    learner = imported + called
    print(f"{n} submissions of the reference solution, kata 10.2 ({len(one_submission)} learner calls each), "
          f"one grader, one process")
    print(f"  per submission: {1000 * total / n:.2f} ms wall (median {1000 * statistics.median(totals):.2f} ms)")
    for label, seconds in sorted(parts.items(), key=lambda item: -item[1]):
        print(f"    {label:<45} {1000 * seconds / n:7.2f} ms")
    print(f"  the learner's own time (replayed in-process): import {1000 * imported:.2f} ms, "
          f"calls {1000 * called:.2f} ms")
    print(f"  the grader's overhead (all but the learner's own time): "
          f"{1000 * (total / n - learner):.2f} ms per submission")


if __name__ == "__main__":
    main()
