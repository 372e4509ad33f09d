"""The worker boundary: data crossing, exceptions, deadlines, crashes, replacement."""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from pathlib import Path

import numpy as np
import psutil
import pytest
from conftest import PLAN, alive, alive_after, needs, processes_with

from grader.core.session import (
    ImportFailed,
    LearnerError,
    LearnerProxy,
    LearnerSession,
    NotDefined,
    WorkerFault,
)
from grader.workers.client import launchers as launch
from grader.workers.inside.limits import Limits
from grader.workers.wire.codec import Opaque

LEARNER = textwrap.dedent('''
    import os, sys, time
    import numpy as np
    print("imported")
    def add(a, b): return a + b
    def scale(x, k=2): return np.asarray(x) * k
    def shape_of(x): return (x.shape, str(x.dtype), x.flags.writeable)
    def bad(x): raise ValueError(f"bad {x}")
    class Custom(KeyError): pass
    def custom(): raise Custom("nope")
    def unicode_error(): raise UnicodeDecodeError("utf-8", b"x", 0, 1, "boom")
    def interrupt(): raise KeyboardInterrupt()
    def sleep(): time.sleep(60)
    def die(): os._exit(7)
    def leave(): sys.exit(2)
    def obj(): return object()
    def counter():
        global COUNT
        COUNT = globals().get("COUNT", 0) + 1
        return COUNT
    def spawn(token, then_hang):
        import subprocess
        subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", token])
        if then_hang:
            time.sleep(60)
''')


@pytest.fixture(params=["fork", "spawn"])
def launcher(request, monkeypatch):
    monkeypatch.setenv("KATA_SECRET_TOKEN", "not for learners")
    active = launch.make_launcher(request.param)
    yield active
    active.stop()


@pytest.fixture
def learner(launcher, tmp_path):
    path = tmp_path / "learner.py"
    path.write_text(LEARNER)
    session = LearnerSession(launcher, str(path), "learner", time_limit=0.5, import_time_limit=10)
    assert "add" in session.open()
    yield LearnerProxy(session)
    session.close()


def test_values_cross_as_plain_data(learner):
    assert learner.add(2, 3) == 5
    assert learner.add((1,), (2,)) == (1, 2)
    np.testing.assert_array_equal(learner.scale(np.arange(3.0), k=3), [0.0, 3.0, 6.0])
    assert learner.shape_of(np.zeros((2, 3), dtype=np.float32)) == (((2, 3)), "float32", True)
    assert isinstance(learner.obj(), Opaque)


def test_learner_exceptions_become_builtin_types(learner):
    with pytest.raises(ValueError, match="bad 3"):
        learner.bad(3)
    with pytest.raises(KeyError) as caught:
        learner.custom()
    assert caught.value.type_name == "Custom"
    with pytest.raises(ValueError):  # UnicodeDecodeError cannot be rebuilt from a message
        learner.unicode_error()
    with pytest.raises(LearnerError) as caught:
        learner.interrupt()
    assert not isinstance(caught.value, KeyboardInterrupt)
    with pytest.raises(NotDefined):
        learner.missing()


def test_worker_environment_is_minimal(launcher, tmp_path, monkeypatch):
    path = tmp_path / "env.py"
    path.write_text("import os\ndef env():\n    return sorted(os.environ)\n")
    session = LearnerSession(launcher, str(path), "env", time_limit=5, import_time_limit=10)
    session.open()
    names = session.call("env")
    session.close()
    assert "KATA_SECRET_TOKEN" not in names and "OPENBLAS_NUM_THREADS" in names


def test_prints_are_captured_not_shown(learner, capfd):
    assert learner._session.take_output() == "imported\n"
    learner.add(1, 1)
    assert learner._session.take_output() == ""
    assert capfd.readouterr().out == ""


@pytest.mark.parametrize("call, message", [
    ("sleep", "timed out after 0.5 s"),
    ("die", "your code ended the process (exit status 7)"),
    ("leave", "your code ended the process (sys.exit(2))"),
])
def test_faults_fail_the_call_and_the_worker_is_replaced(learner, call, message):
    assert learner.counter() == 1
    with pytest.raises(WorkerFault, match=message.replace("(", r"\(").replace(")", r"\)")):
        getattr(learner, call)()
    assert learner.counter() == 1  # a fresh worker: module state starts over
    assert learner.add(1, 2) == 3


def gone(token, within=3.0):
    deadline = time.monotonic() + within
    while processes_with(token) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not processes_with(token)


def test_timeout_kills_processes_the_call_started(learner):
    token = f"kata-token-{uuid.uuid4().hex}"
    with pytest.raises(WorkerFault, match="timed out"):
        learner.spawn(token, True)
    assert gone(token), "a process started by the learner outlived its call"


@needs("namespaces")  # the fork server's PID namespaces
def test_processes_end_with_the_call_that_started_them(learner):
    if launch.default_mode() != "fork":
        pytest.skip("kata's workers are spawned here (KATA_WORKER): no fork server's PID namespaces")
    if learner._session.launcher.mode != "fork":
        pytest.skip("the subprocess fallback ends processes with the worker, not with each call")
    token = f"kata-token-{uuid.uuid4().hex}"
    learner.spawn(token, False)
    assert gone(token, within=0.5)
    assert learner.add(1, 1) == 2


def test_memory_limit_turns_a_blowup_into_memoryerror(launcher, tmp_path):
    path = tmp_path / "hog.py"
    path.write_text("def hog():\n    return len(bytearray(3 * 1024 ** 3))\n")
    session = LearnerSession(launcher, str(path), "hog", time_limit=5, import_time_limit=10,
                             limits=Limits(memory_mb=512))
    session.open()
    with pytest.raises(MemoryError):
        session.call("hog")
    session.close()


@pytest.mark.parametrize("source, message", [
    ("def f(:\n", "bad.py line 1: SyntaxError"),
    ("import no_such_module_here\n", "bad.py line 1: ModuleNotFoundError"),
    ("import sys\nsys.exit(0)\n", "bad.py ended the process while being imported"),
    ("import os\nos._exit(1)\n", "bad.py: your code ended the process (exit status 1)"),
])
def test_import_failures_are_reported(launcher, tmp_path, source, message):
    path = tmp_path / "bad.py"
    path.write_text(source)
    session = LearnerSession(launcher, str(path), "bad", time_limit=1, import_time_limit=10)
    with pytest.raises(ImportFailed) as caught:
        session.open()
    assert str(caught.value).startswith(message)


def test_a_submissions_files_arrive_whole_in_the_worker(launcher, tmp_path):
    (tmp_path / "helpers").mkdir()
    (tmp_path / "helpers" / "__init__.py").write_text("")
    (tmp_path / "helpers" / "maths.py").write_text("def twice(x):\n    return 2 * x\n")
    (tmp_path / "data.bin").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "learner.py").write_text(textwrap.dedent('''
        import os
        from helpers.maths import twice
        HERE = os.path.dirname(os.path.abspath(__file__))
        def read():
            with open(os.path.join(HERE, "data.bin"), "rb") as handle:
                data = handle.read()
            return len(data), sum(data), twice(21)
    '''))
    session = LearnerSession(launcher, str(tmp_path / "learner.py"), "learner", time_limit=5, import_time_limit=10)
    session.open()
    try:
        assert session.call("read") == (1024, 4 * sum(range(256)), 42)
    finally:
        session.close()


@needs("private-files")  # only a worker with private files takes its files as bytes
def test_a_folder_that_cannot_be_read_is_an_import_error(launcher, tmp_path):
    (tmp_path / "learner.py").write_text("def f():\n    return 1\n")
    (tmp_path / "huge.bin").write_bytes(b"\0" * (9 * 2**20))  # over the submission cap
    session = LearnerSession(launcher, str(tmp_path / "learner.py"), "learner", time_limit=5, import_time_limit=10)
    if launcher.mode != "fork":
        pytest.skip("only a forked worker takes its files as bytes")
    with pytest.raises(ImportFailed, match="cannot read the submission"):
        session.open()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_worker_forked_ahead_ends_with_its_fork_server(tmp_path):
    server = launch.ForkServer(("numpy",))
    path = tmp_path / "learner.py"
    path.write_text("def f():\n    return 1\n")
    session = LearnerSession(server, str(path), "learner", time_limit=5, import_time_limit=10)
    session.open()
    session.close()
    deadline = time.monotonic() + 10
    children = []
    while not children and time.monotonic() < deadline:  # the spare is forked after the hand-over
        children = _children(server._proc.pid)
        time.sleep(0.01)
    assert children, "no worker was forked ahead"
    server.stop()
    assert not alive_after(children)


def _children(pid: int) -> list:
    try:
        return [child.pid for child in psutil.Process(pid).children()]
    except psutil.Error:
        return []


# --- faults of kata's own processes cost no submission --------------------------------

LINUX = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def _spares(server) -> list:
    """The workers the fork server has forked ahead (waiting for a submission)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # the spare is forked after the hand-over
        spares = [pid for pid in _children(server._proc.pid) if alive([pid])]
        if spares:
            return spares
        time.sleep(0.01)
    raise AssertionError("no worker was forked ahead")


def _answers(server, path) -> int:
    session = LearnerSession(server, str(path), "learner", time_limit=5, import_time_limit=10)
    try:
        assert session.open() == ["f"]
        return session.call("f")
    finally:
        session.close()


@pytest.fixture
def fork_server(tmp_path):
    server = launch.ForkServer(("numpy",))
    (tmp_path / "learner.py").write_text("def f():\n    return 1\n")
    yield server, tmp_path / "learner.py"
    server.stop()


@LINUX
def test_a_worker_forked_ahead_that_died_costs_no_submission(fork_server):
    server, path = fork_server
    assert _answers(server, path) == 1
    spares = _spares(server)
    for pid in spares:
        os.kill(pid, signal.SIGKILL)
    assert not alive_after(spares)
    assert _answers(server, path) == 1  # a fresh worker, not "your code ended the process"


@LINUX
def test_a_fork_server_that_was_killed_is_replaced_at_the_next_submission(fork_server):
    server, path = fork_server
    assert _answers(server, path) == 1
    killed, spares = server._proc.pid, _spares(server)
    os.kill(killed, signal.SIGKILL)
    assert _answers(server, path) == 1
    assert server._proc.pid != killed
    assert not alive_after(spares)  # the dead fork server's spare ends by itself: its channel closed


@needs("control-groups")
def test_a_machine_that_refuses_to_fork_gives_an_error_row_then_grading_goes_on(tiny_manifest, tmp_path):
    from grader.core import grading
    from grader.workers.inside import cgroups

    kata = tiny_manifest.get("0.1")
    solution = tiny_manifest.root / "solutions" / "0.1-tiny" / "tiny.py"
    (pids,) = [root for controller, root in PLAN.groups.parents if controller in ("pids", "v2")]
    with grading.Grader(tiny_manifest) as grader:
        assert grader.grade(kata, solution, 1).status == "graded"
        tasks = os.path.join(pids, cgroups.PARENT, str(grader.launcher._proc.pid), "pids.max")
        with open(tasks, "w") as handle:
            handle.write("1")  # no more processes in the fork server's group
        try:
            assert grader.grade(kata, solution, 1).status == "graded"  # the worker forked ahead
            refused = grader.grade(kata, solution, 1)
        finally:
            with open(tasks, "w") as handle:
                handle.write("512")
        assert refused.status == "error" and refused.error.startswith("kata could not start a worker: could not fork")
        after = grader.grade(kata, solution, 1)
        assert after.status == "graded" and after.score == after.max_score


@LINUX
def test_a_worker_without_namespaces_leaves_no_scratch_folder(tmp_path, monkeypatch):
    """Without namespaces (not root, or KATA_SANDBOX=landlock) a worker's scratch folder is on the host's
    disk: the trusted side makes it and removes it when the worker ends, killed or not."""
    import tempfile

    monkeypatch.setenv("KATA_SANDBOX", "landlock")
    scratch_root = tmp_path / "tmp"
    scratch_root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch_root))
    path = tmp_path / "learner.py"
    path.write_text("import os\n\ndef f():\n    open('junk', 'w').write('x')\n    os.makedirs('d/e', exist_ok=True)\n"
                    "    return 1\n\ndef g():\n    while True:\n        pass\n")
    server = launch.ForkServer(("numpy",))
    session = LearnerSession(server, str(path), "learner", time_limit=0.5, import_time_limit=10)
    try:
        session.open()
        assert session.call("f") == 1
        assert len(list(scratch_root.iterdir())) == 1  # the worker's own, with what it wrote
        with pytest.raises(WorkerFault, match="timed out"):
            session.call("g")  # killed
        assert session.call("f") == 1  # in a new worker
    finally:
        session.close()
        server.stop()
    assert list(scratch_root.iterdir()) == []


def test_a_machine_that_refuses_the_fork_server_is_one_line(tmp_path, monkeypatch):
    import errno

    from click.testing import CliRunner
    from conftest import copy_tiny

    from grader.cli import main
    from grader.workers.client import start

    def refused(preload):
        raise OSError(errno.EAGAIN, "Resource temporarily unavailable")

    monkeypatch.setattr(start, "take", lambda preload: None)
    monkeypatch.setattr(start, "spawn_fork_server", refused)
    monkeypatch.setenv("KATA_WORKER", "fork")
    result = CliRunner().invoke(main, ["--root", str(copy_tiny(tmp_path / "ws")), "check", "0.1"])
    assert result.exit_code == 2 and result.output.count("\n") == 1, result.output
    assert "kata could not start a worker: could not start the fork server" in result.output


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the fork server is POSIX only")
def test_a_fork_server_closed_right_after_a_spawn_ends_with_its_spare():
    """The spare is forked as the spawn is answered; closing the fork server then must end it (and the fork
    server, which reaps it) even before the spare has made a process group of its own."""
    from grader.workers.client.launchers import ForkServer

    for _ in range(5):
        server = ForkServer(("numpy",))
        server.ensure_started()
        _, fds = server._exchange({"op": "spawn"})
        for fd in fds:
            os.close(fd)
        proc = server._proc
        server._ctrl.close()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()  # its spare then sees its channel close, and ends
            proc.wait()
            pytest.fail("the fork server waited forever for a spare it had not killed")


def test_a_python_in_a_folder_only_its_owner_can_enter_stays_usable():
    """A virtual environment made by ``mktemp -d`` is ``0700``: a worker with a uid of its own still runs
    its ``bin/python`` (tools learners call with ``sys.executable``) and follows its ``lib64`` link."""
    if os.geteuid() != 0:
        pytest.skip("workers get a uid of their own only when kata runs as root")
    venv = Path(tempfile.mkdtemp(prefix="kata-venv-", dir="/tmp"))  # as mktemp -d makes it
    try:
        answer = _run_tool_as_a_worker(venv)
    finally:
        shutil.rmtree(venv)
    assert answer == "ran|True"


def _run_tool_as_a_worker(venv: Path) -> str:
    from grader.workers.inside import private
    from grader.workers.inside import syscalls as linux

    (venv / "bin").mkdir(parents=True)
    (venv / "lib" / "site-packages").mkdir(parents=True)
    (venv / "lib64").symlink_to("lib")
    (venv / "bin" / "tool").write_text("#!/bin/sh\necho ran\n")
    (venv / "bin" / "tool").chmod(0o755)
    venv.chmod(0o700)
    roots = [str(venv), str(venv / "lib" / "site-packages")]
    assert list(private._blocked_folders(roots)) == [str(venv)]
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # a mount namespace of its own, the folders covered as a worker's are, then the worker's uid
        try:
            os.close(read)
            linux.unshare(linux.CLONE_NEWNS)
            linux.mount("none", "/", None, linux.MS_REC | linux.MS_PRIVATE)
            for folder, keep in private._blocked_folders(roots).items():
                private._cover(folder, keep, size="1m")
            os.setgid(65534)
            os.setuid(65534)
            ran = subprocess.run([str(venv / "bin" / "tool")], capture_output=True, text=True).stdout.strip()
            os.write(write, f"{ran}|{os.path.isdir(venv / 'lib64' / 'site-packages')}".encode())
        finally:
            os._exit(0)
    os.close(write)
    answer = os.read(read, 100).decode()
    os.waitpid(pid, 0)
    return answer
