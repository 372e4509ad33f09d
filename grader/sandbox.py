"""Isolating a forked worker on Linux, in the child, before learner code exists.

Layers, each used when this machine allows it (:func:`probe` finds out once):

- **namespaces** (root): a private mount namespace, a new network namespace
  (no interface but a down loopback) and a new PID namespace whose init
  reaps the worker's children and takes them all down with it;
- **private files**: a size-capped tmpfs over ``/tmp`` holding a scratch
  folder (the only writable place) and a copy of the submission's folder;
  folders other users cannot enter (``/root`` here) are covered by an empty
  tmpfs with only the Python installation bound back in;
- **an unprivileged uid** per fork server, so rlimits on processes apply and
  nothing of root's is writable;
- **Landlock**: read only the Python installation, system libraries and the
  submission; write only the scratch folder; no TCP; no signals or abstract
  sockets beyond the worker's own processes;
- **rlimits**: memory, CPU time, file size, open files, processes, core dumps.

:func:`isolate` runs in the freshly forked worker before learner code exists; the worker is forked straight into a new PID namespace
(:func:`fork`) as its PID 1, so ending it ends all it started.
"""

from __future__ import annotations

import os
import signal
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path

from . import landlock, linux
from .limits import Limits, apply as apply_limits

SCRATCH_MOUNT = "/tmp"
SCRATCH = SCRATCH_MOUNT + "/scratch"
SUBMISSION = SCRATCH_MOUNT + "/submission"
SCRATCH_MB = 16
SUBMISSION_BYTES = 8 * 1024 * 1024
SUBMISSION_FILES = 500
UID_BASE = 61000
SYSTEM_READ = ("/usr", "/lib", "/lib32", "/lib64", "/bin", "/etc", "/dev/null", "/dev/zero",
               "/dev/urandom", "/dev/random", "/proc/self")


@dataclass(frozen=True)
class Plan:
    """What isolation this machine offers, found once per fork server."""

    namespaces: bool = False
    landlock_abi: int = 0
    uid: int | None = None
    read_roots: tuple = field(default_factory=tuple)


def probe() -> Plan:
    """Find out which layers work here (costs one short-lived fork).

    ``KATA_SANDBOX=off|landlock`` turns layers off, to measure what they cost.
    """
    choice = os.environ.get("KATA_SANDBOX", "full")
    if not sys.platform.startswith("linux") or choice == "off":
        return Plan()
    namespaces = choice == "full" and os.geteuid() == 0 and _can_unshare()
    uid = UID_BASE + os.getpid() % 20000 if namespaces else None
    return Plan(namespaces=namespaces, landlock_abi=landlock.abi_version(), uid=uid,
                read_roots=tuple(_python_paths()))


def _can_unshare() -> bool:
    pid = os.fork()
    if pid == 0:
        try:
            linux.unshare(linux.CLONE_NEWNS | linux.CLONE_NEWNET | linux.CLONE_NEWPID)
            os._exit(0)
        except BaseException:  # noqa: BLE001
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    return os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0


def _python_paths() -> list:
    roots = {sys.prefix, sys.exec_prefix, sys.base_prefix, sys.base_exec_prefix}
    roots |= {p for p in sys.path if p and os.path.exists(p)}
    roots.add(os.path.dirname(os.path.realpath(sys.executable)))
    return sorted(os.path.realpath(p) for p in roots)


def describe(plan: Plan, mode: str) -> list:
    """``(protection, active, detail)`` rows for ``kata doctor``.

    Only forked workers are sandboxed; subprocess workers (``spawn``) get the
    process boundary, time limits and rlimits.
    """
    if mode != "fork":
        plan = Plan()
    abi = plan.landlock_abi
    return [
        ("separate worker process, plain-data results", True, "always"),
        ("time limit per call", True, "always"),
        ("resource limits (memory, file size, cores)", os.name == "posix", "POSIX rlimits"),
        ("private network (no network, no loopback)", plan.namespaces, "network namespace; needs root"),
        ("processes die with their call", plan.namespaces, "PID namespace; needs root"),
        ("private, size-capped scratch folder", plan.namespaces, f"tmpfs of {SCRATCH_MB} MiB; needs root"),
        ("unprivileged user", plan.uid is not None, f"uid {plan.uid}" if plan.uid else "needs root"),
        ("file access limited to Python and the submission", abi >= 1, f"Landlock ABI {abi}" if abi else "needs Landlock"),
        ("no TCP connect or bind", abi >= 4 or plan.namespaces, "Landlock ABI 4+ or network namespace"),
        ("no signals to other processes", abi >= 6, "Landlock ABI 6+ scoping"),
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


def isolate(plan: Plan, learner_path: str, limits: Limits):
    """In the forked worker: apply every layer of ``plan`` (fd 3 is the channel).

    Returns ``(path, after_call)``: the learner file to import and a function
    to run after each call.
    """
    files = _read_submission(Path(learner_path).parent)
    if not plan.namespaces:
        return _landlock_only(plan, learner_path, limits)
    linux.prctl(linux.PR_SET_PDEATHSIG, signal.SIGKILL)
    linux.unshare(linux.CLONE_NEWNS | linux.CLONE_NEWNET)
    _private_files(plan, files)
    _drop_user(plan.uid)
    apply_limits(limits, own_uid=True)
    if plan.landlock_abi:
        landlock.restrict([*plan.read_roots, *SYSTEM_READ, SUBMISSION], [SCRATCH], plan.landlock_abi)
    return os.path.join(SUBMISSION, os.path.basename(learner_path)), kill_strays


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


def _landlock_only(plan: Plan, learner_path: str, limits: Limits):
    import tempfile

    scratch = tempfile.mkdtemp(prefix="kata-scratch-")
    os.chdir(scratch)
    os.environ.update(HOME=scratch, TMPDIR=scratch)
    apply_limits(limits)
    if plan.landlock_abi:
        folder = os.path.dirname(os.path.abspath(learner_path))
        landlock.restrict([*plan.read_roots, *SYSTEM_READ, folder], [scratch], plan.landlock_abi)
    return learner_path, None


def _read_submission(folder: Path) -> dict:
    """The submission's files by relative path: the learner file's folder and its
    subfolders (helper packages, data), without links, hidden entries or caches,
    up to SUBMISSION_FILES files and SUBMISSION_BYTES bytes."""
    files, total = {}, 0
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__"
                         and not os.path.islink(os.path.join(root, d)))
        for name in sorted(names):
            path = Path(root, name)
            try:
                if name.startswith(".") or path.is_symlink() or not path.is_file():
                    continue
                size = path.stat().st_size
                if total + size > SUBMISSION_BYTES or len(files) >= SUBMISSION_FILES:
                    return files
                files[path.relative_to(folder).as_posix()] = path.read_bytes()
                total += size
            except OSError:
                continue
    return files


def _private_files(plan: Plan, files: dict) -> None:
    linux.mount("none", "/", None, linux.MS_REC | linux.MS_PRIVATE)
    for folder, keep in _blocked_folders(plan).items():
        _cover(folder, keep, size="1m")
    _cover(SCRATCH_MOUNT, _outermost([r for r in plan.read_roots if _under(r, SCRATCH_MOUNT)]),
           size=f"{SCRATCH_MB}m")
    os.mkdir(SUBMISSION, 0o755)
    for name, data in files.items():
        target = os.path.join(SUBMISSION, *name.split("/"))
        os.makedirs(os.path.dirname(target), mode=0o755, exist_ok=True)
        with open(target, "wb") as handle:
            handle.write(data)
    os.mkdir(SCRATCH, 0o700)
    os.chown(SCRATCH, plan.uid, plan.uid)
    os.chdir(SCRATCH)
    os.environ.update(HOME=SCRATCH, TMPDIR=SCRATCH)


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


def _drop_user(uid: int | None) -> None:
    if uid is None:
        return
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)


def summary(plan: Plan, mode: str) -> str:
    """One line: which protections are on, and which are missing."""
    rows = describe(plan, mode)
    missing = [name for name, active, _ in rows if not active]
    line = f"{sum(active for _, active, _ in rows)}/{len(rows)} protections active"
    return line + (f"; missing: {', '.join(missing)} (see kata doctor)" if missing else "")
