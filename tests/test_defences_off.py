"""Each defence shown necessary: the attacks of tests/test_hostile.py and tests/test_integrity.py, with the
layers that stop them turned off (``KATA_SANDBOX_OFF``), succeed. A test that cannot fail proves nothing.

Where two layers stop an attack (Landlock and a network namespace both refuse TCP), both are turned off.
Turning off a layer this machine's plan does not have changes nothing, so each set names the layers of
root's plan and of an ordinary user's. A case runs only where the plan has the layer it shows (under CI,
where the machine can give it, it must: see tests/conftest.py).

The attacks are test_hostile.py's, the same bodies in ``add`` of the tiny fixture kata, built by its
``hostile``: none of them needs kata 10.2, and a fork server preloading numpy alone starts several times
faster than one preloading scipy as well.
"""

import ctypes
import json
import os
import shutil
import signal
import socket
import time
import uuid
from pathlib import Path

import pytest
from conftest import copy_tiny, needs, processes_with
from test_hostile import (
    ADDRESS_SPACE,
    DAEMON,
    FORKS,
    MEMORY_THROUGH_CHILDREN,
    OPEN_FILES,
    READ,
    SCRATCH_FILL,
    SETUID,
    TCP,
    UDP,
    WRITE,
    hostile,
    lost,
    small_memory_kata,
)

from grader.core import grading
from grader.learner import workspace


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """The tiny workspace, this module's own, with its 3 s call limit: writing 120 MB of scratch to the host's
    disk per call took over a second on a busy machine (no attack here waits for a limit: each ends by itself
    once it has gained what it wanted)."""
    return workspace.load_manifest(copy_tiny(tmp_path_factory.mktemp("defences-off") / "ws", time_limit=3))


@pytest.fixture(scope="module")
def kata(tiny):
    return tiny.get("0.1")


@pytest.fixture(scope="module")
def without(tiny):
    """``without(layers)``: a grader of the tiny kata whose fork server was started with ``layers`` turned off."""
    started = {}

    def grader_for(layers: str):
        key = frozenset(layers.split(","))  # the same layers in another order: the same grader
        if key not in started:
            before = os.environ.get("KATA_SANDBOX_OFF")
            os.environ["KATA_SANDBOX_OFF"] = layers
            try:
                started[key] = grading.Grader(tiny).__enter__()
            finally:
                if before is None:
                    os.environ.pop("KATA_SANDBOX_OFF")
                else:
                    os.environ["KATA_SANDBOX_OFF"] = before
        return started[key]

    yield grader_for
    for grader in started.values():
        grader.__exit__(None, None, None)


def succeeded(grader, kata, path) -> bool:
    """Whether the attack in ``path`` succeeded: add returned its wrong value, and nothing else failed."""
    result = grader.grade(kata, path, 8)
    assert result.status == "graded", result.error
    failed = [c for c in result.checks if not c.passed]
    assert lost(result) <= {"add"}, [c.message for c in failed]
    assert all(c.outcome == "failed" for c in failed), [c.message for c in failed]  # a wrong value, not a crash
    return bool(failed)


@needs("landlock")
def test_without_landlock_and_namespaces_the_solution_is_read(without, kata, tmp_path):
    # With namespaces, the worker's own uid cannot enter the test's temporary folder either.
    path = hostile(tmp_path, READ, target=str(kata.solution_path))
    assert succeeded(without("landlock,namespaces"), kata, path)


@pytest.mark.parametrize("where", ["gradebook", "tmp"])
@needs("landlock")
def test_without_landlock_and_namespaces_the_gradebook_and_tmp_are_written(without, kata, tmp_path, where):
    gradebook, marker = tmp_path / "grades.csv", f"/tmp/kata-hostile-{uuid.uuid4().hex}"
    gradebook.write_text("student,score\n")
    path = hostile(tmp_path, WRITE, target=str(gradebook if where == "gradebook" else marker))
    try:
        assert succeeded(without("landlock,namespaces,user-namespace"), kata, path)
        if where == "gradebook":  # add runs the attack once per check of it
            assert gradebook.read_text().startswith("student,score\nowned")
        else:
            assert os.path.exists(marker)
    finally:
        if os.path.exists(marker):
            os.remove(marker)


@needs("private-files")
def test_without_private_files_the_scratch_takes_the_hosts_disk(without, kata, tmp_path):
    # The kata's 3 s limit: 120 MB to the host's disk per call can take over a second on a busy machine.
    assert succeeded(without("namespaces,user-namespace"), kata, hostile(tmp_path, SCRATCH_FILL))


@needs("no-network")
def test_without_namespaces_landlock_and_seccomp_loopback_tcp_is_reached(without, kata, tmp_path):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(5)
    path = hostile(tmp_path, TCP, port=listener.getsockname()[1])
    try:
        assert succeeded(without("namespaces,landlock,seccomp"), kata, path)
        listener.accept()[0].close()
    finally:
        listener.close()


@needs("no-network")
def test_without_namespaces_and_seccomp_udp_reaches_loopback(without, kata, tmp_path):
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    receiver.settimeout(5)
    path = hostile(tmp_path, UDP, port=receiver.getsockname()[1])
    try:
        assert succeeded(without("namespaces,seccomp"), kata, path)
        assert receiver.recvfrom(10)[0] == b"x"
    finally:
        receiver.close()


@needs("namespaces", "landlock-6")
def test_without_namespaces_and_landlock_the_grader_is_signalled_and_read(without, kata, tmp_path):
    path = hostile(tmp_path, "os.kill({pid}, 0); return len(open('/proc/{pid}/environ', 'rb').read(64)) > 0",
                   pid=os.getpid())  # signal 0: permission asked, nothing sent
    assert succeeded(without("namespaces,landlock"), kata, path)


@needs("namespaces")
def test_without_namespaces_a_worker_is_root(without, kata, tmp_path):
    assert succeeded(without("namespaces"), kata, hostile(tmp_path, SETUID))


@needs("seccomp")
def test_without_namespaces_and_seccomp_a_daemon_outlives_its_worker(without, kata, tmp_path):
    token = f"kata-daemon-{uuid.uuid4().hex}"
    path = hostile(tmp_path, DAEMON, token=token)
    without("namespaces,user-namespace,seccomp").grade(kata, path, 8)
    time.sleep(0.3)
    survivors = processes_with(token)
    for pid in survivors:
        os.kill(pid, signal.SIGKILL)
    assert survivors


@needs("process-cap")
def test_without_rlimits_a_worker_starts_a_hundred_processes(without, kata, tmp_path):
    assert succeeded(without("rlimits"), kata, hostile(tmp_path, FORKS))


@pytest.mark.parametrize("attack", [ADDRESS_SPACE, OPEN_FILES])
@needs("rlimits")
def test_without_rlimits_memory_and_files_are_taken(without, kata, tmp_path, attack):
    assert succeeded(without("rlimits"), kata, hostile(tmp_path, attack))


@needs("memory-group")
def test_without_a_memory_group_children_hold_more_than_the_cap(without, tmp_path):
    # Four children of 100 MB share their grading job's one core: filling them took over 2.5 s once in a full test
    # run, so they get 8 s here, within the 10 s limit (the defence-on case needs no such wait: it ends when the
    # group kills a child).
    assert succeeded(without("memory-group"), small_memory_kata(tmp_path, time_limit=10),
                     hostile(tmp_path, MEMORY_THROUGH_CHILDREN, patience=8))


# --- the cohort's attacks (tests/test_integrity.py) ------------------------------------------

@needs("private-files")
def test_without_private_files_colluding_workers_share_memory(ws_tiny, tmp_path, monkeypatch):
    from test_integrity import attacker, grade, score

    key = 0x4B420000 + os.getpid() % 0xFFFF
    libc = ctypes.CDLL(None, use_errno=True)
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "a_writer.py").write_text(attacker(f"""
        return libc.shmget({key}, 4096, 0o1666) < 0  # System V shared memory outlives its worker
    """, prelude="libc = ctypes.CDLL(None, use_errno=True)"))
    (subs / "b_reader.py").write_text(attacker(f"""
        return libc.shmget({key}, 0, 0) >= 0
    """, prelude="libc = ctypes.CDLL(None, use_errno=True)"))
    monkeypatch.setenv("KATA_SANDBOX_OFF", "namespaces,user-namespace")
    try:
        grades = grade(ws_tiny, subs, tmp_path)
        assert score(grades["a_writer"]) == 4 and score(grades["b_reader"]) == 2  # it found the other's answers
    finally:
        segment = libc.shmget(key, 0, 0)
        if segment >= 0:
            libc.shmctl(segment, 0, None)  # IPC_RMID


@needs("seccomp")
def test_without_seccomp_a_host_unix_socket_is_reached(ws_tiny, tmp_path, monkeypatch):
    from test_integrity import attacker, grade, score

    if not os.access("/var/tmp", os.W_OK):
        pytest.skip("/var/tmp is not writable here")
    folder = Path("/var/tmp") / f"kata-test-{uuid.uuid4().hex[:8]}"  # no private folder covers it
    folder.mkdir()
    os.chmod(folder, 0o777)
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(folder / "s.sock"))
    os.chmod(folder / "s.sock", 0o777)
    listener.listen()
    listener.settimeout(5)
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "caller.py").write_text(attacker(f"""
        s = socket.socket(socket.AF_UNIX)
        s.connect({str(folder / 's.sock')!r})
        return True
    """))
    monkeypatch.setenv("KATA_SANDBOX_OFF", "seccomp")
    try:
        assert score(grade(ws_tiny, subs, tmp_path)["caller"]) == 2
        listener.accept()[0].close()
    finally:
        listener.close()
        shutil.rmtree(folder)


@pytest.fixture
def ws_tiny(tmp_path):
    return copy_tiny(tmp_path / "ws")


@pytest.mark.xdist_group("cpu-load")  # as test_integrity's CPU-load tests: never beside another that loads every CPU
@needs("control-groups", "seccomp", "namespaces")  # namespaces: the hog's spinners end with its worker
def test_without_control_groups_and_seccomp_a_hog_makes_honest_neighbours_time_out(tmp_path, monkeypatch):
    """The hog's 60 spinners, each in a session of its own (seccomp refuses setsid) and so each an autogroup of the
    scheduler's, take the honest job's core (its control group gave each job one). With either layer on, no
    honest call times out here (test_integrity.py; measured with each turned off alone)."""
    from test_integrity import grade, hog_cohort, score

    monkeypatch.setenv("KATA_SANDBOX_OFF", "control-groups,seccomp")
    grades = grade(*hog_cohort(tmp_path), tmp_path, "--out", str(tmp_path / "g.json"), jobs=2)
    assert grades["a_hog"]["status"] == "error"
    honest = next(row for row in json.loads((tmp_path / "g.json").read_text()) if row["student"] == "honest_0")
    assert score(grades["honest_0"]) < 4 and any("timed out" in check["message"] for check in honest["checks"]), \
        honest  # the first honest student's calls meet the hog's import
