"""What a sandbox plan protects against, in words: ``kata doctor``'s rows and ``kata grade``'s one line.

Every row names a protection a learner's code meets, whether it is active
with this plan (:class:`grader.workers.inside.sandbox.Plan`) and worker mode,
and how it is had, or what it needs. docs/SECURITY.md lists the same rows per
mode (root, an ordinary user, spawned workers, Dask).
"""

from __future__ import annotations

import os

from .private import SCRATCH_MB
from .sandbox import UID_BASE, Plan


def describe(plan: Plan, mode: str) -> list:
    """``(protection, active, detail)`` rows for ``kata doctor``.

    Only forked workers are sandboxed; subprocess workers (``spawn``) get the
    process boundary, time limits and rlimits.
    """
    if mode != "fork":
        plan = Plan(rlimits=plan.rlimits)
    abi, ns, private = plan.landlock_abi, plan.namespaces, plan.private_files
    own_files = "namespaces (root)" if ns else "a user namespace"
    no_ip = plan.seccomp and not ns
    return [
        ("separate worker process, plain-data results", True, "always"),
        ("started isolated: no current folder or PYTHONPATH", True, "python -I, always"),
        ("sees its own submission's files only", True, "staging, always"),
        ("time limit per call", True, "always"),
        ("resource limits per process (memory, file size, open files)", os.name == "posix" and plan.rlimits,
         "POSIX rlimits"),
        ("memory capped for a worker and its children together", plan.memory,
         "a memory control group per worker" if plan.memory else "needs root and cgroup v1's memory controller"),
        ("a process cap of its own per worker (64)", (ns or plan.user_namespace) and plan.rlimits,
         "its own uid (root) or user namespace, RLIMIT_NPROC"),
        ("private network (no network, no loopback)", ns or no_ip,
         "network namespace" if ns else "seccomp: no IP sockets at all (TCP and UDP)" if no_ip
         else "needs root, or Linux on x86-64 or arm64"),
        ("processes die with their call", ns, "PID namespace; needs root"),
        ("processes die with their worker", ns or plan.seccomp,
         "PID namespace" if ns else "seccomp: no new session or process group" if plan.seccomp
         else "needs root, or Linux on x86-64 or arm64"),
        ("private, size-capped scratch folder, off the host's disk", private,
         f"tmpfs of {SCRATCH_MB} MiB in {own_files}" if private
         else "needs root or unprivileged user namespaces; the scratch folder is on the host's disk, uncapped"),
        ("no shared memory or message queues with others", private,
         "IPC namespace, private /dev/shm" + ("" if private else "; needs root or user namespaces")),
        ("host sockets under /run hidden", private,
         "private /run and /var/run" + ("" if private else "; needs root or user namespaces")),
        ("a user of its own per worker", ns, f"uid {UID_BASE} + pid; needs root"),
        ("one core and a task cap per student being graded", bool(plan.groups),
         "control groups (cpu, pids)" if plan.groups else "needs root and cgroup cpu/pids"),
        ("file access limited to Python and the submission", abi >= 1, f"Landlock ABI {abi}" if abi else "needs Landlock"),
        ("no TCP connect or bind", abi >= 4 or ns or no_ip, "Landlock ABI 4+, network namespace or seccomp"),
        ("no signals to other processes", abi >= 6, "Landlock ABI 6+ scoping"),
        ("no Unix, netlink or raw sockets at all", plan.seccomp, "seccomp filter" if plan.seccomp
         else "needs Linux on x86-64 or arm64"),
        ("no new namespaces, sessions or io_uring", plan.seccomp, "seccomp filter" if plan.seccomp
         else "needs Linux on x86-64 or arm64"),
    ]


def missing(plan: Plan, mode: str) -> list:
    """The names of the protections this plan lacks."""
    return _lacking(describe(plan, mode))


def _lacking(rows: list) -> list:
    """The names of the inactive protections among ``rows`` (from :func:`describe`)."""
    return [name for name, active, _ in rows if not active]


def summary(plan: Plan, mode: str) -> str:
    """One line: how many protections are on, and which are missing."""
    rows = describe(plan, mode)
    lacking = _lacking(rows)
    line = f"{len(rows) - len(lacking)}/{len(rows)} protections active"
    return line + (f"; missing: {', '.join(lacking)} (see kata doctor)" if lacking else "")
