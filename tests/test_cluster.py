"""kata grade --scheduler on a real local Dask cluster: a scheduler and worker processes on 127.0.0.1."""

import csv
import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time

import forged
import pytest
from click.testing import CliRunner
from conftest import TINY, copy_tiny, spinning_workers

from grader.cli import main
from grader.workers.inside import protections, sandbox

pytest.importorskip("distributed")

# One cluster for the module, in one test process (pytest-xdist's loadgroup): its last test kills a worker.
pytestmark = pytest.mark.xdist_group("dask-cluster")

SOLUTION = (TINY / "solutions/0.1-tiny/tiny.py").read_text()
HANGS = SOLUTION.replace("    return a + b", "    while True:\n        pass")
WRONG = SOLUTION.replace("return a + b", "return a - b")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    """A scheduler and worker processes, each a process of its own, as `dask scheduler` / `dask worker` start them."""

    def __init__(self, workers: int):
        self.address = f"tcp://127.0.0.1:{free_port()}"
        port = self.address.rsplit(":", 1)[1]
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "start_new_session": True}
        self.scheduler = subprocess.Popen([sys.executable, "-m", "dask", "scheduler", "--host", "127.0.0.1",
                                           "--port", port, "--no-dashboard"], **quiet)
        self.workers = [subprocess.Popen([sys.executable, "-m", "dask", "worker", self.address, "--nthreads", "1",
                                          "--no-nanny", "--no-dashboard", "--death-timeout", "60"], **quiet)
                        for _ in range(workers)]
        self.wait_for(workers)

    def wait_for(self, count: int) -> None:
        from distributed import Client

        deadline = time.monotonic() + 120
        while True:
            try:
                with Client(self.address, timeout="5s") as client:
                    client.wait_for_workers(count, timeout=120)
                    return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)

    def stop(self) -> None:
        for proc in [*self.workers, self.scheduler]:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()


@pytest.fixture(scope="module")
def cluster():
    started = Cluster(workers=2)
    yield started
    started.stop()


def cohort(root, count=9, hanging=(0,)):  # two batches of grade_batch (cluster.BATCH is 8): both workers take one
    """Students s00, s01, ...: those numbered in ``hanging`` hang in add, every 4th from s01 gets add wrong."""
    subs = root / "subs"
    for i in range(count):
        (subs / f"s{i:02d}").mkdir(parents=True)
        source = HANGS if i in hanging else (WRONG if i % 4 == 1 else SOLUTION)
        (subs / f"s{i:02d}" / "tiny.py").write_text(source)
    return subs


def scores(count, hanging):
    """What cohort(count, hanging) scores: a hang or a wrong add costs add's two checks."""
    return {f"s{i:02d}": 2.0 if i in hanging or i % 4 == 1 else 4.0 for i in range(count)}


def grade(ws, subs, out, *extra):
    result = CliRunner().invoke(main, ["--root", str(ws), "grade", "0.1", str(subs), "--out", str(out),
                                       "--seed", "11", *extra])
    assert result.exit_code == 0, result.output
    return result


def masked_json(path):
    return re.sub(r'"duration": [0-9.e-]+', '"duration": 0', path.read_text())


def test_cluster_and_local_gradebooks_are_identical(cluster, tmp_path):
    # one student who hangs (two timeout rows, the same on the cluster as here) is enough: nothing is done to a
    # run while it hangs, so a short limit does (honest calls of the tiny kata take microseconds)
    ws = copy_tiny(tmp_path / "ws", time_limit=0.5)
    subs = cohort(tmp_path, hanging=(0,))
    remote = grade(ws, subs, tmp_path / "remote.json", "--scheduler", cluster.address)
    assert "on the Dask cluster at" in remote.output
    # each Dask worker probes its own machine: the header says what any of them lacks (here, as root: nothing)
    lacking = sorted(protections.missing(sandbox.probe(), "fork"))
    assert ("its workers have every protection" if not lacking else f"its workers lack: {', '.join(lacking)}") \
        in remote.output
    grade(ws, subs, tmp_path / "local.json", "--force")
    assert masked_json(tmp_path / "remote.json") == masked_json(tmp_path / "local.json")
    rows = {r["student"]: r for r in json.loads((tmp_path / "local.json").read_text())}
    assert {s: r["score"] for s, r in rows.items()} == scores(9, hanging=(0,))
    assert [c["message"].startswith("add(") and "timed out after 0.5 s" in c["message"]
            for c in rows["s00"]["checks"]] == [True, True, False, False]  # the hang is a timeout, on both


def test_the_environment_variable_names_the_scheduler(cluster, tmp_path, monkeypatch):
    ws = copy_tiny(tmp_path / "ws")
    subs = tmp_path / "subs"
    (subs / "ada").mkdir(parents=True)
    (subs / "ada" / "tiny.py").write_text(SOLUTION)
    monkeypatch.setenv("KATA_SCHEDULER", cluster.address)
    result = grade(ws, subs, tmp_path / "g.csv")
    assert "on the Dask cluster" in result.output
    assert list(csv.DictReader(io.StringIO((tmp_path / "g.csv").read_text())))[0]["score"] == "4"


def test_an_unreachable_scheduler_is_one_line(tmp_path):
    ws = copy_tiny(tmp_path / "ws")
    (tmp_path / "subs").mkdir()
    result = CliRunner().invoke(main, ["--root", str(ws), "grade", "0.1", str(tmp_path / "subs"), "--out",
                                       str(tmp_path / "g.csv"), "--scheduler", f"tcp://127.0.0.1:{free_port()}"])
    assert result.exit_code == 2 and result.output.count("\n") == 1 and "cannot reach the Dask scheduler" in result.output
    # said at once, with its cause: nothing listens there (Dask's own connect would retry until its timeout)
    assert "Connection refused" in result.output


def test_a_task_the_worker_cannot_grade_is_that_students_error_row(cluster, tmp_path):
    from distributed import Client

    from grader.cohort import cluster as remote
    from grader.learner.workspace import load_manifest

    ws = copy_tiny(tmp_path / "ws")
    manifest = load_manifest(ws)
    kata = manifest.get("0.1")
    good, bad = tmp_path / "good" / "tiny.py", tmp_path / "bad" / "tiny.py"
    for path in (good, bad):
        path.parent.mkdir()
        path.write_text(SOLUTION)
    pending = [{"student": "ada", "path": str(good), "digest": "a", "files": {"tiny.py": str(good)}},
               # a path no staging produces: the worker refuses to write it, for this student alone
               {"student": "bob", "path": str(bad), "digest": "b", "files": {"../tiny.py": str(bad)}}]
    with Client(cluster.address, timeout="30s") as client, remote.DaskBatches(client, manifest, kata, 11) as batches:
        results = {task["student"]: result for task, result in batches.results(pending)}
    assert results["ada"].status == "graded" and results["ada"].score == results["ada"].max_score
    assert results["bob"].status == "error" and "unsafe relative path" in results["bob"].error
    assert results["bob"].kata_fault  # graded again by the next run


def test_a_reply_bomb_costs_only_its_own_row_not_its_batchs(cluster, tmp_path):
    """Eight students make one batch; one of them answers every call with aliased arrays."""
    ws = copy_tiny(tmp_path / "ws")
    subs = tmp_path / "subs"
    for i in range(8):
        (subs / f"s{i}").mkdir(parents=True)
        (subs / f"s{i}" / "tiny.py").write_text(forged.forger(SOLUTION, forged.ALIASED) if i == 3 else SOLUTION)
    grade(ws, subs, tmp_path / "g.json", "--scheduler", cluster.address)
    rows = {r["student"]: r for r in json.loads((tmp_path / "g.json").read_text())}
    assert {s: r["score"] for s, r in rows.items() if s != "s3"} == {f"s{i}": 4.0 for i in range(8) if i != 3}
    assert rows["s3"]["status"] == "graded" and rows["s3"]["score"] == 0 and not rows["s3"].get("retry")
    assert all(c["outcome"] == "fault" for c in rows["s3"]["checks"])
    assert all(worker.poll() is None for worker in cluster.workers)  # no Dask worker died for it


def test_a_lost_worker_costs_only_a_retry(cluster, tmp_path):
    """Last in this module: it kills one of the module cluster's two workers, while that worker grades a batch,
    and the batch is graded again on the other (the scheduler's story of it says so)."""
    from distributed import Client

    # Each batch starts with a student who hangs: whichever batch the victim takes, the kill comes once it is in
    # that student's calls, which still hold it for nearly two time limits of the worker's own time.
    ws = copy_tiny(tmp_path / "ws", time_limit=0.5)
    hanging = (0, 8)  # the first of each batch (cluster.BATCH is 8)
    subs = cohort(tmp_path, count=12, hanging=hanging)
    command = [sys.executable, "-m", "grader", "--root", str(ws), "grade", "0.1", str(subs), "--out",
               str(tmp_path / "g.csv"), "--seed", "11", "--scheduler", cluster.address]
    with Client(cluster.address, timeout="30s") as observer:
        addresses = {pid: address for address, pid in observer.run(os.getpid).items()}
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            # the victim: the first worker found in a batch's hang (the scheduler may give both batches to one)
            victim, deadline = None, time.monotonic() + 120
            while victim is None and time.monotonic() < deadline and proc.poll() is None:
                victim = next((worker for worker in cluster.workers if spinning_workers(worker.pid)), None)
                time.sleep(0.02)
            assert victim is not None, "no worker ever ran a batch's hang"
            # the batches it holds now: the one it is in (one it had not begun may have been stolen by the other)
            address = addresses[victim.pid]
            held = [key for key in observer.processing(workers=[address]).get(address, ())
                    if "grade_batch" in str(key)]
            assert held, "the worker to kill held no batch"
            os.killpg(victim.pid, signal.SIGKILL)  # while it holds that batch
            out, err = proc.communicate(timeout=300)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        stories = observer.run_on_scheduler(lambda dask_scheduler, keys=held: [[tuple(t[:3]) for t in
                                                                                dask_scheduler.story(key)]
                                                                               for key in keys])
    assert proc.returncode == 0, err
    assert any(sum(1 for _, _, finish in story if finish == "processing") >= 2  # sent out again
               and any(finish == "memory" for _, _, finish in story)  # and finished there
               for story in stories), stories
    rows = list(csv.DictReader(io.StringIO((tmp_path / "g.csv").read_text())))
    assert [r["student"] for r in rows] == [f"s{i:02d}" for i in range(12)]
    journal_dir = ws / ".kata" / "journal"
    journaled = [json.loads(line).get("student") for line in next(journal_dir.glob("*.jsonl")).read_text().splitlines()]
    students = [s for s in journaled if s]
    assert sorted(students) == [f"s{i:02d}" for i in range(12)]  # every student once: none lost, none twice
    assert {r["student"]: float(r["score"]) for r in rows} == scores(12, hanging)
    assert all(r["status"] == "graded" for r in rows)  # the retry graded them: no row lost to the kill
