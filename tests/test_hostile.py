"""Hostile submissions: each tries one thing a worker must not be able to do.

The attack runs inside ``add`` of the tiny fixture kata (``mean`` is right): a
fork server preloading numpy alone starts several times faster than one with
scipy as well, and an attack that hangs costs a time limit per check of its
function, two for ``add`` where 10.2's ``binomial_mle`` has four. Only the
attacks on what the checks compare with (numpy, pytest, math, grader.checklib)
run in ``binomial_mle`` of kata 10.2 (every other function right): the tiny
kata's checks of ``add`` compare with ``==``, so there they would have nothing
to fool.

An attack that succeeds makes its function return a wrong value; one that is
blocked (it returned False, or the system refused it: an ``OSError`` or a
``MemoryError``) lets it return the right one; one that crashed for any other
reason (a typo, a missing module) makes it raise, so that a broken attack can
never pass for a blocked one. Each case asserts the score and that the side
effect did not happen: the file is unchanged, the port saw nothing, no
process survives, the grader is alive. tests/test_defences_off.py runs the
same attacks (this module's :func:`hostile` and attack bodies) with their
defence turned off, and sees them succeed.
"""

import os
import socket
import textwrap
import time
import uuid

import pytest
from conftest import SUBMISSIONS, TINY, copy_tiny, needs, processes_with

from grader.core import grading
from grader.learner import workspace

NAMESPACES = needs("namespaces")
LANDLOCK = needs("landlock-6")

TEMPLATE = '''
{correct}
import builtins, ctypes, gc, math, os, signal, socket, subprocess, sys, time
{prelude}

def _attack():
{attack}

def {signature}:
    try:
        succeeded = _attack()
    except (OSError, MemoryError):  # refused by the system: blocked
        succeeded = False
    except Exception as crash:  # anything else is a broken attack, never a blocked one
        raise RuntimeError(f"the attack crashed: {{type(crash).__name__}}: {{crash}}") from None
    if succeeded is True:
        return {wrong}
    if succeeded is not False:
        raise RuntimeError(f"the attack returned {{succeeded!r}}, neither True nor False")
{right}
'''

TINY_SOLUTION = (TINY / "solutions" / "0.1-tiny" / "tiny.py").read_text()

IN_ADD = {  # the tiny kata: add attacked, the solution's mean (and its add, replaced by the attacked one)
    "correct": TINY_SOLUTION,
    "signature": "add(a, b)",
    "wrong": "a + b + 1",  # wrong whatever a and b are (a constant such as -1 is right for some)
    "right": "    return a + b",
}

IN_BINOMIAL_MLE = {  # kata 10.2: binomial_mle attacked, everything else from a correct submission
    "correct": "from correct_loops_math import *  # noqa: F401,F403 - everything else is right",
    "signature": "binomial_mle(heads, n)",
    "wrong": "-1.0",
    "right": '    if n < 1 or heads < 0 or heads > n:\n        raise ValueError("bad counts")\n    return heads / n',
}


def _source(where: dict, attack: str, prelude: str, values: dict) -> str:
    return TEMPLATE.format(prelude=textwrap.dedent(prelude).format(**values),
                           attack=textwrap.indent(textwrap.dedent(attack).format(**values), "    "), **where)


def hostile(tmp_path, attack, prelude="", **values):
    """A tiny-kata submission (``tiny.py``, in a folder of its own), right but for ``add``: it returns
    a + b + 1 if ``attack`` (a function body, ``{name}`` filled from ``values``) returns True, a + b if it
    returns False or the system refuses it, and raises if it crashed for any other reason. ``prelude`` runs
    as the module is imported. tests/test_defences_off.py builds its submissions with this too."""
    folder = tmp_path / f"hostile-{uuid.uuid4().hex[:8]}"
    folder.mkdir()
    (folder / "tiny.py").write_text(_source(IN_ADD, attack, prelude, values))
    return folder / "tiny.py"


def hostile_mle(tmp_path, attack, prelude="", **values):
    """The same attack in ``binomial_mle`` of a kata 10.2 submission (``mle.py``): it returns -1.0 if the
    attack succeeded; every other function is right."""
    folder = tmp_path / f"hostile-{uuid.uuid4().hex[:8]}"
    folder.mkdir()
    (folder / "correct_loops_math.py").write_bytes((SUBMISSIONS / "correct_loops_math.py").read_bytes())
    (folder / "mle.py").write_text(_source(IN_BINOMIAL_MLE, attack, prelude, values))
    return folder / "mle.py"


@pytest.fixture(scope="module")
def tiny_fast_manifest(tmp_path_factory):
    """The tiny workspace with a 1 s call limit, for attacks that hang."""
    return workspace.load_manifest(copy_tiny(tmp_path_factory.mktemp("hostile") / "ws", time_limit=1))


@pytest.fixture(scope="module")
def kata(tiny_fast_manifest):
    return tiny_fast_manifest.get("0.1")


@pytest.fixture(scope="module")
def hang_kata(tmp_path_factory):
    """The tiny kata with a 0.5 s call limit, for attacks that hang by design (any tiny grader grades it): what
    they show is that they are stopped, not when."""
    return workspace.load_manifest(copy_tiny(tmp_path_factory.mktemp("hangs") / "ws", time_limit=0.5)).get("0.1")


@pytest.fixture(scope="module")
def tiny_fast_grader(tiny_fast_manifest):
    """This module's grader of the tiny kata, with its 1 s call limit: every hostile case but the few that
    need a kata's own 3 s limit (conftest's ``tiny_grader``) or kata 10.2 (conftest's ``grader``)."""
    with grading.Grader(tiny_fast_manifest) as active:
        yield active


def grade(grader, kata, path):
    result = grader.grade(kata, path, 8)
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


def threads_named(name: str) -> list:
    """The threads of any process whose name (``/proc/PID/task/TID/comm``) is ``name``."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for tid in tasks:
            try:
                with open(f"/proc/{pid}/task/{tid}/comm") as handle:
                    if handle.read().strip() == name:
                        found.append(int(tid))
            except OSError:
                pass
    return found


# --- reading what it must not ------------------------------------------------

READ = "return len(open({target!r}).read()) > 0"


@pytest.mark.parametrize("what", ["checks", "solution", "other submission", "manifest"])
@LANDLOCK
def test_cannot_read_hidden_files(tiny_fast_grader, kata, tmp_path, what):
    other = tmp_path / "other_student" / "tiny.py"
    other.parent.mkdir()
    other.write_text("SECRET = 'the other student'\n")
    target = {"checks": kata.check_file, "solution": kata.solution_path, "other submission": other,
              "manifest": kata.folder.parent.parent / "kata.yaml"}[what]
    path = hostile(tmp_path, READ, target=str(target))
    assert grade(tiny_fast_grader, kata, path).score == 4


@NAMESPACES
def test_cannot_read_the_graders_environment_or_memory(tiny_fast_grader, kata, tmp_path):
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
    assert grade(tiny_fast_grader, kata, path).score == 4


# --- writing what it must not --------------------------------------------------

WRITE = "open({target!r}, 'a').write('owned'); return True"


@pytest.mark.parametrize("where", ["other submission", "gradebook", "tmp"])
@LANDLOCK
def test_cannot_write_outside_its_scratch(tiny_fast_grader, kata, tmp_path, where):
    other = tmp_path / "other" / "tiny.py"
    other.parent.mkdir()
    other.write_text("def add(a, b): return a + b\n")
    gradebook = tmp_path / "grades.csv"
    gradebook.write_text("student,score\n")
    marker = f"/tmp/kata-hostile-{uuid.uuid4().hex}"
    target = {"other submission": other, "gradebook": gradebook, "tmp": marker}[where]
    path = hostile(tmp_path, WRITE, target=str(target))
    assert grade(tiny_fast_grader, kata, path).score == 4
    assert other.read_text() == "def add(a, b): return a + b\n"
    assert gradebook.read_text() == "student,score\n"
    assert not os.path.exists(marker)


@needs("private-files")
def test_scratch_is_private_and_capped(tiny_fast_grader, kata, tmp_path):
    path = hostile(tmp_path, SCRATCH_FILL)
    assert grade(tiny_fast_grader, kata, path).score == 4


SCRATCH_FILL = """
    for number in range(12):  # 120 MB in files of 10 MB: each under the file size limit, the lot over the scratch's
        with open("fill" + str(number), "wb") as f:
            for _ in range(10):
                f.write(b"0" * 1024 * 1024)
    return True
"""


# --- network --------------------------------------------------------------------

TCP = "socket.create_connection(('127.0.0.1', {port}), timeout=0.5).sendall(b'hi'); return True"
UDP = "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.sendto(b'x', ('127.0.0.1', {port})); return True"


@needs("no-network")
def test_cannot_connect_to_loopback_tcp(tiny_fast_grader, kata, tmp_path):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.2)
    port = listener.getsockname()[1]
    path = hostile(tmp_path, TCP, port=port)
    assert grade(tiny_fast_grader, kata, path).score == 4
    with pytest.raises(socket.timeout):
        listener.accept()
    listener.close()


@needs("no-network")
def test_cannot_send_udp_to_loopback(tiny_fast_grader, kata, tmp_path):
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    receiver.settimeout(0.2)
    path = hostile(tmp_path, UDP, port=receiver.getsockname()[1])
    assert grade(tiny_fast_grader, kata, path).score == 4
    with pytest.raises(socket.timeout):
        receiver.recvfrom(10)
    receiver.close()


# --- other processes --------------------------------------------------------------

@NAMESPACES
def test_cannot_signal_or_trace_the_grader(tiny_fast_grader, kata, tmp_path):
    path = hostile(tmp_path, """
        for target in ({pid}, -1):
            try:
                os.kill(target, signal.SIGKILL)
            except OSError:
                pass
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.ptrace(16, {pid}, 0, 0) == 0  # PTRACE_ATTACH
    """, pid=os.getpid())
    result = grade(tiny_fast_grader, kata, path)
    assert result.score == 4  # still here, and so is everything we started
    assert tiny_fast_grader.grade(kata, kata.solution_path, 1).score == 4


def test_killing_its_own_process_group_costs_only_that_call(tiny_fast_grader, kata, tmp_path):
    path = hostile(tmp_path, "os.killpg(0, signal.SIGKILL)")
    result = grade(tiny_fast_grader, kata, path)
    assert lost(result) <= {"add"} and result.score >= 2


DAEMON = """
    subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)", {token!r}],
                     start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return False
"""


@NAMESPACES
def test_started_processes_do_not_outlive_the_call(tiny_fast_grader, kata, tmp_path):
    token = f"kata-daemon-{uuid.uuid4().hex}"
    path = hostile(tmp_path, DAEMON, token=token)
    assert grade(tiny_fast_grader, kata, path).score == 4
    assert processes_with(token) == []
    assert no_zombies_of(os.getpid())


@NAMESPACES
def test_fork_bomb_is_contained(tiny_fast_grader, hang_kata, tmp_path):
    token = f"kata-bomb-{uuid.uuid4().hex}"
    path = hostile(tmp_path, """
        sys.argv.append({token!r})
        while True:
            try:
                os.fork()
            except OSError:
                time.sleep(0.01)
    """, token=token)
    result = grade(tiny_fast_grader, hang_kata, path)
    assert lost(result) == {"add"}
    assert all("timed out" in c.message for c in result.checks if not c.passed)
    time.sleep(0.2)
    assert no_zombies_of(os.getpid())
    assert tiny_fast_grader.grade(hang_kata, hang_kata.solution_path, 1).score == 4


# --- resources ----------------------------------------------------------------------

OPEN_FILES = ("import resource; hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]; "
              "resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard)); "
              "fds = [os.open('/dev/null', os.O_RDONLY) for _ in range(300)]; return True")
"""300 files: more than the worker's 256 (a limit learner code cannot raise), fewer than any machine's own
(``ulimit -n`` is 1024 or more): the attack succeeds exactly when the limit is not applied."""

ADDRESS_SPACE = "import mmap; held = mmap.mmap(-1, 8 * 1024 ** 3); return True"
"""8 GiB of address space, never touched: the address-space limit refuses it at once."""


def small_memory_kata(tmp_path, time_limit: float = 3):
    """The tiny kata with a 256 MB memory cap (``memory_mb``), for any grader of the tiny kata: four children of
    100 MB exceed it together (four of 400 MB over the default 1 GiB took seconds to fill on a busy machine)."""
    ws = copy_tiny(tmp_path / "small-memory", time_limit=time_limit)
    yaml = ws / "kata.yaml"
    yaml.write_text(yaml.read_text().replace(f"    time_limit: {time_limit}\n",
                                             f"    time_limit: {time_limit}\n    memory_mb: 256\n"))
    kata = workspace.load_manifest(ws).get("0.1")
    assert kata.memory_mb == 256 and kata.time_limit == time_limit
    return kata

MEMORY_THROUGH_CHILDREN = """
    import select
    read, write = os.pipe()
    children = []
    for _ in range(4):  # 4 x 100 MB at once: over the worker's 256 MB (small_memory_kata), each child under its
        pid = os.fork()  # own address-space cap (256 MB more than the worker's)
        if pid == 0:
            try:
                block = bytearray(100 * 1024 * 1024)
                block[::4096] = b"1" * (len(block) // 4096)  # touched: resident, not just reserved
                os.write(write, b"k")
                time.sleep(30)
            finally:
                os._exit(0)
        children.append(pid)
    held, ended, deadline = 0, False, time.monotonic() + {patience}  # filling 400 MB can take seconds on a busy machine
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

SETUID = "os.setuid(0); return os.getuid() == 0"


@needs("process-cap")
def test_a_worker_starts_at_most_its_own_64_processes(tiny_fast_grader, kata, tmp_path):
    assert grade(tiny_fast_grader, kata, hostile(tmp_path, FORKS)).score == 4


@pytest.mark.parametrize("attack, expected_loss", [
    ("b = bytearray(8 * 1024 ** 3); return True", set()),             # memory flood: MemoryError
    (ADDRESS_SPACE, set()),                                            # address space: refused at once
    ("print('x' * 50_000_000); return False", set()),                  # output flood: captured, capped
    (OPEN_FILES, set()),                                                # open files capped (at 256)
    ("time.sleep(1000)", {"add"}),                                     # sleeps forever
])
def test_resource_attacks(tiny_fast_grader, kata, hang_kata, tmp_path, attack, expected_loss):
    result = grade(tiny_fast_grader, hang_kata if expected_loss else kata, hostile(tmp_path, attack))
    assert lost(result) == expected_loss
    assert all(len(c.output) < 5000 for c in result.checks)


@needs("unprivileged-worker")
def test_there_is_no_way_back_to_root(tiny_fast_grader, kata, tmp_path):
    assert grade(tiny_fast_grader, kata, hostile(tmp_path, SETUID)).score == 4


@needs("memory-group")
def test_memory_through_children_is_capped_for_the_worker_as_a_whole(tiny_grader, tiny_manifest, tmp_path):
    # The kata's 3 s limit: a child killed ends the wait, and four that fill in time give up before the limit.
    result = grade(tiny_grader, small_memory_kata(tmp_path), hostile(tmp_path, MEMORY_THROUGH_CHILDREN, patience=2.5))
    assert result.score == 4


def test_cpu_burning_thread_is_stopped_with_the_worker(tiny_grader, tiny_manifest, tmp_path):
    # The kata's own 3 s limit: every later call shares the CPU with the thread until the worker ends.
    # The thread names itself (a thread's name is what the host sees of it); if it cannot, add raises.
    name = f"kburn{uuid.uuid4().hex[:10]}"
    path = hostile(tmp_path, """
        import threading
        named = threading.Event()

        def burn():
            if ctypes.CDLL(None).prctl(15, {name!r}.encode(), 0, 0, 0) == 0:  # PR_SET_NAME
                named.set()
            [None for _ in iter(int, 1)]

        threading.Thread(target=burn, daemon=True).start()
        if not named.wait(2):
            raise RuntimeError("the burning thread could not name itself")
        return False
    """, name=name)
    assert grade(tiny_grader, tiny_manifest.get("0.1"), path).score == 4
    time.sleep(0.2)
    assert threads_named(name) == []


# --- changing the score -------------------------------------------------------------

@pytest.mark.parametrize("prelude", [
    "import numpy\nnumpy.isclose = numpy.allclose = lambda *a, **k: True",
    "import pytest\npytest.approx = lambda *a, **k: True\npytest.raises = None",
    "builtins.open = builtins.compile = None\nmath.isclose = lambda *a, **k: True\nmath.isfinite = lambda x: True",
    "sys.modules['grader.workers.wire.codec'] = None\nsys.modules['grader.checklib'] = None",
])
def test_patching_libraries_cannot_change_the_score(grader, manifest, tmp_path, prelude):
    # Kata 10.2: its checks compare binomial_mle's value through grader.checklib, numpy, math and pytest,
    # the libraries patched here; the tiny kata's compare add's with ==, and would leave them nothing to fool.
    path = hostile_mle(tmp_path, "return True", prelude=prelude)
    result = grade(grader, manifest.get("10.2"), path)
    assert lost(result) == {"binomial_mle"}
    assert not any(c.passed for c in result.checks if c.target == "binomial_mle")


def test_hijacking_the_worker_protocol_only_changes_its_own_answers(tiny_fast_grader, kata, tmp_path):
    """Learner code can rewrite the worker; then it answers like code returning constants."""
    path = hostile(tmp_path, "return False", prelude=(
        "import grader.workers.inside.worker as _w\n"
        "_w._answer = lambda module, request: {{'ok': 0.55, 'passed': True, 'score': 4}}"))
    result = grade(tiny_fast_grader, kata, path)
    assert result.score == 0 and result.max_score == 4


def test_breaking_the_worker_itself_scores_zero(tiny_fast_grader, kata, tmp_path):
    path = hostile(tmp_path, "return False", prelude="builtins.isinstance = lambda *a: True")
    result = tiny_fast_grader.grade(kata, path, 8)
    assert result.status == "error" and result.score == 0


def test_reading_frames_and_gc_finds_no_expected_values(tiny_fast_grader, kata, tmp_path):
    path = hostile(tmp_path, """
        found = [o for o in gc.get_objects() if type(o).__name__ in ("CheckSuite", "Kata", "KataResult")]
        frame, names = sys._getframe(), set()
        while frame is not None:
            names |= set(frame.f_locals)
            frame = frame.f_back
        return bool(found) or "expected" in names or "check" in names
    """)
    assert grade(tiny_fast_grader, kata, path).score == 4


def test_fake_output_then_exit_cannot_score(tiny_fast_grader, kata, tmp_path):
    folder = tmp_path / "fake"
    folder.mkdir()
    (folder / "tiny.py").write_text('print(\'{"kata": "0.1", "score": 4.0, "max_score": 4.0, "status": "graded"}\')\n'
                                    "print('score 4/4  all checks pass')\nimport os\nos._exit(0)\n")
    result = tiny_fast_grader.grade(kata, folder / "tiny.py", 1)
    assert result.status == "error" and result.score == 0


def test_grader_survives_everything_above(tiny_fast_grader, kata, grader, manifest, tmp_path):
    """After the hostile cases in this module, the same graders still grade correctly."""
    server = tiny_fast_grader.launcher._proc  # the fork server started before the first hostile case
    no_empty_check = TINY_SOLUTION.replace('raise ValueError("no values")', "return 0.0")
    assert no_empty_check != TINY_SOLUTION
    (tmp_path / "tiny.py").write_text(no_empty_check)
    assert tiny_fast_grader.grade(kata, tmp_path / "tiny.py", 3).score == 3  # all but test_mean_rejects_empty
    assert server is not None and server.poll() is None and tiny_fast_grader.launcher._proc is server
    full = grader.launcher._proc  # kata 10.2's, which ran the library patches
    assert grader.grade(manifest.get("10.2"), SUBMISSIONS / "ddof_one.py", 3).score == 30
    assert full is not None and full.poll() is None and grader.launcher._proc is full
    assert no_zombies_of(os.getpid())


def test_helper_packages_and_data_files_come_along(tiny_fast_grader, kata, tmp_path):
    """The sandbox copies the submission's folder with its subfolders, so what imports outside imports inside."""
    folder = tmp_path / "packaged"
    (folder / "helpers").mkdir(parents=True)
    (folder / "helpers" / "__init__.py").write_text("from .stats import total\n")
    (folder / "helpers" / "stats.py").write_text("def total(values):\n    return sum(values)\n")
    (folder / "data.txt").write_text("0.5\n")
    (folder / "arithmetic.py").write_text("def add(a, b):\n    return a + b\n")
    (folder / "tiny.py").write_text(
        "from arithmetic import add  # noqa\n"
        "from helpers import total\n"
        "SCALE = float(open(__file__.rsplit('/', 1)[0] + '/data.txt').read()) * 2\n"
        "def mean(values):\n"
        "    if len(values) == 0:\n        raise ValueError('empty')\n"
        "    return total(list(values)) * SCALE / len(values)\n")
    assert grade(tiny_fast_grader, kata, folder / "tiny.py").score == 4
