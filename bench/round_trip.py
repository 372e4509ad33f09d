"""What one learner call costs beyond the learner's own work, and the floor under it.

    python bench/round_trip.py [--passes 20]

1. The floor: two processes passing a 20-byte message back and forth over a
   socket pair (what any process boundary costs on this machine), with the
   sender busy for 0, 100 and 300 µs between messages, as a check is.
2. kata's channel and codec with both ends in one process (no process
   switch): a realistic request (three arrays) and answer.
3. The 79 calls that kata 10.2's checks make on the reference solution,
   replayed through a warm sandboxed worker, against the same calls run
   in-process: the mechanism's cost per call, in steady state, and the
   trusted process's CPU per call.
4. The same 79 calls sent all at once and answered in order (no check could
   batch more: the best any batching of calls could do), against one at a
   time.

Medians; microseconds.
"""

from __future__ import annotations

import argparse
import os
import resource
import select
import shutil
import socket
import statistics
import sys
import tempfile
import time
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from grader.core import grading
from grader.core.session import LearnerSession  # noqa: E402
from grader.learner import workspace
from grader.workers.client import launchers  # noqa: E402
from grader.workers.inside.limits import Limits  # noqa: E402
from grader.workers.wire.channel import Channel  # noqa: E402


def floor(rounds: int = 2000) -> None:
    ours, theirs = socket.socketpair()
    pid = os.fork()
    if pid == 0:
        ours.close()
        while True:
            data = theirs.recv(100)
            if not data:
                os._exit(0)
            theirs.send(data)
    theirs.close()
    for busy in (0, 100, 300):
        times = []
        for _ in range(rounds):
            until = time.perf_counter() + busy / 1e6
            while time.perf_counter() < until:
                pass
            started = time.perf_counter()
            ours.send(b"x" * 20)
            select.select([ours], [], [], 1)
            ours.recv(100)
            times.append(time.perf_counter() - started)
        print(f"   socket pair round trip, sender busy {busy:3d} µs between: {1e6 * statistics.median(times):6.1f} µs")
    ours.close()
    os.waitpid(pid, 0)


def channel_in_one_process(rounds: int = 3000) -> None:
    left, right = socket.socketpair()
    a, b = Channel(left.fileno(), left.fileno()), Channel(right.fileno(), right.fileno())
    x = np.linspace(0, 1, 40)
    request = {"op": "call", "fn": "linear_regression_nll", "args": [np.array([1.0, 0, 0]), x, x], "kwargs": {}}
    answer = {"ok": 12.5, "out": ""}

    def one():
        a.send(request)
        b.recv()
        b.send(answer)
        return a.recv(5.0)

    print(f"   kata's channel and codec, both ends in one process: "
          f"{1e6 * timeit.timeit(one, number=rounds) / rounds:6.1f} µs per round trip")


def recorded_calls() -> list:
    manifest = workspace.load_manifest(ROOT)
    kata = manifest.get("10.2")
    calls = []
    original = LearnerSession.call

    def call(self, name, args=(), kwargs=None):
        calls.append((name, args, kwargs or {}))
        return original(self, name, args, kwargs)

    LearnerSession.call = call
    try:
        with grading.Grader(manifest) as grader:
            grader.grade(kata, ROOT / "solutions/10.2-mle/mle.py", 1)
    finally:
        LearnerSession.call = original
    return calls


def through_the_worker(passes: int) -> None:
    import importlib.util

    calls = recorded_calls()
    solution = ROOT / "solutions/10.2-mle/mle.py"
    spec = importlib.util.spec_from_file_location("mle", solution)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    folder = tempfile.mkdtemp(prefix="kata-bench-")
    shutil.copy(solution, os.path.join(folder, "mle.py"))
    server = launchers.ForkServer(("numpy", "scipy.optimize", "scipy.stats", "scipy.special"))
    session = LearnerSession(server, os.path.join(folder, "mle.py"), "mle", time_limit=5, import_time_limit=30,
                             limits=Limits())
    session.open()

    def run(call):
        spent = 0.0
        for name, args, kwargs in calls:
            started = time.perf_counter()
            try:
                call(name, args, kwargs)
            except Exception:  # noqa: BLE001 - the checks' bad inputs raise by design
                pass
            spent += time.perf_counter() - started
        return spent

    try:
        run(session.call)
        local, remote, cpu = [], [], [0.0, 0.0]
        for _ in range(passes):
            local.append(run(lambda name, args, kwargs: getattr(module, name)(*args, **kwargs)))
            before = resource.getrusage(resource.RUSAGE_SELF)
            remote.append(run(session.call))
            after = resource.getrusage(resource.RUSAGE_SELF)  # summed: a pass is a few clock ticks
            cpu[0] += after.ru_utime - before.ru_utime
            cpu[1] += after.ru_stime - before.ru_stime
        requests = [{"op": "call", "fn": name, "args": list(args), "kwargs": kwargs} for name, args, kwargs in calls]
        channel = session._worker.channel
        together, alone = [], []
        for _ in range(passes):
            started = time.perf_counter()
            for request in requests:
                channel.send(request)
            for _ in requests:
                channel.recv(10.0)
            together.append(time.perf_counter() - started)
            started = time.perf_counter()
            for request in requests:
                channel.send(request)
                channel.recv(10.0)
            alone.append(time.perf_counter() - started)
    finally:
        session.close()
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
    n = len(calls)
    per = lambda seconds: f"{1e6 * seconds / n:6.1f} µs"  # noqa: E731
    print(f"   {n} calls of kata 10.2's checks, a warm worker (full sandbox), median of {passes} passes:")
    print(f"     through the worker {per(statistics.median(remote))} per call; in-process {per(statistics.median(local))}")
    print(f"     the mechanism: {per(statistics.median(r - l for r, l in zip(remote, local)))} per call; "
          f"the trusted process's CPU: user {per(cpu[0] / passes)}, system {per(cpu[1] / passes)}")
    print("4. every call of a submission in one batch")
    print(f"   all {n} sent at once: {1000 * statistics.median(together):.2f} ms ({per(statistics.median(together))} "
          f"per call, the learner's work included); one at a time: {1000 * statistics.median(alone):.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passes", type=int, default=20)
    args = parser.parse_args()
    print("1. the floor: any process boundary on this machine")
    floor()
    print("2. without a process switch")
    channel_in_one_process()
    print("3. kata's calls in steady state")
    through_the_worker(args.passes)


if __name__ == "__main__":
    main()
