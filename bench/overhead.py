"""Where a graded submission's wall time goes, per submission.

    python bench/overhead.py --submissions 200

Grades the reference solution of kata 10.2 (the same seed throughout, as in a
cohort) in one process with one grader and reports, per submission:

- the wall time, split by part: staging the files, opening the worker (the
  fork server's hand-over, the sandbox, the learner module's import), the
  learner's calls (sending, the worker, answering), the checks' own work
  (data, expected values, judging) and the journal's append;
- the trusted process's view: the time it waits for a worker (to answer a
  call or the import) against its own work (staging, hand-over, codec,
  checks, journal): the grader's overhead, with the worker's side counted
  as the learner's;
- the strict view: the learner's own time measured apart, every call the
  checks made replayed on the same module and arguments in a process forked
  from this one as a worker is (cold, median of 7), and the module's import
  likewise; everything else is the grader's overhead, the round trips and
  the sandbox included.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import pickle
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.cohort.journal import Journal  # noqa: E402
from grader.core import grading, staging
from grader.core.session import LearnerSession  # noqa: E402
from grader.learner import workspace
from grader.workers.wire.channel import Channel  # noqa: E402

CALLS = "learner calls: send, the worker, answer"
OPEN = "open: hand-over, sandbox, import"
WAIT = "waiting for the worker"


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


def learner_time(path: Path, module_name: str, calls: list, runs: int = 7) -> tuple:
    """Median (import seconds, seconds of all ``calls``), each run in a fresh fork of this process."""
    results = []
    for _ in range(runs):
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read)
            started = time.perf_counter()
            spec = importlib.util.spec_from_file_location(module_name, path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            imported = time.perf_counter() - started
            started = time.perf_counter()
            for (session, name, *rest), kwargs in calls:
                args = rest[0] if rest else kwargs.get("args", ())
                try:
                    getattr(module, name)(*args, **(kwargs.get("kwargs") or {}))
                except Exception:  # noqa: BLE001 - the checks' bad inputs raise by design
                    pass
            os.write(write, pickle.dumps((imported, time.perf_counter() - started)))
            os._exit(0)
        os.close(write)
        with os.fdopen(read, "rb") as handle:
            results.append(pickle.loads(handle.read()))
        os.waitpid(pid, 0)
    return statistics.median(r[0] for r in results), statistics.median(r[1] for r in results)


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
    timer.wrap(Channel, "_wait_readable", WAIT)
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
        journal.close()
    imported, called = learner_time(solution, kata.module_name, one_submission)
    n = args.submissions
    total = sum(totals)
    waited = timer.spent.pop(WAIT, 0.0)
    parts = dict(timer.spent)
    parts["checks' own work and the rest"] = total - sum(parts.values())
    ms = lambda seconds: f"{1000 * seconds / n:7.2f} ms"  # noqa: E731
    print(f"{n} submissions of the reference solution, kata 10.2 ({len(one_submission)} learner calls each), "
          f"one grader, one process")
    print(f"  per submission: {1000 * total / n:.2f} ms wall (median {1000 * statistics.median(totals):.2f} ms)")
    for label, seconds in sorted(parts.items(), key=lambda item: -item[1]):
        print(f"    {label:<45} {ms(seconds)}")
    print("  the trusted process's view:")
    print(f"    {WAIT + ' (calls, import)':<45} {ms(waited)}")
    print(f"    {'its own work: the grader overhead':<45} {ms(total - waited)}")
    print("  the strict view:")
    print(f"    {'the learner: import, calls (fresh fork)':<45} {1000 * imported:7.2f} ms, {1000 * called:.2f} ms")
    print(f"    {'all else: the grader overhead':<45} {1000 * (total / n - imported - called):7.2f} ms")
    checks = len(kata.checks)
    per_call = (parts[CALLS] / n - called) / len(one_submission)
    per_check = parts["checks' own work and the rest"] / n / checks
    fixed = total / n - imported - called - per_call * len(one_submission) - per_check * checks
    print(f"  for an author's budget: {1e6 * per_call:.0f} µs per learner call, {1e6 * per_check:.0f} µs per check "
          f"(its own work), {1000 * fixed:.2f} ms per submission besides (hand-over, sandbox, journal, staging)")


if __name__ == "__main__":
    main()
