"""Isolating a forked worker on Linux, in the child, before learner code exists.

Layers, each used when this machine allows it (:func:`probe` finds out once):

- **namespaces** (root): a private mount namespace, a new network namespace
  (no interface but a down loopback), a new IPC namespace (no System V or
  POSIX message queue shared with anyone) and a new PID namespace whose init
  reaps the worker's children and takes them all down with it;
- **private files**: a size-capped tmpfs over ``/tmp`` holding a scratch
  folder (the only writable place) and a copy of the submission's folder;
  folders other users cannot enter (``/root`` here) are covered by an empty
  tmpfs with only the Python installation bound back in; ``/run``,
  ``/var/run`` and ``/dev/shm`` are empty, private tmpfs (no host sockets, no
  shared memory);
- **an unprivileged uid** per worker, so rlimits on processes apply per worker
  and nothing of root's or of another worker's is writable;
- **control groups** (:mod:`.cgroups`): one core and a task cap per
  fork server, that is per grading job, which holds one student at a time;
- **seccomp** (:mod:`.seccomp`): IP sockets only, so no Unix socket of
  the host can be reached wherever it lives;
- **Landlock**: read only the Python installation, system libraries and the
  submission; write only the scratch folder; no TCP; no signals or abstract
  sockets beyond the worker's own processes;
- **rlimits**: memory, CPU time, file size, open files, processes, core dumps.

:func:`prepare` runs in a worker forked ahead of need, before it knows its
submission, and :func:`isolate` once it does, before learner code exists;
the worker is forked straight into a new PID namespace (:func:`fork`) as its
PID 1, so ending it ends all it started.
"""

from __future__ import annotations

import os
import signal
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ...settings import SettingError, setting
from . import cgroups, landlock, seccomp
from . import syscalls as linux
from .limits import Limits
from .limits import apply as apply_limits

SCRATCH_MOUNT = "/tmp"
SCRATCH = SCRATCH_MOUNT + "/scratch"
SUBMISSION = SCRATCH_MOUNT + "/submission"
SCRATCH_MB = 16
UID_BASE = 2_000_000_000
"""A worker's uid is this plus its process id: unique among live workers, clear of real users."""
PRIVATE_FOLDERS = ("/run", "/var/run", "/dev/shm")
SYSTEM_READ = ("/usr", "/lib", "/lib32", "/lib64", "/bin", "/etc", "/dev/null", "/dev/zero",
               "/dev/urandom", "/dev/random", "/proc/self")


@dataclass(frozen=True)
class Plan:
    """What isolation this machine offers, found once per fork server."""

    namespaces: bool = False
    """Mount, network, IPC and PID namespaces, a private tmpfs and a uid per worker (root)."""
    landlock_abi: int = 0
    read_roots: tuple = field(default_factory=tuple)
    seccomp: bool = False
    groups: cgroups.Groups = field(default_factory=cgroups.Groups)
    """The control group hierarchies a fork server joins a group of (:func:`enter_server`)."""


def probe() -> Plan:
    """Find out which layers work here (costs one short-lived fork).

    ``KATA_SANDBOX=off|landlock`` turns layers off, to measure what they cost.
    """
    try:
        choice = setting("KATA_SANDBOX")
    except SettingError:
        choice = "full"  # the command line has refused it already; here, the safe choice
    if not sys.platform.startswith("linux") or choice == "off":
        return Plan()
    namespaces = choice == "full" and os.geteuid() == 0 and _works_in_child(
        lambda: linux.unshare(linux.CLONE_NEWNS | linux.CLONE_NEWNET | linux.CLONE_NEWIPC | linux.CLONE_NEWPID))
    groups = cgroups.possible() if namespaces else cgroups.Groups()
    filtered = seccomp.available() and _works_in_child(seccomp.install)  # builds the filter here, once
    return Plan(namespaces=namespaces, landlock_abi=landlock.abi_version(),
                read_roots=tuple(_python_paths()), seccomp=filtered, groups=groups)


def _works_in_child(action) -> bool:
    """Whether ``action`` succeeds in a short-lived child (this process is left as it was)."""
    pid = os.fork()
    if pid == 0:
        try:
            action()
            os._exit(0)
        except BaseException:  # noqa: BLE001
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    return os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0


def _python_paths() -> list:
    """Where the Python runtime, its installed packages and kata itself really are.

    Never the current folder, ``PYTHONPATH`` or ``sys.path[0]``: those can be a
    workspace holding the reference solutions, or a folder of submissions.
    For kata itself only the ``grader`` package folder is readable, not the
    checkout around it.
    """
    import site
    import sysconfig

    roots = {sys.prefix, sys.exec_prefix, sys.base_prefix, sys.base_exec_prefix,
             os.path.dirname(os.path.realpath(sys.executable)),
             str(Path(__file__).resolve().parents[2])}  # the grader package (grader/workers/inside/sandbox.py)
    roots |= {sysconfig.get_path(name) for name in ("stdlib", "platstdlib", "purelib", "platlib")}
    roots |= set(site.getsitepackages())
    return sorted({os.path.realpath(p) for p in roots if p and os.path.exists(p)})


def describe(plan: Plan, mode: str) -> list:
    """``(protection, active, detail)`` rows for ``kata doctor``.

    Only forked workers are sandboxed; subprocess workers (``spawn``) get the
    process boundary, time limits and rlimits.
    """
    if mode != "fork":
        plan = Plan()
    abi = plan.landlock_abi
    ns = plan.namespaces
    return [
        ("separate worker process, plain-data results", True, "always"),
        ("started isolated: no current folder or PYTHONPATH", True, "python -I, always"),
        ("sees its own submission's files only", True, "staging, always"),
        ("time limit per call", True, "always"),
        ("resource limits (memory, CPU time, files, no core dumps)", os.name == "posix", "POSIX rlimits"),
        ("private network (no network, no loopback)", ns, "network namespace; needs root"),
        ("processes die with their call", ns, "PID namespace; needs root"),
        ("private, size-capped scratch folder", ns, f"tmpfs of {SCRATCH_MB} MiB; needs root"),
        ("no shared memory or message queues with others", ns, "IPC namespace, private /dev/shm; needs root"),
        ("host sockets under /run hidden", ns, "private /run and /var/run; needs root"),
        ("a user of its own per worker", ns, f"uid {UID_BASE} + pid; needs root"),
        ("one core and a task cap per student being graded", bool(plan.groups),
         "control groups (cpu, pids)" if plan.groups else "needs root and cgroup cpu/pids"),
        ("file access limited to Python and the submission", abi >= 1, f"Landlock ABI {abi}" if abi else "needs Landlock"),
        ("no TCP connect or bind", abi >= 4 or ns, "Landlock ABI 4+ or network namespace"),
        ("no signals to other processes", abi >= 6, "Landlock ABI 6+ scoping"),
        ("no Unix, netlink or raw sockets at all", plan.seccomp, "seccomp filter" if plan.seccomp
         else "needs Linux on x86-64 or arm64"),
    ]


def fork(plan: Plan) -> int:
    """Fork a worker; with namespaces, as PID 1 of a new PID namespace.

    When that worker ends, the kernel ends every process in its namespace.
    The fork server itself returns to its own namespace at once.
    """
    if not plan.namespaces:
        return os.fork()
    own = os.open("/proc/self/ns/pid", os.O_RDONLY | os.O_CLOEXEC)
    linux.unshare(linux.CLONE_NEWPID)
    try:
        pid = os.fork()
    except OSError:
        pid = -1
    if pid != 0:
        linux.setns(own, linux.CLONE_NEWPID)
    os.close(own)
    if pid < 0:
        raise OSError("fork failed")
    return pid


def prepare(plan: Plan) -> None:
    """In a forked worker that does not know its submission yet: every layer that does not depend on it.

    The worker's own namespaces (mount, IPC and, without seccomp, network);
    ``/run``, ``/var/run``, ``/dev/shm`` and the folders an unprivileged user
    cannot enter covered; a private tmpfs over ``/tmp`` with an empty
    submission folder and the worker's scratch folder; the seccomp filter.
    The fork server forks each worker ahead of need
    (:mod:`grader.workers.inside.forkserver`), which runs this before it waits, so
    a submission waits for none of it. The submission's files then arrive
    as bytes on the channel (:func:`isolate`): the worker never reads the
    trusted side's staging folder, which this has covered.
    """
    if not plan.namespaces:
        return
    linux.prctl(linux.PR_SET_PDEATHSIG, signal.SIGKILL)
    linux.unshare(linux.CLONE_NEWNS | linux.CLONE_NEWIPC | (0 if _shared_network(plan) else linux.CLONE_NEWNET))
    linux.mount("none", "/", None, linux.MS_REC | linux.MS_PRIVATE)
    for folder, keep in _blocked_folders(plan).items():
        _cover(folder, keep, size="1m")
    for folder in PRIVATE_FOLDERS:
        if os.path.isdir(folder) and not os.path.islink(folder):
            _cover(folder, [], size="1m")
    _cover(SCRATCH_MOUNT, _outermost([r for r in plan.read_roots if _under(r, SCRATCH_MOUNT)]),
           size=f"{SCRATCH_MB}m")
    os.mkdir(SUBMISSION, 0o755)
    os.mkdir(SCRATCH, 0o700)
    uid = _worker_uid()
    os.chown(SCRATCH, uid, uid)
    if plan.seccomp:
        seccomp.install()


def wants_files(plan: Plan) -> bool:
    """Whether a worker takes its submission's files as bytes (namespaces) or reads them where they are."""
    return plan.namespaces


def isolate(plan: Plan, learner_path: str, limits: Limits, files: dict | None = None, scratch: str | None = None):
    """In the forked worker, after :func:`prepare`: apply the rest of ``plan`` (fd 3 is the channel).

    ``files``: ``{relative path: bytes}`` of the submission whose learner file
    is ``learner_path`` (with namespaces, see :func:`wants_files`). ``scratch``:
    without namespaces, the empty folder the trusted side made for this worker
    (and removes when it ends). Returns ``(path, after_call)``: the learner
    file to import and a function to run after each call.
    """
    if not plan.namespaces:
        return _landlock_only(plan, learner_path, limits, scratch)
    for name, data in (files or {}).items():
        target = os.path.join(SUBMISSION, *name.split("/"))
        os.makedirs(os.path.dirname(target), mode=0o755, exist_ok=True)
        with open(target, "wb") as handle:
            handle.write(data)
    os.chdir(SCRATCH)
    os.environ.update(HOME=SCRATCH, TMPDIR=SCRATCH)
    uid = _worker_uid()
    _drop_user(uid)
    apply_limits(limits, own_uid=True)
    if plan.landlock_abi:
        landlock.restrict([*plan.read_roots, *SYSTEM_READ, SUBMISSION], [SCRATCH], plan.landlock_abi)
    return os.path.join(SUBMISSION, os.path.basename(learner_path)), kill_strays


def _worker_uid() -> int:
    """This worker's own uid; the host's procfs (not remounted) gives the pid outside the namespace."""
    return UID_BASE + int(os.readlink("/proc/self"))


def _shared_network(plan: Plan) -> bool:
    """Whether workers share their fork server's empty network namespace (see :func:`enter_server`).

    Sharing is safe only where workers cannot make Unix sockets (seccomp):
    abstract ones belong to the network namespace. Loopback stays down, and
    an unprivileged worker cannot bring it up.
    """
    return plan.namespaces and plan.seccomp


def enter_server(plan: Plan, network: bool = True) -> bool:
    """In a fork server (and each clone), once: join a control group of its own, and
    (``network``) move into a new, empty network namespace.

    Workers inherit both instead of each making their own: a new network
    namespace is the costliest to make, and joining a group costs milliseconds.
    Returns whether the control group was joined.
    """
    if network and _shared_network(plan):
        linux.unshare(linux.CLONE_NEWNET)
    return bool(plan.groups and cgroups.join())


def _restrict(plan: Plan, submission: str, scratch: str) -> None:
    """The last layers: Landlock, then the seccomp filter."""
    if plan.landlock_abi:
        landlock.restrict([*plan.read_roots, *SYSTEM_READ, submission], [scratch], plan.landlock_abi)
    if plan.seccomp:
        seccomp.install()


def kill_strays() -> None:
    """After a call: end every process the call started.

    The worker is PID 1 of its own namespace, so ``kill(-1)`` reaches exactly
    the processes it started (and their orphans, which it then reaps).
    """
    try:
        os.kill(-1, signal.SIGKILL)
    except OSError:
        pass
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _landlock_only(plan: Plan, learner_path: str, limits: Limits, scratch: str | None):
    if scratch is None or not os.path.isdir(scratch):
        raise RuntimeError("a worker without namespaces needs the scratch folder the trusted side made")
    os.chdir(scratch)
    os.environ.update(HOME=scratch, TMPDIR=scratch)
    apply_limits(limits)
    _restrict(plan, os.path.dirname(os.path.abspath(learner_path)), scratch)
    return learner_path, None


def _blocked_folders(plan: Plan) -> dict:
    """Folders an unprivileged user cannot enter on the way to a Python path."""
    blocked: dict = {}
    for root in plan.read_roots:
        parts = Path(root).parts
        for depth in range(2, len(parts)):
            folder = str(Path(*parts[:depth]))
            if not os.stat(folder).st_mode & stat.S_IXOTH:
                blocked.setdefault(folder, []).append(root)
                break
    return {folder: _outermost(roots) for folder, roots in blocked.items()}


def _outermost(paths: list) -> list:
    """Drop paths that lie inside another path of the list."""
    return [p for p in paths if not any(q != p and _under(p, q) for q in paths)]


def _cover(folder: str, keep: list, size: str) -> None:
    """Mount an empty tmpfs over ``folder``, then bind the ``keep`` paths back in."""
    held = {path: os.open(path, os.O_PATH) for path in keep}
    linux.mount("tmpfs", folder, "tmpfs", linux.MS_NOSUID | linux.MS_NODEV, f"size={size},mode=755")
    for path, fd in held.items():
        if os.path.isdir(f"/proc/self/fd/{fd}"):
            os.makedirs(path, exist_ok=True)
        else:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            open(path, "a").close()
        linux.mount(f"/proc/self/fd/{fd}", path, None, linux.MS_BIND | linux.MS_REC)
        os.close(fd)


def _under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def _drop_user(uid: int) -> None:
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)


def summary(plan: Plan, mode: str) -> str:
    """One line: which protections are on, and which are missing."""
    rows = describe(plan, mode)
    missing = [name for name, active, _ in rows if not active]
    line = f"{sum(active for _, active, _ in rows)}/{len(rows)} protections active"
    return line + (f"; missing: {', '.join(missing)} (see kata doctor)" if missing else "")
