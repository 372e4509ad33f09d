"""Hostile submissions: each tries one thing a worker must not be able to do.

The attack runs inside ``binomial_mle`` (every other function is correct). An
attack that succeeds makes ``binomial_mle`` return a wrong value; one that is
blocked (it returned False, or the system refused it: an ``OSError`` or a
``MemoryError``) lets it return the right one; one that crashed for any other
reason (a typo, a missing module) makes it raise, so that a broken attack can
never pass for a blocked one. Each case asserts the score and that the side
effect did not happen: the file is unchanged, the port saw nothing, no
process survives, the grader is alive. tests/test_defences_off.py runs the
same attacks with their defence turned off, and sees them succeed.
"""

import os
import socket
import textwrap
import time
import uuid

import pytest
from conftest import SUBMISSIONS, needs, processes_with

NAMESPACES = needs("namespaces")
LANDLOCK = needs("landlock-6")

TEMPLATE = '''
from correct_loops_math import *  # noqa: F401,F403 - everything else is right
import builtins, ctypes, gc, math, os, signal, socket, subprocess, sys, time
{prelude}

def _attack():
{attack}

def binomial_mle(heads, n):
    try:
        succeeded = _attack()
    except (OSError, MemoryError):  # refused by the system: blocked
        succeeded = False
    except Exception as crash:  # anything else is a broken attack, never a blocked one
        raise RuntimeError(f"the attack crashed: {{type(crash).__name__}}: {{crash}}") from None
    if succeeded is True:
        return -1.0
    if succeeded is not False:
        raise RuntimeError(f"the attack returned {{succeeded!r}}, neither True nor False")
    if n < 1 or heads < 0 or heads > n:
        raise ValueError("bad counts")
    return heads / n
'''


def hostile(tmp_path, attack, prelude="", **values):
    folder = tmp_path / f"hostile-{uuid.uuid4().hex[:8]}"
    folder.mkdir()
    (folder / "correct_loops_math.py").write_bytes((SUBMISSIONS / "correct_loops_math.py").read_bytes())
    source = TEMPLATE.format(prelude=textwrap.dedent(prelude).format(**values),
                             attack=textwrap.indent(textwrap.dedent(attack).format(**values), "    "))
    (folder / "mle.py").write_text(source)
    return folder / "mle.py"


@pytest.fixture(scope="module")
def kata(fast_manifest):
    return fast_manifest.get("10.2")


def grade(fast_grader, kata, path):
    result = fast_grader.grade(kata, path, 8)
    assert result.status == "graded", result.error
    return result


def lost(result):
    return {c.target for c in result.checks if not c.passed}


def no_zombies_of(pid):
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] == "Z" and int(fields[1]) == pid:
            return False
    return True


# --- reading what it must not ------------------------------------------------

@pytest.mark.parametrize("what", ["checks", "solution", "other submission", "manifest"])
@LANDLOCK
def test_cannot_read_hidden_files(fast_grader, kata, tmp_path, what):
    other = tmp_path / "other_student" / "mle.py"
    other.parent.mkdir()
    other.write_text("SECRET = 'the other student'\n")
    target = {"checks": kata.check_file, "solution": kata.solution_path, "other submission": other,
              "manifest": kata.folder.parent.parent / "kata.yaml"}[what]
    path = hostile(tmp_path, "return len(open({target!r}).read()) > 0", target=str(target))
    assert grade(fast_grader, kata, path).score == 32


@NAMESPACES
def test_cannot_read_the_graders_environment_or_memory(fast_grader, kata, tmp_path):
    os.environ["KATA_TEST_SECRET"] = "grader-secret"
    path = hostile(tmp_path, """
        for name in ("environ", "mem", "cmdline"):
            try:
                if open("/proc/{pid}/" + name, "rb").read(64):
                    return True
            except OSError:
                pass
        return "grader-secret" in str(os.environ)
    """, pid=os.getpid())
    assert grade(fast_grader, kata, path).score == 32


# --- writing what it must not --------------------------------------------------

@pytest.mark.parametrize("where", ["other submission", "gradebook", "tmp"])
@LANDLOCK
def test_cannot_write_outside_its_scratch(fast_grader, kata, tmp_path, where):
    other = tmp_path / "other" / "mle.py"
    other.parent.mkdir()
    other.write_text("def binomial_mle(heads, n): return heads / n\n")
    gradebook = tmp_path / "grades.csv"
    gradebook.write_text("student,score\n")
    marker = f"/tmp/kata-hostile-{uuid.uuid4().hex}"
    target = {"other submission": other, "gradebook": gradebook, "tmp": marker}[where]
    path = hostile(tmp_path, "open({target!r}, 'a').write('owned'); return True", target=str(target))
    assert grade(fast_grader, kata, path).score == 32
    assert other.read_text() == "def binomial_mle(heads, n): return heads / n\n"
    assert gradebook.read_text() == "student,score\n"
    assert not os.path.exists(marker)


@needs("private-files")
def test_scratch_is_private_and_capped(fast_grader, kata, tmp_path):
    path = hostile(tmp_path, SCRATCH_FILL)
    assert grade(fast_grader, kata, path).score == 32


SCRATCH_FILL = """
    for number in range(12):  # 120 MB in files of 10 MB: each under the file size limit, the lot over the scratch's
        with open("fill" + str(number), "wb") as f:
            for _ in range(10):
                f.write(b"0" * 1024 * 1024)
    return True
"""


# --- network --------------------------------------------------------------------

@needs("no-network")
def test_cannot_connect_to_loopback_tcp(fast_grader, kata, tmp_path):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.2)
    port = listener.getsockname()[1]
    path = hostile(tmp_path, "socket.create_connection(('127.0.0.1', {port}), timeout=0.5).sendall(b'hi'); return True",
                   port=port)
    assert grade(fast_grader, kata, path).score == 32
    with pytest.raises(socket.timeout):
        listener.accept()
    listener.close()


@needs("no-network")
def test_cannot_send_udp_to_loopback(fast_grader, kata, tmp_path):
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    receiver.settimeout(0.2)
    path = hostile(tmp_path, "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.sendto(b'x', ('127.0.0.1', {port})); return True",
                   port=receiver.getsockname()[1])
    assert grade(fast_grader, kata, path).score == 32
    with pytest.raises(socket.timeout):
        receiver.recvfrom(10)
    receiver.close()


# --- other processes --------------------------------------------------------------

@NAMESPACES
def test_cannot_signal_or_trace_the_grader(fast_grader, kata, tmp_path):
    path = hostile(tmp_path, """
        for target in ({pid}, -1):
            try:
                os.kill(target, signal.SIGKILL)
            except OSError:
                pass
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.ptrace(16, {pid}, 0, 0) == 0  # PTRACE_ATTACH
    """, pid=os.getpid())
    result = grade(fast_grader, kata, path)
    assert result.score == 32  # still here, and so is everything we started
    assert fast_grader.grade(kata, SUBMISSIONS / "correct_scipy.py", 1).score == 32


def test_killing_its_own_process_group_costs_only_that_call(fast_grader, kata, tmp_path):
    path = hostile(tmp_path, "os.killpg(0, signal.SIGKILL)")
    result = grade(fast_grader, kata, path)
    assert lost(result) <= {"binomial_mle"} and result.score >= 28


@NAMESPACES
def test_started_processes_do_not_outlive_the_call(fast_grader, kata, tmp_path):
    token = f"kata-daemon-{uuid.uuid4().hex}"
    path = hostile(tmp_path, """
        subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)", {token!r}],
                         start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return False
    """, token=token)
    assert grade(fast_grader, kata, path).score == 32
    assert processes_with(token) == []
    assert no_zombies_of(os.getpid())


@NAMESPACES
def test_fork_bomb_is_contained(fast_grader, kata, tmp_path):
    token = f"kata-bomb-{uuid.uuid4().hex}"
    path = hostile(tmp_path, """
        sys.argv.append({token!r})
        while True:
            try:
                os.fork()
            except OSError:
                time.sleep(0.01)
    """, token=token)
    result = grade(fast_grader, kata, path)
    assert lost(result) == {"binomial_mle"}
    assert all("timed out" in c.message for c in result.checks if not c.passed)
    time.sleep(0.2)
    assert no_zombies_of(os.getpid())
    assert fast_grader.grade(kata, SUBMISSIONS / "correct_scipy.py", 1).score == 32


# --- resources ----------------------------------------------------------------------

OPEN_FILES = ("import resource; hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]; "
              "resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard)); "
              "fds = [os.open('/dev/null', os.O_RDONLY) for _ in range(300)]; return True")
"""300 files: more than the worker's 256 (a limit learner code cannot raise), fewer than any machine's own
(``ulimit -n`` is 1024 or more): the attack succeeds exactly when the limit is not applied."""

ADDRESS_SPACE = "import mmap; held = mmap.mmap(-1, 8 * 1024 ** 3); return True"
"""8 GiB of address space, never touched: the address-space limit refuses it at once."""

MEMORY_THROUGH_CHILDREN = """
    import select
    read, write = os.pipe()
    children = []
    for _ in range(4):  # 4 x 400 MB at once: over the worker's 1 GiB, each child under its own address-space cap
        pid = os.fork()
        if pid == 0:
            try:
                block = bytearray(400 * 1024 * 1024)
                block[::4096] = b"1" * (len(block) // 4096)  # touched: resident, not just reserved
                os.write(write, b"k")
                time.sleep(30)
            finally:
                os._exit(0)
        children.append(pid)
    held, ended, deadline = 0, False, time.monotonic() + 2.5  # filling 1.6 GB takes seconds on a busy machine
    while held < 4 and not ended and time.monotonic() < deadline:  # all four hold their block, or one was killed
        if select.select([read], [], [], 0.05)[0]:
            held += len(os.read(read, 4))
        ended = any(os.waitpid(pid, os.WNOHANG) != (0, 0) for pid in children)
    ended = ended or any(os.waitpid(pid, os.WNOHANG) != (0, 0) for pid in children)  # none killed meanwhile
    for pid in children:
        os.kill(pid, signal.SIGKILL)
    return held == 4 and not ended
"""

FORKS = """
    for _ in range(100):  # more processes than a worker's 64
        if os.fork() == 0:
            time.sleep(2)
            os._exit(0)
    return True
"""


@needs("process-cap")
def test_a_worker_starts_at_most_its_own_64_processes(fast_grader, kata, tmp_path):
    assert grade(fast_grader, kata, hostile(tmp_path, FORKS)).score == 32


@pytest.mark.parametrize("attack, expected_loss", [
    ("b = bytearray(8 * 1024 ** 3); return True", set()),             # memory flood: MemoryError
    (ADDRESS_SPACE, set()),                                            # address space: refused at once
    ("print('x' * 50_000_000); return False", set()),                  # output flood: captured, capped
    (OPEN_FILES, set()),                                                # open files capped (at 256)
    ("time.sleep(1000)", {"binomial_mle"}),                            # sleeps forever
])
def test_resource_attacks(fast_grader, kata, tmp_path, attack, expected_loss):
    result = grade(fast_grader, kata, hostile(tmp_path, attack))
    assert lost(result) == expected_loss
    assert all(len(c.output) < 5000 for c in result.checks)


@needs("unprivileged-worker")
def test_there_is_no_way_back_to_root(fast_grader, kata, tmp_path):
    assert grade(fast_grader, kata, hostile(tmp_path, "os.setuid(0); return True")).score == 32


@needs("memory-group")
def test_memory_through_children_is_capped_for_the_worker_as_a_whole(grader, manifest, tmp_path):
    # The kata's own 3 s limit: four children of 400 MB take a second to fill.
    result = grade(grader, manifest.get("10.2"), hostile(tmp_path, MEMORY_THROUGH_CHILDREN))
    assert result.score == 32


def test_cpu_burning_thread_is_stopped_with_the_worker(grader, manifest, tmp_path):
    # The kata's own 3 s limit: every later call shares the CPU with the thread until the worker ends.
    token = f"kata-burn-{uuid.uuid4().hex}"
    path = hostile(tmp_path, """
        import threading
        sys.argv.append({token!r})
        threading.Thread(target=lambda: [None for _ in iter(int, 1)], daemon=True).start()
        return False
    """, token=token)
    assert grade(grader, manifest.get("10.2"), path).score == 32
    time.sleep(0.2)
    assert processes_with(token) == []


# --- changing the score -------------------------------------------------------------

@pytest.mark.parametrize("prelude", [
    "import numpy\nnumpy.isclose = numpy.allclose = lambda *a, **k: True",
    "import pytest\npytest.approx = lambda *a, **k: True\npytest.raises = None",
    "builtins.open = builtins.compile = None\nmath.isclose = lambda *a, **k: True\nmath.isfinite = lambda x: True",
    "sys.modules['grader.workers.wire.codec'] = None\nsys.modules['grader.checklib'] = None",
])
def test_patching_libraries_cannot_change_the_score(fast_grader, kata, tmp_path, prelude):
    path = hostile(tmp_path, "return True", prelude=prelude)
    result = grade(fast_grader, kata, path)
    assert lost(result) == {"binomial_mle"}
    assert not any(c.passed for c in result.checks if c.target == "binomial_mle")


def test_hijacking_the_worker_protocol_only_changes_its_own_answers(fast_grader, kata, tmp_path):
    """Learner code can rewrite the worker; then it answers like code returning constants."""
    path = hostile(tmp_path, "return False", prelude=(
        "import grader.workers.inside.worker as _w\n"
        "_w._answer = lambda module, request: {{'ok': 0.55, 'passed': True, 'score': 32}}"))
    result = grade(fast_grader, kata, path)
    assert result.score == 0 and result.max_score == 32


def test_breaking_the_worker_itself_scores_zero(fast_grader, kata, tmp_path):
    path = hostile(tmp_path, "return False", prelude="builtins.isinstance = lambda *a: True")
    result = fast_grader.grade(kata, path, 8)
    assert result.status == "error" and result.score == 0


def test_reading_frames_and_gc_finds_no_expected_values(fast_grader, kata, tmp_path):
    path = hostile(tmp_path, """
        found = [o for o in gc.get_objects() if type(o).__name__ in ("CheckSuite", "Kata", "KataResult")]
        frame, names = sys._getframe(), set()
        while frame is not None:
            names |= set(frame.f_locals)
            frame = frame.f_back
        return bool(found) or "expected" in names or "check" in names
    """)
    assert grade(fast_grader, kata, path).score == 32


def test_fake_output_then_exit_cannot_score(fast_grader, kata, tmp_path):
    folder = tmp_path / "fake"
    folder.mkdir()
    (folder / "mle.py").write_text('print(\'{"kata": "10.2", "score": 32.0, "max_score": 32.0, "status": "graded"}\')\n'
                                   "print('score 32/32  all checks pass')\nimport os\nos._exit(0)\n")
    result = fast_grader.grade(kata, folder / "mle.py", 1)
    assert result.status == "error" and result.score == 0


def test_grader_survives_everything_above(fast_grader, kata):
    """After the hostile cases in this module, the same grader still grades correctly."""
    server = fast_grader.launcher._proc  # the fork server started before the first hostile case
    assert fast_grader.grade(kata, SUBMISSIONS / "ddof_one.py", 3).score == 30
    assert server is not None and server.poll() is None and fast_grader.launcher._proc is server
    assert no_zombies_of(os.getpid())


def test_helper_packages_and_data_files_come_along(fast_grader, kata, tmp_path):
    """The sandbox copies the submission's folder with its subfolders, so what imports outside imports inside."""
    folder = tmp_path / "packaged"
    (folder / "helpers").mkdir(parents=True)
    (folder / "helpers" / "__init__.py").write_text("from .stats import mean\n")
    (folder / "helpers" / "stats.py").write_text("def mean(values):\n    return sum(values) / len(values)\n")
    (folder / "data.txt").write_text("0.5\n")
    (folder / "mle.py").write_text(
        "from correct_loops_math import *  # noqa\n"
        "from helpers import mean\n"
        "SCALE = float(open(__file__.rsplit('/', 1)[0] + '/data.txt').read()) * 2\n"
        "def gaussian_mle(data):\n"
        "    if len(data) == 0:\n        raise ValueError('empty')\n"
        "    mu = mean(list(data)) * SCALE\n"
        "    return mu, (sum((x - mu) ** 2 for x in data) / len(data)) ** 0.5\n")
    (folder / "correct_loops_math.py").write_bytes((SUBMISSIONS / "correct_loops_math.py").read_bytes())
    assert grade(fast_grader, kata, folder / "mle.py").score == 32
