"""What a worker costs with each sandbox layer: start, import, one call, end.

    python bench/sandbox_cost.py [--runs 200]

Each configuration runs in its own fork server (KATA_SANDBOX=off|landlock|full);
the table gives the median and 90th percentile over the runs, in milliseconds.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LEARNER = "import numpy as np\ndef f(x):\n    return float(np.sum(x))\n"


def measure(runs: int) -> dict:
    from grader import launch
    from grader.limits import Limits
    from grader.session import LearnerSession
    import numpy as np

    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "learner.py")
    Path(path).write_text(LEARNER)
    server = launch.ForkServer(("numpy", "scipy.optimize", "scipy.stats"))
    server.ensure_started()
    times = {"start+import": [], "call": [], "end": []}
    data = np.arange(100.0)
    for _ in range(runs + 5):
        session = LearnerSession(server, path, "learner", time_limit=5, import_time_limit=30, limits=Limits())
        t0 = time.perf_counter()
        session.open()
        t1 = time.perf_counter()
        session.call("f", (data,))
        t2 = time.perf_counter()
        session.close()
        t3 = time.perf_counter()
        for key, value in zip(times, (t1 - t0, t2 - t1, t3 - t2)):
            value_ms = 1000 * value
            times[key].append(value_ms)
    server.stop()
    return {key: values[5:] for key, values in times.items()}  # the first few warm caches


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--inner", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        result = measure(args.runs)
        print(" ".join(f"{k}={statistics.median(v):.2f}/{statistics.quantiles(v, n=10)[-1]:.2f}"
                       for k, v in result.items()))
        return
    print(f"{'layers':<10} {'start+import':>16} {'call':>14} {'end':>14}   (median/p90, ms; {args.runs} runs)")
    for layers in ("off", "landlock", "full"):
        env = {**os.environ, "KATA_SANDBOX": layers}
        out = subprocess.run([sys.executable, __file__, "--inner", "1", "--runs", str(args.runs)],
                             env=env, capture_output=True, text=True, check=True).stdout.split()
        cells = dict(item.split("=") for item in out)
        print(f"{layers:<10} {cells['start+import']:>16} {cells['call']:>14} {cells['end']:>14}")


if __name__ == "__main__":
    main()
