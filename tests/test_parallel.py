"""Grading processes: each owns its fork server alone, dies with its parent, and costs at most its submission."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from conftest import TINY, alive_after, copy_tiny

from grader.cohort import executors
from grader.core.files import RunFolder
from grader.learner.workspace import load_manifest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="grading processes fork (Linux)")

SOLUTION = (TINY / "solutions/0.1-tiny/tiny.py").read_text()
HANGS = SOLUTION.replace("    return a + b", "    while True:\n        pass")


def tasks(tmp_path: Path, count: int, source: str = SOLUTION) -> list:
    found = []
    for i in range(count):
        path = tmp_path / "subs" / f"s{i}" / "tiny.py"
        path.parent.mkdir(parents=True)
        path.write_text(source)
        found.append({"student": f"s{i}", "path": str(path), "digest": str(i), "files": {"tiny.py": str(path)}})
    return found


@pytest.fixture
def processes(tmp_path):
    manifest = load_manifest(copy_tiny(tmp_path / "ws"))
    with RunFolder("test") as folder:
        executor = executors.local(manifest, manifest.get("0.1"), 7, 2, folder.path)
        assert isinstance(executor, executors.GradingProcesses)
        yield executor
        executor.close()


def graded(executor, pending) -> dict:
    return {task["student"]: result for task, result in
            (event for event in executor.results(pending) if event is not None)}


def socket_inodes(pid: int) -> set:
    """The sockets process ``pid`` holds, by inode (``socket:[123]`` in /proc/PID/fd)."""
    found = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            found.add(target)
    return found


def test_each_grading_process_holds_a_fork_server_connection_no_other_process_holds(processes):
    """The pristine fork server's connection is the parent's alone, and each grading process has one of its
    own that neither the parent nor a sibling holds. (Sockets the parent held before the run, as a test
    process does, are inherited by every child and are nobody's connection of this run.)"""
    with processes:
        pids = [child.pid for child in processes.children]
        held = {pid: socket_inodes(pid) for pid in pids}
        parent = socket_inodes(os.getpid())
        pristine = f"socket:[{os.fstat(processes.grader.launcher._ctrl.fileno()).st_ino}]"
        assert pristine in parent and all(pristine not in held[pid] for pid in pids)  # the parent's alone
        own = {pid: held[pid] - parent for pid in pids}  # what the parent does not hold
        for pid in pids:
            assert own[pid], "a grading process holds a fork server connection of its own"
            assert all(not own[pid] & held[other] for other in pids if other != pid)  # no sibling holds it


def test_a_grading_process_that_died_while_idle_is_replaced_before_it_gets_a_task(processes, tmp_path):
    with processes:
        idle = processes.children[1].pid
        os.kill(idle, signal.SIGKILL)
        os.waitpid(idle, 0)
        results = graded(processes, tasks(tmp_path, 6))
    assert sorted(results) == [f"s{i}" for i in range(6)]
    assert {r.score for r in results.values()} == {4.0}  # no row lost to the dead process


def test_a_grading_process_that_dies_holding_a_task_costs_that_task_only(processes, tmp_path, monkeypatch):
    grade = executors.grade_task

    def dies_on_s1(grader, kata, seed, task, launcher):
        if task["student"] == "s1":
            os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer would
        return grade(grader, kata, seed, task, launcher)

    monkeypatch.setattr(executors, "grade_task", dies_on_s1)  # before the grading processes fork
    with processes:
        results = graded(processes, tasks(tmp_path, 4))
    assert results["s1"].status == "error" and results["s1"].retry
    assert results["s1"].error == "internal grading error: the grading process ended unexpectedly"
    assert {s: r.score for s, r in results.items() if s != "s1"} == {"s0": 4.0, "s2": 4.0, "s3": 4.0}


def test_closing_ends_every_process_it_started(processes, tmp_path):
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    with processes:
        started = {p.pid for p in psutil.Process().children(recursive=True)} - before
        assert len(started) >= 3  # two grading processes and the pristine fork server, at least
    assert alive_after(started) == set()


def test_killing_kata_grade_outright_ends_its_grading_processes_fork_servers_and_workers(tmp_path):
    """SIGKILL gives kata no chance to clean up: the grading processes die with it (PR_SET_PDEATHSIG), their
    fork servers with their control sockets, and the workers with their fork servers."""
    ws = copy_tiny(tmp_path / "ws", time_limit=30)
    subs = tmp_path / "subs"
    for i in range(4):
        (subs / f"s{i}").mkdir(parents=True)
        (subs / f"s{i}" / "tiny.py").write_text(HANGS)
    proc = subprocess.Popen([sys.executable, "-m", "grader", "--root", str(ws), "grade", "0.1", str(subs),
                             "--out", str(tmp_path / "g.csv"), "--jobs", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    family, workers = [], []
    try:
        kata = psutil.Process(proc.pid)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(kata.children(recursive=True)) < 5:
            time.sleep(0.1)  # two grading processes, the pristine fork server, clones and workers
        family = kata.children(recursive=True)
        assert len(family) >= 5, family
        workers = [p for f in family if f.is_running() for p in f.children(recursive=True)]
        os.kill(proc.pid, signal.SIGKILL)  # not the process group: kata alone
        proc.wait()
        assert alive_after([p.pid for p in family + workers], within=20) == set()
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        for leftover in family + workers:  # none, unless the test failed: leave nothing behind either way
            try:
                leftover.kill()
            except psutil.Error:
                pass
