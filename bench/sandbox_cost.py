"""What a worker costs with each sandbox layer: start, import, one call, end.

    python bench/sandbox_cost.py [--runs 200] [--rounds 5]

Four fork servers run at once, one per configuration (KATA_SANDBOX=off,
landlock, full without its memory group per worker, full), and take turns
worker by worker, so every configuration meets the same machine load, in an order shuffled worker by worker: a
worker's start overlaps the teardown of the worker before it (its namespaces,
its tmpfs), so a fixed order charged one configuration for another's (run as
an ordinary user, where ``full`` and ``full-mem`` are the same configuration,
the one that always followed ``full-mem`` measured 1.4 ms slower a worker).
The order the fork servers start in rotates round by round. Each
round starts fresh fork servers; the table gives the median over the rounds
of each round's median and 90th percentile, in milliseconds, and the last
lines what the full sandbox adds to a worker (start, import and end) over
``off``, and what the memory group adds over ``full-mem``: per round, the
median of the worker-by-worker differences.

Run as an ordinary user, ``full`` is that user's sandbox (a user namespace
instead of root's namespaces, no control groups) and ``full-mem`` the same.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LEARNER = "import numpy as np\ndef f(x):\n    return float(np.sum(x))\n"
CONFIGS = {"off": {"KATA_SANDBOX": "off"}, "landlock": {"KATA_SANDBOX": "landlock"},
           "full-mem": {"KATA_SANDBOX": "full", "KATA_SANDBOX_OFF": "memory-group"}, "full": {"KATA_SANDBOX": "full"}}
LAYERS = tuple(CONFIGS)
PRELOAD = ("numpy", "scipy.optimize", "scipy.stats")


def servers(shift: int) -> dict:
    """One started fork server per configuration, started in an order rotated by ``shift`` (the one started
    last measured about 1.5 ms slower a worker, whatever its configuration)."""
    from grader.workers.client import launchers as launch

    started = {}
    names = list(CONFIGS)
    for layers in names[shift % len(names):] + names[:shift % len(names)]:
        environment = CONFIGS[layers]
        os.environ.update(environment)  # read by the fork server when it starts
        started[layers] = launch.ForkServer(PRELOAD)
        started[layers].ensure_started()
        for name in environment:
            os.environ.pop(name)
    return {layers: started[layers] for layers in CONFIGS}


def one_worker(server, path: str, data) -> tuple:
    from grader.core.session import LearnerSession
    from grader.workers.inside.limits import Limits

    session = LearnerSession(server, path, "learner", time_limit=5, import_time_limit=30, limits=Limits())
    t0 = time.perf_counter()
    session.open()
    t1 = time.perf_counter()
    session.call("f", (data,))
    t2 = time.perf_counter()
    session.close()
    t3 = time.perf_counter()
    return 1000 * (t1 - t0), 1000 * (t2 - t1), 1000 * (t3 - t2)


def round_of(runs: int, path: str, shift: int = 0) -> dict:
    """``{layers: [(start+import, call, end), ...]}`` for one round, workers interleaved."""
    import numpy as np

    data = np.arange(100.0)
    running = servers(shift)
    times: dict = {layers: [] for layers in LAYERS}
    try:
        order = random.Random(shift)
        for number in range(runs + 5):
            turn = list(running)
            order.shuffle(turn)  # a worker's start overlaps its predecessor's teardown: no fixed predecessors
            for layers in turn:
                server = running[layers]
                measured = one_worker(server, path, data)
                if number >= 5:  # the first few warm caches
                    times[layers].append(measured)
    finally:
        for server in running.values():
            server.stop()
    return times


def summary(values: list) -> tuple:
    return statistics.median(values), statistics.quantiles(values, n=10)[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    path = os.path.join(tempfile.mkdtemp(), "learner.py")
    Path(path).write_text(LEARNER)
    rounds = [round_of(args.runs, path, number) for number in range(args.rounds)]
    print(f"{'layers':<10} {'start+import':>16} {'call':>14} {'end':>14}   "
          f"(median/p90, ms; {args.runs} workers x {args.rounds} rounds)")
    for layers in LAYERS:
        cells = []
        for column in range(3):
            per_round = [summary([w[column] for w in r[layers]]) for r in rounds]
            cells.append("/".join(f"{statistics.median(p[i] for p in per_round):.2f}" for i in (0, 1)))
        print(f"{layers:<10} {cells[0]:>16} {cells[1]:>14} {cells[2]:>14}")
    for more, less, what in (("full", "off", "full sandbox"), ("full", "full-mem", "memory group")):
        added = [statistics.median(f[0] + f[2] - o[0] - o[2] for f, o in zip(r[more], r[less])) for r in rounds]
        print(f"{what} adds {statistics.median(added):.2f} ms per worker (median of {args.rounds} rounds; "
              f"each: {', '.join(f'{a:.2f}' for a in added)})")


if __name__ == "__main__":
    main()
