"""Isolating a forked worker on Linux, in the child, before learner code exists.

Layers, each used when this machine allows it (:func:`probe` finds out once);
``KATA_SANDBOX_OFF`` turns named ones off, for tests and measurements:

- **namespaces** (root): a private mount namespace, a new network namespace
  (no interface but a down loopback), a new IPC namespace (no System V or
  POSIX message queue shared with anyone) and a new PID namespace whose init
  reaps the worker's children and takes them all down with it, and an
  unprivileged uid per worker, so rlimits on processes apply per worker and
  nothing of root's or of another worker's is writable;
- **a user namespace** (an ordinary user, where the kernel allows it:
  :mod:`.userns`): private mount and IPC namespaces in
  it, for the private files below, and a process count of the worker's own;
- **private files** (either of the above): a size-capped tmpfs over ``/tmp``
  holding a scratch folder (the only writable place) and a copy of the
  submission's folder; folders other users cannot enter (``/root`` here) are
  covered by an empty tmpfs with only the Python installation bound back in
  (root); ``/run``, ``/var/run`` and ``/dev/shm`` are empty, private tmpfs (no
  host sockets, no shared memory);
- **control groups** (:mod:`.cgroups`, root): one core
  and a task cap per fork server, that is per grading job, which holds one
  student at a time; a memory cap per worker, its children included;
- **seccomp** (:mod:`.seccomp`): IP sockets only where
  there is a network namespace, none elsewhere; no Unix sockets; no new
  session or process group (so every process a worker starts ends with it),
  no new namespace, no io_uring;
- **Landlock**: read only the Python installation, system libraries and the
  submission; write only the scratch folder; no TCP; no signals or abstract
  sockets beyond the worker's own processes;
- **rlimits**: memory, CPU time, file size, open files, processes, core dumps.

:func:`prepare` runs in a worker forked ahead of need, before it knows its
submission, and :func:`isolate` once it does, before learner code exists;
with namespaces, the worker is forked straight into a new PID namespace
(:func:`fork`) as its PID 1, so ending it ends all it started.
:mod:`grader.workers.inside.protections` says what a plan protects against.
"""

from __future__ import annotations

import os
import signal
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ...settings import SettingError, layers_off, setting
from . import cgroups, landlock, private, seccomp, userns
from . import syscalls as linux
from .limits import MIB, Limits
from .limits import apply as apply_limits
from .private import SCRATCH, SCRATCH_MB, SUBMISSION

UID_BASE = 2_000_000_000
"""A worker's uid is this plus its process id: unique among live workers, clear of real users."""
SYSTEM_READ = ("/usr", "/lib", "/lib32", "/lib64", "/bin", "/etc", "/dev/null", "/dev/zero",
               "/dev/urandom", "/dev/random", "/proc/self")
SYSTEM_WRITE = ("/dev/null",)
"""Writable besides the scratch folder: ``subprocess.run(..., stdout=DEVNULL)`` opens it for writing."""


@dataclass(frozen=True)
class Plan:
    """What isolation this machine offers, found once per fork server."""

    namespaces: bool = False
    """Mount, network, IPC and PID namespaces, a private tmpfs and a uid per worker (root)."""
    user_namespace: bool = False
    """A user namespace with mount and IPC namespaces in it, and a private tmpfs (an ordinary user)."""
    landlock_abi: int = 0
    read_roots: tuple = field(default_factory=tuple)
    seccomp: bool = False
    groups: cgroups.Groups = field(default_factory=cgroups.Groups)
    """The control group hierarchies: a fork server joins a group of its own in each
    (:func:`enter_server`), a worker one of its own in the memory hierarchy (:func:`prepare`)."""
    rlimits: bool = True

    @property
    def private_files(self) -> bool:
        """A private, size-capped ``/tmp``, ``/run`` and ``/dev/shm``, and System V IPC of its own."""
        return self.namespaces or self.user_namespace

    @property
    def memory(self) -> bool:
        """A memory group per worker, its children included."""
        return self.namespaces and bool(self.groups.memory)


def probe() -> Plan:
    """Find out which layers work here (costs short-lived forks).

    ``KATA_SANDBOX=off|landlock`` and ``KATA_SANDBOX_OFF=layer,...`` turn
    layers off, to measure what they cost and to show what each defends.
    """
    try:
        choice, off = setting("KATA_SANDBOX"), layers_off()
    except SettingError:
        choice, off = "full", frozenset()  # the command line has refused it already; here, the safe choice
    rlimits = "rlimits" not in off
    if not sys.platform.startswith("linux") or choice == "off":
        return Plan(rlimits=rlimits)
    root = os.geteuid() == 0
    namespaces = choice == "full" and root and "namespaces" not in off and _works_in_child(
        lambda: linux.unshare(linux.CLONE_NEWNS | linux.CLONE_NEWNET | linux.CLONE_NEWIPC | linux.CLONE_NEWPID))
    own = choice == "full" and not root and "user-namespace" not in off and _works_in_child(_try_user_namespace)
    groups = cgroups.possible() if namespaces and "control-groups" not in off else cgroups.Groups()
    if "memory-group" in off or not cgroups.usable(groups.memory):
        groups = cgroups.Groups(groups.parents)
    filtered = ("seccomp" not in off and seccomp.available()
                and _works_in_child(lambda: seccomp.install(allow_ip=namespaces)))
    if filtered:  # built here, in this process (the fork server), so every worker it forks inherits it:
        seccomp.compiled(namespaces)  # workers install allow_ip=namespaces (_restrict: none there, so False)
    return Plan(namespaces=namespaces, user_namespace=own,
                landlock_abi=0 if "landlock" in off else landlock.abi_version(),
                read_roots=tuple(_python_paths()), seccomp=filtered, groups=groups, rlimits=rlimits)


def _try_user_namespace() -> None:
    """What :func:`prepare` does as an ordinary user, in short: a sandbox may forbid any step of it."""
    userns.enter()
    linux.mount("none", "/", None, linux.MS_REC | linux.MS_PRIVATE)
    linux.mount("tmpfs", private.SCRATCH_MOUNT, "tmpfs", linux.MS_NOSUID | linux.MS_NODEV, "size=1m,mode=755")
    userns.drop_capabilities()


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

    Its own namespaces (root: mount, IPC and, without seccomp, network; an
    ordinary user: a user namespace with mount and IPC namespaces) and memory
    group; ``/run``, ``/var/run``, ``/dev/shm`` and the folders an
    unprivileged user cannot enter covered; a private tmpfs over ``/tmp`` with
    an empty submission folder and the worker's scratch folder; the seccomp
    filter. The fork server forks each worker ahead of need
    (:mod:`grader.workers.inside.forkserver`), which runs this before it waits, so
    a submission waits for none of it. The submission's files then arrive
    as bytes on the channel (:func:`isolate`): the worker never reads the
    trusted side's staging folder, which this has covered.
    """
    linux.prctl(linux.PR_SET_PDEATHSIG, signal.SIGKILL)
    if not plan.private_files:
        return
    if plan.memory:  # first: what it copies from here on is its own; capped as the default kata's until it knows
        cgroups.limit_worker(cgroups.join_worker(plan.groups, _host_pid()), _memory_cap(Limits()))
    if plan.namespaces:
        linux.unshare(linux.CLONE_NEWNS | linux.CLONE_NEWIPC | (0 if _shared_network(plan) else linux.CLONE_NEWNET))
    else:
        userns.enter()
    private.make(plan.read_roots, owner=_worker_uid() if plan.namespaces else None)
    if not plan.namespaces:
        userns.drop_capabilities()  # none left to unmount its tmpfs with
    if plan.seccomp:
        seccomp.install(allow_ip=plan.namespaces)


def wants_files(plan: Plan) -> bool:
    """Whether a worker takes its submission's files as bytes (private files) or reads them where they are."""
    return plan.private_files


def isolate(plan: Plan, learner_path: str, limits: Limits, files: dict | None = None, scratch: str | None = None):
    """In the forked worker, after :func:`prepare`: apply the rest of ``plan`` (fd 3 is the channel).

    ``files``: ``{relative path: bytes}`` of the submission whose learner file
    is ``learner_path`` (with private files, see :func:`wants_files`).
    ``scratch``: without, the empty folder the trusted side made for this
    worker (and removes when it ends). Returns ``(path, after_call)``: the
    learner file to import and a function to run after each call.
    """
    if not plan.private_files:
        return _landlock_only(plan, learner_path, limits, scratch)
    private.write_submission(files or {})
    os.chdir(SCRATCH)
    os.environ.update(HOME=SCRATCH, TMPDIR=SCRATCH)
    if plan.memory and limits.memory_mb != Limits().memory_mb:  # else the cap prepare() set is the kata's
        try:  # (setting a cap costs about a millisecond: done ahead of need when it can be)
            cgroups.limit_worker(cgroups.worker_folder(plan.groups, _host_pid()), _memory_cap(limits))
        except OSError:
            pass  # the cap prepare() set stands
    if plan.namespaces:
        _drop_user(_worker_uid())
    if plan.rlimits:
        apply_limits(limits, own_uid=True)  # a uid of its own, or a user namespace: its processes are its own
    _landlock(plan, SUBMISSION, SCRATCH)
    return os.path.join(SUBMISSION, os.path.basename(learner_path)), kill_strays if plan.namespaces else None


def _memory_cap(limits: Limits) -> int:
    """The worker group's memory: the kata's ``memory_mb``, plus what the worker holds now (each page it
    shares with the fork server may be copied once) and its tmpfs."""
    resident = 0
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                resident = int(line.split()[1]) * 1024
    return (limits.memory_mb + 2 * SCRATCH_MB) * MIB + resident


def _host_pid() -> int:
    """This process's pid as the fork server knows it: the host's procfs (not remounted) gives it even
    inside a PID namespace."""
    return int(os.readlink("/proc/self"))


def _worker_uid() -> int:
    """This worker's own uid."""
    return UID_BASE + _host_pid()


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
    return bool(plan.groups and cgroups.join(plan.groups))


def _restrict(plan: Plan, submission: str, scratch: str) -> None:
    """The last layers: Landlock, then the seccomp filter (no IP sockets: there is no network namespace)."""
    _landlock(plan, submission, scratch)
    if plan.seccomp:
        seccomp.install(allow_ip=False)


def _landlock(plan: Plan, submission: str, scratch: str) -> None:
    """Landlock, where the plan has it: read the Python installation, the system and ``submission``;
    write only ``scratch``."""
    if plan.landlock_abi:
        landlock.restrict([*plan.read_roots, *SYSTEM_READ, submission], [scratch, *SYSTEM_WRITE], plan.landlock_abi)


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
        raise RuntimeError("a worker without private files needs the scratch folder the trusted side made")
    os.chdir(scratch)
    os.environ.update(HOME=scratch, TMPDIR=scratch)
    if plan.rlimits:
        apply_limits(limits)
    _restrict(plan, os.path.dirname(os.path.abspath(learner_path)), scratch)
    return learner_path, None


def _drop_user(uid: int) -> None:
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
