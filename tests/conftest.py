"""Shared fixtures: the repository's own workspace, copies of it, and a grader."""

import ast
import os
import shutil
import sys
import time
from pathlib import Path

import psutil
import pytest

from grader.core import grading
from grader.learner import workspace

REPO = Path(__file__).resolve().parent.parent
SUBMISSIONS = Path(__file__).resolve().parent / "submissions"
TINY = Path(__file__).resolve().parent / "fixtures" / "tiny"
"""A tiny workspace (numpy only, four checks) for testing the machinery fast."""

collect_ignore = ["fixtures"]  # the fixture kata's checks are graded by kata, not collected here


@pytest.fixture(scope="session")
def manifest(tmp_path_factory):
    """The repository's katas, copied with the stubs as shipped: never a learner's work in progress."""
    return workspace.load_manifest(copy_workspace(tmp_path_factory.mktemp("repo") / "ws"))


@pytest.fixture(scope="session")
def kata(manifest):
    return manifest.get("10.2")


@pytest.fixture(scope="session")
def grader(manifest):
    """One grader for the full kata, shared by every test that only grades."""
    with grading.Grader(manifest) as active:
        yield active


@pytest.fixture(scope="session")
def submission(tmp_path_factory):
    """``submission(name)``: tests/submissions/NAME.py in a folder of its own with the files it imports from
    there, as a learner's folder holds them: graded from tests/submissions itself, every grading would stage
    and send all of that folder's files."""
    base = tmp_path_factory.mktemp("submissions")

    def lay_out(name: str) -> Path:
        folder = base / name
        if not folder.exists():
            folder.mkdir()
            pending = [name]
            while pending:
                module = pending.pop()
                if (folder / f"{module}.py").exists():
                    continue
                shutil.copy(SUBMISSIONS / f"{module}.py", folder / f"{module}.py")
                pending += [m for m in _imported(SUBMISSIONS / f"{module}.py") if (SUBMISSIONS / f"{m}.py").exists()]
        return folder / f"{name}.py"

    return lay_out


def _imported(path: Path) -> set:
    """The top-level modules a Python file imports (none if it does not parse)."""
    try:
        tree = ast.parse(path.read_bytes())
    except (SyntaxError, ValueError):
        return set()
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def processes_with(token: str) -> list:
    """Pids of the running processes whose command line contains ``token`` (zombies have ended)."""
    found = []
    for process in psutil.process_iter(["cmdline", "status"]):
        if process.info["status"] != psutil.STATUS_ZOMBIE and token in " ".join(process.info["cmdline"] or ()):
            found.append(process.pid)
    return found


def alive(pids) -> set:
    """Those of ``pids`` still running (a zombie has ended)."""
    running = set()
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                running.add(pid)
        except psutil.Error:
            pass
    return running


COUNTS_THREADS = pytest.mark.skipif(not os.path.isdir("/proc/self/task") or len(os.sched_getaffinity(0)) < 2,
                                    reason="counts threads in /proc, with more than one core to use, so BLAS "
                                           "would start more")
"""For tests of how many threads numpy's BLAS starts in a process of kata's."""


def alive_after(pids, within: float = 10.0) -> set:
    """Those of ``pids`` still running once all have ended or ``within`` seconds have passed. A zombie has
    ended: one whose parent died waits for this machine's init to reap it, which may take a second."""
    pids = list(pids)
    deadline = time.monotonic() + within
    while alive(pids) and time.monotonic() < deadline:
        time.sleep(0.01)
    return alive(pids)


def descendants(pid: int) -> set:
    """Every process started, directly or not, by process ``pid`` and still its descendant."""
    try:
        return {child.pid for child in psutil.Process(pid).children(recursive=True)}
    except psutil.Error:
        return set()


def spinning_workers(pid: int, cpu: float = 0.1) -> set:
    """The fork servers below process ``pid`` with a worker that has spun for ``cpu`` seconds of its own: a call
    that hangs is under way there (an honest call of the tiny kata takes microseconds; a spare worker none).
    A worker is a leaf forked by a fork server, never one of ``pid``'s own children."""
    try:
        started = psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return set()
    servers = set()
    for process in started:
        try:
            if process.ppid() != pid and not process.children() and process.status() != psutil.STATUS_ZOMBIE \
                    and sum(process.cpu_times()[:2]) >= cpu:
                servers.add(process.ppid())
        except psutil.Error:
            pass  # one that has just ended
    return servers


def copy_workspace(target: Path, **limits) -> Path:
    """A copy of the repository's katas to work in, learner files as shipped; ``limits`` rewrite kata.yaml values."""
    for name in ("katas", "solutions"):
        shutil.copytree(REPO / name, target / name)
    for shipped in (target / "katas").glob("*/.shipped"):  # the stubs, never what a learner wrote here
        for stub in shipped.iterdir():
            shutil.copy(stub, shipped.parent / stub.name)
    (target / "kata.yaml").write_text(with_limits((REPO / "kata.yaml").read_text(), limits))
    return target


def with_limits(text: str, limits: dict) -> str:
    """kata.yaml ``text`` with each of ``limits`` (``time_limit=0.5``) set for every kata."""
    for key, value in limits.items():
        before = text
        if f"    {key}:" in text:
            text = "\n".join(f"    {key}: {value}" if line.startswith(f"    {key}:") else line
                             for line in text.splitlines()) + "\n"
        else:
            text = text.replace("    check_file:", f"    {key}: {value}\n    check_file:")  # every kata
        assert text != before or f"    {key}: {value}\n" in text, f"kata.yaml has no place for {key}"
    return text


@pytest.fixture
def ws(tmp_path):
    """A writable copy of the workspace (state files, edited stubs)."""
    return copy_workspace(tmp_path / "ws")


@pytest.fixture(scope="session")
def fast_manifest(tmp_path_factory):
    """The workspace with short time limits, for submissions that hang."""
    root = copy_workspace(tmp_path_factory.mktemp("fast"), time_limit=1, import_time_limit=2)
    return workspace.load_manifest(root)


@pytest.fixture(scope="session")
def fast_grader(fast_manifest):
    with grading.Grader(fast_manifest) as active:
        yield active


def copy_tiny(target: Path, **limits) -> Path:
    """A writable copy of the tiny workspace; ``limits`` (``time_limit=0.5``) rewrite its kata.yaml values."""
    shutil.copytree(TINY, target)
    if limits:
        (target / "kata.yaml").write_text(with_limits((target / "kata.yaml").read_text(), limits))
    return target


@pytest.fixture(scope="session")
def tiny_manifest(tmp_path_factory):
    return workspace.load_manifest(copy_tiny(tmp_path_factory.mktemp("tiny") / "ws"))


@pytest.fixture(scope="session")
def tiny_grader(tiny_manifest):
    with grading.Grader(tiny_manifest) as active:
        yield active


# --- the protections this machine gives, and CI's demand that it give them all ----------------

CI = os.environ.get("CI", "").strip().lower() == "true"
"""Under CI a test needing a protection the sandbox plan lacks fails instead of skipping."""


def _plan():
    from grader.workers.inside import sandbox

    return sandbox.probe()


PLAN = _plan()
LAYERS = {
    "namespaces": PLAN.namespaces,
    "user-namespace": PLAN.user_namespace,
    "private-files": PLAN.private_files,
    "landlock": PLAN.landlock_abi >= 1,
    "landlock-6": PLAN.landlock_abi >= 6,
    "seccomp": PLAN.seccomp,
    "control-groups": bool(PLAN.groups),
    "memory-group": PLAN.memory,
    "rlimits": PLAN.rlimits and os.name == "posix",
    "process-cap": PLAN.rlimits and PLAN.private_files,
    "no-network": PLAN.namespaces or PLAN.seccomp,
    "unprivileged-worker": PLAN.namespaces or (hasattr(os, "geteuid") and os.geteuid() != 0),
}
"""What each name a test may need stands for, in this machine's sandbox plan."""


def _landlock_abi() -> int:
    """The kernel's Landlock ABI, asked directly (not through kata)."""
    import ctypes

    try:
        return max(ctypes.CDLL(None, use_errno=True).syscall(444, None, ctypes.c_size_t(0), ctypes.c_uint32(1)), 0)
    except (OSError, AttributeError):
        return 0


def _user_namespaces() -> bool:
    """Whether an ordinary user (this one, or as root uid 4242) may make a user namespace and mount a tmpfs in
    it: the kernel's answer (a sysctl, an LSM), asked with util-linux, not with kata."""
    import subprocess

    drop = ["setpriv", "--reuid=4242", "--regid=4242", "--clear-groups"] if os.geteuid() == 0 else []
    try:
        return subprocess.run([*drop, "unshare", "--user", "--map-root-user", "--mount", "mount", "-t", "tmpfs",
                               "none", "/tmp"], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


ORDINARY_USER_NAMESPACES = sys.platform.startswith("linux") and _user_namespaces()
"""Whether an ordinary user gets a user namespace here (tests/test_ordinary_user.py runs kata as one)."""
LAYERS["ordinary-user-namespace"] = ORDINARY_USER_NAMESPACES


def _expected() -> dict:
    """What this machine can give, found without kata's probe: root, the kernel, the mounted hierarchies."""
    import platform

    linux = sys.platform.startswith("linux")
    root = linux and os.geteuid() == 0
    own = linux and not root and ORDINARY_USER_NAMESPACES
    cgroup = "/sys/fs/cgroup"
    v1 = all(os.path.exists(f"{cgroup}/{c}/cgroup.procs") for c in ("cpu", "pids"))
    v2 = os.path.exists(f"{cgroup}/cgroup.subtree_control") and {"cpu", "pids"} <= set(
        open(f"{cgroup}/cgroup.subtree_control").read().split())
    abi = _landlock_abi() if linux else 0
    filtered = linux and platform.machine() in ("x86_64", "aarch64")
    return {"namespaces": root, "user-namespace": own, "private-files": root or own, "landlock": abi >= 1,
            "landlock-6": abi >= 6, "seccomp": filtered, "control-groups": root and (v1 or v2),
            "memory-group": root and os.path.exists(f"{cgroup}/memory/memory.limit_in_bytes"),
            "rlimits": os.name == "posix", "process-cap": root or own, "no-network": root or filtered,
            "ordinary-user-namespace": ORDINARY_USER_NAMESPACES, "unprivileged-worker": linux}


EXPECTED = _expected() if CI else {}
"""Under CI: each protection this machine can give, which the plan must then have."""


def needs(*layers: str):
    """Mark a test that needs these protections: skipped where the plan lacks one, a failure under CI."""
    unknown = set(layers) - set(LAYERS)
    assert not unknown, f"unknown protections {unknown}"
    return pytest.mark.protection(*layers)


def pytest_configure(config):
    config.addinivalue_line("markers", "protection(*layers): the sandbox protections a test needs (see needs())")


def pytest_runtest_setup(item):
    # Tests sharing a costly fixture, or needing the machine's cores to themselves, carry an xdist_group mark;
    # where --dist loadgroup does not honour it (pytest 9.2: pytest-dev/pytest-xdist#1386) they would run apart,
    # each building the fixture again, or side by side: say so instead.
    if getattr(item.config.option, "loadgroup", False) and item.get_closest_marker("xdist_group") \
            and "@" not in item.nodeid:
        pytest.fail("--dist loadgroup did not keep this test with its xdist_group: this pytest-xdist does not "
                    "work with this pytest; pip install -e \".[test]\" installs a pair that does")
    for mark in item.iter_markers("protection"):
        lacking = [layer for layer in mark.args if not LAYERS[layer]]
        if CI and any(EXPECTED.get(layer) for layer in lacking):
            pytest.fail(f"this machine's sandbox plan lacks {', '.join(lacking)}; under CI every protection the "
                        "machine can give must be there (see tests/test_protections.py and kata doctor)")
        if lacking:
            pytest.skip(f"needs {', '.join(lacking)} (kata doctor says what this machine gives)")
