"""Memory that finding a cohort's submissions holds, against the cohort's size.

    python bench/discovery_memory.py --sizes 2000 20000

For each size, that many student folders (each the reference solution of
kata 10.2) are written to a temporary folder, and discovered as
``kata grade`` does before grading: each submission read, hashed and kept
only as its pending task and its place in the gradebooks. Reported
(tracemalloc): what is held when discovery ends, and the peak during it,
per submission.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.cohort.run import _identity  # noqa: E402
from grader.core.submission import discover  # noqa: E402


def measure(size: int, folder: Path) -> tuple:
    source = (ROOT / "solutions/10.2-mle/mle.py").read_text()
    cohort = folder / str(size)
    for i in range(size):
        (cohort / f"student{i:06d}").mkdir(parents=True)
        (cohort / f"student{i:06d}" / "mle.py").write_text(source)
    scratch = folder / f"scratch{size}"
    scratch.mkdir()
    tracemalloc.start()
    pending, order = [], []
    for sub in discover(cohort, "mle.py", "katas/10.2-mle/mle.py", scratch, "plain"):
        order.append((sub.student, _identity(sub)))
        pending.append({"student": sub.student, "path": str(sub.path), "digest": sub.digest,
                        "files": {name: str(path) for name, path in sub.files.items()}})
    held, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return held, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 20000])
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="kata-discovery-"))
    try:
        for size in args.sizes:
            held, peak = measure(size, folder)
            print(f"{size:>7} submissions: held {held / 2**20:6.1f} MiB ({held / size / 1024:.2f} KiB each), "
                  f"peak {peak / 2**20:6.1f} MiB ({peak / size / 1024:.2f} KiB each)")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
