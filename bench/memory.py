"""Peak memory of writing a cohort's gradebooks, against the cohort's size.

    python bench/memory.py --sizes 200 2000 20000 100000

For each size, a journal of that many graded submissions is simulated (the
reference solution's record of kata 10.2, under as many student names), and
a fresh process writes the CSV, JSON and JUnit gradebooks and the summary
from it, as ``kata grade`` does after grading. Reported: that process's peak
resident memory (ru_maxrss), and its growth over the smallest size.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import resource, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from grader.cohort.journal import Journal
from grader.cohort.outputs import Output, write_outputs
from grader.cohort.run import CohortRun, JournalRows
from grader.cohort.summary import summary_lines
from grader.learner import workspace

folder = Path(sys.argv[2])
manifest = workspace.load_manifest(Path(sys.argv[1]))
kata = manifest.get("10.2")
journal = Journal(folder / "journal.jsonl")
for student, entry in journal.entries.items():
    journal.current[student] = entry.offset
order = [(student, None) for student in sorted(journal.current)]
run = CohortRun(kata, 1, rows=JournalRows(journal, order))
outputs = [Output(folder / "g.csv", ".csv"), Output(folder / "g.json", ".json"), Output(folder / "g.xml", ".xml")]
write_outputs(run, outputs, None)
lines = summary_lines(run.rows, 1, 0, len(order))
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def simulate(folder: Path, size: int) -> None:
    sys.path.insert(0, str(ROOT))
    from grader.core import grading
    from grader.learner import workspace

    manifest = workspace.load_manifest(ROOT)
    kata = manifest.get("10.2")
    with grading.Grader(manifest) as grader:
        record = grader.grade(kata, ROOT / "solutions/10.2-mle/mle.py", 1).to_dict()
    with open(folder / "journal.jsonl", "w", encoding="utf-8") as handle:
        handle.write(json.dumps({"seed": 1}) + "\n")
        for number in range(size):
            line = {"student": f"student{number:06d}", "digest": f"{number:064x}", "checks": "c", "result": record}
            handle.write(json.dumps(line) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 2000, 20000, 100000])
    args = parser.parse_args()
    peaks = {}
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix="kata-memory-") as folder:
            simulate(Path(folder), size)
            done = subprocess.run([sys.executable, "-c", CHILD, str(ROOT), folder], capture_output=True, text=True,
                                  check=True)
            peaks[size] = int(done.stdout.split()[-1]) / 1024
    smallest = min(peaks)
    print("gradebooks (CSV, JSON, JUnit) and the summary written from a journal of N graded submissions")
    print(f"  {'N':>8}  {'peak memory':>12}  growth over N = {smallest}")
    for size, peak in peaks.items():
        print(f"  {size:>8}  {peak:9.1f} MiB  {100 * (peak / peaks[smallest] - 1):+6.1f}%")


if __name__ == "__main__":
    main()
