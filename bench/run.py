"""kata's speed, side by side with the naive approach, on this machine.

    python bench/run.py                      # everything, 5 runs each
    python bench/run.py --runs 3 --cohort 200 --large 2000 --naive-sample 40
    python bench/run.py --baseline HEAD~3 --only compare   # grade throughput before/after

1. ``kata check 10.2 --file <reference solution>`` against
   ``python -c "import numpy, scipy.optimize, scipy.stats"``; and in
   ``kata watch``, the time from saving the file to the complete report.
2. ``kata grade 10.2`` on a cohort (correct, buggy, crashing, raising) with
   ``--jobs 2`` and the full sandbox, against the naive approach: a fresh
   ``python -m pytest`` on the same checks per submission, the learner module
   imported in-process, 2 at a time (measured on a sample of the cohort: its
   cost per submission does not depend on the cohort's size). otter-grader
   is run too when it is installed.
3. Scaling: seconds per submission and peak memory (summed over every
   process of the run) for the cohort and for a cohort 10 times larger.
   Then the gradebooks' memory at 200, 2,000 and 20,000 journaled
   submissions, the grader's own overhead per submission and where it goes,
   and a local Dask cluster of 2 workers beside ``--jobs 2``.
4. With ``--baseline REV``: ``kata grade --jobs 2`` on the same cohort by the
   code at REV (a temporary git worktree) and by this checkout, runs
   alternating, so both meet the same machine load.

Prints medians and ratios; see docs/BENCHMARKS.md for a recorded run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUBS = ROOT / "tests" / "submissions"
KATA = [sys.executable, "-m", "grader", "--root", str(ROOT)]
MIX = (["correct_scipy", "correct_loops_math", "correct_nelder_mead", "integer_division", "no_validation",
        "forgot_log", "nan_at_edges", "ddof_one", "returns_variance", "swapped_return_order", "drops_two_pi",
        "sigma_not_squared", "forgot_exp", "nll_sign", "ignores_intercept", "sigma_n_minus_2", "naive_overflow",
        "logistic_mean", "logistic_sign", "fit_ignores_bias"] * 2
       + ["crashes_in_logistic_nll", "exits_in_fit_linear", "syntax_error", "raises_at_import"])
NAIVE_CONFTEST = '''
import importlib.util, sys, zlib
import numpy as np
import pytest

def pytest_addoption(parser):
    parser.addoption("--kata-file")

@pytest.fixture(scope="session")
def learner(request):
    path = request.config.getoption("--kata-file")
    sys.path.insert(0, str(__import__("pathlib").Path(path).parent))
    spec = importlib.util.spec_from_file_location("mle", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module

@pytest.fixture
def seed():
    return 1

@pytest.fixture
def rng(request, seed):
    return np.random.default_rng([seed, zlib.crc32(request.node.name.encode())])
'''


def build_cohort(folder: Path, size: int) -> Path:
    """``size`` students cycling through MIX, each a folder with mle.py and its helper."""
    folder.mkdir(parents=True)
    for i in range(size):
        name = MIX[i % len(MIX)]
        student = folder / f"s{i:05d}"
        student.mkdir()
        shutil.copy(SUBS / f"{name}.py", student / "mle.py")
        shutil.copy(SUBS / "correct_loops_math.py", student)
    return folder


def timed(command, **kwargs) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kwargs)
    return time.perf_counter() - started


def tree_rss(root_pid: int) -> int:
    """Resident memory of a process and all its descendants, in bytes."""
    children: dict = {}
    rss: dict = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
        rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def grade_run(cohort: Path, out: Path, checkout: Path = ROOT) -> tuple:
    """Wall time and peak memory of one ``kata grade --jobs 2 --force`` run by the code in ``checkout``."""
    command = [sys.executable, "-m", "grader", "--root", str(checkout), "grade", "10.2", str(cohort),
               "--out", str(out), "--jobs", "2", "--force", "--seed", "1"]
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=checkout)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, tree_rss(proc.pid))
        time.sleep(0.05)
    return time.perf_counter() - started, peak


def naive_run(cohort: Path, sample: int, work: Path) -> float:
    """Seconds per submission of a fresh pytest per submission, 2 at a time."""
    checks = work / "naive_checks"
    if not checks.exists():
        checks.mkdir()
        shutil.copy(ROOT / "katas/10.2-mle/checks/test_mle.py", checks)
        (checks / "conftest.py").write_text(NAIVE_CONFTEST)
    students = sorted(cohort.iterdir())[:sample]
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", str(checks)]
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda s: timed([*command, "--kata-file", str(s / "mle.py")], cwd=work), students))
    return (time.perf_counter() - started) / len(students)


def otter_available() -> bool:
    return shutil.which("otter") is not None


def median(values) -> float:
    return statistics.median(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cohort", type=int, default=200)
    parser.add_argument("--large", type=int, default=2000)
    parser.add_argument("--naive-sample", type=int, default=40)
    parser.add_argument("--baseline", metavar="REV", help="also compare grade throughput with the code at REV")
    parser.add_argument("--only", choices=["check", "compare", "cluster", "memory", "overhead"],
                        help="run only part 1 (kata check against the imports), the before/after comparison, "
                             "the Dask cluster against --jobs 2, gradebook memory against the cohort's size "
                             "(bench/memory.py), or the grader's overhead per submission (bench/overhead.py)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kata-bench-"))
    try:
        if args.only == "check":
            check_ratio(args)
        elif args.only == "cluster":
            cluster_rate(args, work)
        elif args.only in ("memory", "overhead"):
            subprocess.run([sys.executable, str(ROOT / "bench" / f"{args.only}.py")], check=True)
        elif args.only != "compare":
            report(args, work)
        if args.baseline:
            compare(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def compare(args, work: Path) -> None:
    """Grade throughput of the code at ``args.baseline`` against this checkout, runs alternating."""
    before = work / "baseline"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(before), args.baseline],
                   check=True, capture_output=True)
    try:
        cohort = work / "compare-cohort"
        if not cohort.exists():
            build_cohort(cohort, args.cohort)
        times: dict = {"before": [], "after": []}
        for _ in range(args.runs):
            times["before"].append(grade_run(cohort, work / "b.csv", before)[0])
            times["after"].append(grade_run(cohort, work / "a.csv", ROOT)[0])
        rate = {key: args.cohort / median(values) for key, values in times.items()}
        print(f"\n4. kata grade --jobs 2 on {args.cohort} submissions, {args.baseline} against this checkout "
              f"({args.runs} runs each, alternating, medians)")
        print(f"   {args.baseline:<12} {rate['before']:7.2f} submissions/s")
        print(f"   this checkout {rate['after']:7.2f} submissions/s   change "
              f"{100 * (rate['after'] / rate['before'] - 1):+.1f}% (target: no drop over 10%)")
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(before)], capture_output=True)


def cluster_rate(args, work: Path) -> None:
    """kata grade on a local Dask cluster of 2 single-threaded workers, beside --jobs 2 locally, runs alternating."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "start_new_session": True}
    processes = [subprocess.Popen([sys.executable, "-m", "dask", "scheduler", "--host", "127.0.0.1", "--port",
                                   str(port), "--no-dashboard"], **quiet)]
    processes += [subprocess.Popen([sys.executable, "-m", "dask", "worker", address, "--nthreads", "1",
                                    "--no-nanny", "--no-dashboard"], **quiet) for _ in range(2)]
    try:
        from distributed import Client

        time.sleep(2)
        with Client(address, timeout="60s") as client:
            client.wait_for_workers(2, timeout=120)
        cohort = build_cohort(work / "cluster-cohort", args.cohort)
        base = [sys.executable, "-m", "grader", "--root", str(ROOT), "grade", "10.2", str(cohort), "--force",
                "--seed", "1"]
        timed([*base, "--out", str(work / "warm.csv"), "--scheduler", address])  # workers build their graders
        times: dict = {"local": [], "cluster": []}
        for _ in range(args.runs):
            times["local"].append(timed([*base, "--out", str(work / "l.csv"), "--jobs", "2"]))
            times["cluster"].append(timed([*base, "--out", str(work / "c.csv"), "--scheduler", address]))
        rate = {key: args.cohort / median(values) for key, values in times.items()}
        print(f"cluster: kata grade on {args.cohort} submissions ({args.runs} runs each, alternating, medians)")
        print(f"   --jobs 2 on this machine                    {rate['local']:7.2f} submissions/s")
        print(f"   --scheduler, local cluster of 2 workers     {rate['cluster']:7.2f} submissions/s"
              f"   ({100 * (rate['cluster'] / rate['local'] - 1):+.1f}%: the cluster's overhead)")
    finally:
        for proc in processes:
            try:
                os.killpg(proc.pid, 9)
            except ProcessLookupError:
                pass
            proc.wait()


def check_ratio(args) -> None:
    """Part 1: ``kata check`` on the reference solution against importing numpy and scipy, alternating."""
    solution = ROOT / "solutions/10.2-mle/mle.py"
    imports, checks = [], []
    for _ in range(args.runs):
        imports.append(timed([sys.executable, "-c", "import numpy, scipy.optimize, scipy.stats"]))
        checks.append(timed([*KATA, "check", "10.2", "--file", str(solution)]))
    saves = watch_latency(max(args.runs, 5))
    print(f"1. kata check vs import ({args.runs} runs, medians)")
    print(f"   python -c 'import numpy, scipy.optimize, scipy.stats'   {median(imports):7.3f} s")
    print(f"   kata check 10.2 --file <solution>                       {median(checks):7.3f} s"
          f"   ratio {median(checks) / median(imports):.2f} (target <= 1.25)")
    print(f"   kata watch 10.2: a save to its complete report (median of {len(saves)}) {median(saves):7.3f} s"
          f"   ratio {median(saves) / median(imports):.2f} (target <= 0.25)")


def watch_latency(saves: int) -> list:
    """Seconds from writing the learner file to ``kata watch`` printing its complete report, per save."""
    with tempfile.TemporaryDirectory(prefix="kata-watch-") as folder:
        ws = Path(folder)
        for name in ("katas", "solutions"):
            shutil.copytree(ROOT / name, ws / name)
        shutil.copy(ROOT / "kata.yaml", ws / "kata.yaml")
        learner, solution = ws / "katas/10.2-mle/mle.py", (ROOT / "solutions/10.2-mle/mle.py").read_text()
        learner.write_text(solution)
        proc = subprocess.Popen([sys.executable, "-m", "grader", "--root", str(ws), "watch", "10.2"],
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                text=True)

        def report_done() -> None:
            while not proc.stdout.readline().startswith("watching mle.py"):
                pass

        try:
            report_done()
            times = []
            for number in range(saves):
                time.sleep(0.5)  # a learner's saves are seconds apart
                started = time.perf_counter()
                learner.write_text(solution + f"\n# save {number}\n")
                report_done()
                times.append(time.perf_counter() - started)
            return times
        finally:
            proc.kill()
            proc.wait()


def report(args, work: Path) -> None:
    check_ratio(args)

    cohort = build_cohort(work / "cohort", args.cohort)
    runs = [grade_run(cohort, work / "g.csv") for _ in range(args.runs)]
    kata_rate = args.cohort / median(t for t, _ in runs)
    naive = [naive_run(cohort, args.naive_sample, work) for _ in range(args.runs)]
    naive_rate = 1 / median(naive)
    print(f"\n2. grading {args.cohort} submissions, 2 at a time ({args.runs} runs, medians)")
    print(f"   naive: fresh pytest per submission ({args.naive_sample} sampled)  {naive_rate:7.2f} submissions/s")
    print(f"   kata grade --jobs 2 (full sandbox)                     {kata_rate:7.2f} submissions/s"
          f"   ratio {kata_rate / naive_rate:.1f}x (target >= 30)")
    if otter_available():
        print("   otter-grader is installed but its assignment format differs; not run by this script")
    else:
        print("   otter-grader: not installed, not measured")

    large = build_cohort(work / "large", args.large)
    large_runs = [grade_run(large, work / "large.csv") for _ in range(max(1, args.runs // 2))]
    small_s = median(t for t, _ in runs) / args.cohort
    large_s = median(t for t, _ in large_runs) / args.large
    small_mem = median(m for _, m in runs) / 2**20
    large_mem = median(m for _, m in large_runs) / 2**20
    print(f"\n3. scaling, {args.cohort} -> {args.large} submissions")
    print(f"   seconds per submission   {small_s * 1000:7.2f} ms -> {large_s * 1000:7.2f} ms"
          f"   change {100 * (large_s / small_s - 1):+.1f}% (target within 15%)")
    print(f"   peak memory of the run   {small_mem:7.1f} MiB -> {large_mem:7.1f} MiB"
          f"   change {100 * (large_mem / small_mem - 1):+.1f}% (target within 15%)")

    print("\n4. memory of the gradebooks against the cohort's size (bench/memory.py)")
    subprocess.run([sys.executable, str(ROOT / "bench" / "memory.py"), "--sizes", "200", "2000", "20000"], check=True)
    print("\n5. the grader's own overhead per submission (bench/overhead.py)")
    subprocess.run([sys.executable, str(ROOT / "bench" / "overhead.py")], check=True)
    print("\n6. the Dask cluster against --jobs 2")
    cluster_rate(args, work)


if __name__ == "__main__":
    main()
