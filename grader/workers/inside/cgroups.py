"""Control groups: one core and a task cap per grading job, and a memory cap per worker.

Without them, a worker that starts dozens of CPU-burning processes (each in a
session of its own, out of reach of the scheduler's autogroups) takes the
machine from a classmate graded at the same time, whose honest calls then
run out of time; and a worker whose children each take the address-space
limit holds many times its memory (four children of 500 MB held 1,952 MiB
under a 1 GiB cap).

- **cpu and pids, per fork server**: a fork server serves one grading job,
  which grades one student at a time; everything it runs shares at most one
  core (``cpu`` quota) and :data:`TASKS` tasks (``pids.max``). Joining a group
  costs milliseconds on some kernels (cgroup v1 waits for an RCU grace
  period), so it happens once per fork server.
- **memory, per worker**: a worker joins a ``memory`` group of its own while
  it is forked ahead of need (before it knows its submission, so no
  submission waits for it), and limits it once it knows the kata's
  ``memory_mb`` (:func:`limit_worker`): the worker and every process it
  starts share that memory, swap included. The fork server removes the group
  when it reaps the worker.

cgroup v1 (``cpu``, ``pids``, ``memory`` hierarchies) and cgroup v2 (``cpu``
and ``pids`` only, in one tree) where kata may create groups (root). In v1,
kata's groups are made inside the group the trusted process was started in
(``/proc/self/cgroup``), so limits the machine set on it still hold. Groups
live under ``kata/`` there, named by the fork server's or worker's pid;
stale ones (their process is gone) are swept by the next fork server.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from . import syscalls as linux

ROOT = "/sys/fs/cgroup"
PARENT = "kata"
PERIOD_US = 100_000
TASKS = 512
"""Tasks of one grading job: a few workers at a time, each capped at 64 processes by its uid."""


@dataclass(frozen=True)
class Groups:
    """Where kata makes its groups: ``(controller, folder)`` pairs for the fork servers' cpu and pids
    groups, and the folder of the memory hierarchy for the workers' (empty where there is none)."""

    parents: tuple = ()
    memory: str = ""

    def __bool__(self) -> bool:
        return bool(self.parents)


def possible() -> Groups:
    """The hierarchies kata would use here, creating nothing (read from this process's own groups)."""
    if not os.path.isdir(ROOT) or not hasattr(os, "geteuid") or os.geteuid() != 0:
        return Groups()
    own = _own_groups()
    v1 = [(c, os.path.join(ROOT, c) + own.get(c, "/").rstrip("/")) for c in ("cpu", "pids")]
    memory = os.path.join(ROOT, "memory") + own.get("memory", "/").rstrip("/")
    memory = memory if os.path.exists(os.path.join(memory, "memory.limit_in_bytes")) else ""
    if all(os.path.exists(os.path.join(folder, "cgroup.procs")) for _, folder in v1):
        return Groups(tuple(v1), memory)
    if {"cpu", "pids"} <= set(_words(os.path.join(ROOT, "cgroup.subtree_control"))):
        return Groups((("v2", ROOT),), memory)
    return Groups((), memory)


def join(groups: Groups, cores: float = 1.0, tasks: int = TASKS) -> Groups:
    """In a fork server: make its groups, limit them, move itself in; empty Groups if refused."""
    name = str(os.getpid())
    made = []
    try:
        for controller, root in groups.parents:
            parent = os.path.join(root, PARENT)
            os.makedirs(parent, exist_ok=True)
            if controller == "v2":
                linux.write_text(os.path.join(parent, "cgroup.subtree_control"), "+cpu +pids")
            _sweep(parent)
            folder = os.path.join(parent, name)
            os.makedirs(folder, exist_ok=True)
            made.append((controller, folder))
            _limit(controller, folder, tasks, int(PERIOD_US * cores))
            linux.write_text(os.path.join(folder, "cgroup.procs"), "0")
    except OSError:
        _leave(made)
        return Groups()
    if groups.memory:
        _sweep(os.path.join(groups.memory, PARENT))
    return Groups(tuple(made))


def remove(pid: int, groups: Groups | None = None) -> None:
    """Remove the groups of the fork server ``pid`` once it has ended (best effort)."""
    for _, root in (groups or possible()).parents:
        _rmdir(os.path.join(root, PARENT, str(pid)))


def usable(memory: str) -> bool:
    """Whether kata may make workers' groups in the memory hierarchy folder ``memory``."""
    if not memory:
        return False
    try:
        os.makedirs(os.path.join(memory, PARENT), exist_ok=True)
    except OSError:
        return False
    return os.access(os.path.join(memory, PARENT), os.W_OK)


def worker_folder(groups: Groups, pid: int) -> str:
    """The memory group of the worker ``pid`` (its pid as the fork server knows it)."""
    return os.path.join(groups.memory, PARENT, str(pid))


def join_worker(groups: Groups, pid: int) -> str:
    """In a worker (root), before learner code: a memory group of its own. Returns its folder; OSError
    if refused (the worker then ends before it learns a submission: kata's fault, not the learner's)."""
    folder = worker_folder(groups, pid)
    os.makedirs(folder, exist_ok=True)
    linux.write_text(os.path.join(folder, "cgroup.procs"), "0")
    return folder


def limit_worker(folder: str, limit: int) -> None:
    """Cap the worker group at ``folder`` to ``limit`` bytes of memory, and as much memory and swap together."""
    linux.write_text(os.path.join(folder, "memory.limit_in_bytes"), str(limit))
    swap = os.path.join(folder, "memory.memsw.limit_in_bytes")
    if os.path.exists(swap):
        linux.write_text(swap, str(limit))


def remove_worker(groups: Groups, pid: int) -> None:
    """Remove the memory group of the worker ``pid`` once it has been reaped (best effort)."""
    if groups.memory:
        _rmdir(worker_folder(groups, pid))


def _own_groups() -> dict:
    """``{controller: path}`` of this process's cgroup v1 groups."""
    found = {}
    for line in _lines("/proc/self/cgroup"):
        parts = line.split(":", 2)
        if len(parts) == 3 and parts[1]:
            for controller in parts[1].split(","):
                found[controller] = parts[2]
    return found


def _sweep(parent: str) -> None:
    """Remove groups whose process is gone (a run that was killed)."""
    try:
        names = os.listdir(parent)
    except OSError:
        return
    for name in names:
        if name.isdigit() and not os.path.exists(f"/proc/{name}"):
            _rmdir(os.path.join(parent, name))


def _leave(made: list) -> None:
    """Undo a half-made join: back to the parent of kata's groups, groups removed."""
    for _, folder in made:
        try:
            linux.write_text(os.path.join(os.path.dirname(os.path.dirname(folder)), "cgroup.procs"), "0")
        except OSError:
            pass
        _rmdir(folder)


def _limit(controller: str, folder: str, tasks: int, quota: int) -> None:
    if controller == "cpu":  # the period is the kernel's default, PERIOD_US
        linux.write_text(os.path.join(folder, "cpu.cfs_quota_us"), str(quota))
    elif controller == "v2":
        linux.write_text(os.path.join(folder, "cpu.max"), f"{quota} {PERIOD_US}")
    if controller in ("pids", "v2"):
        linux.write_text(os.path.join(folder, "pids.max"), str(tasks))


def _rmdir(folder: str) -> None:
    try:
        os.rmdir(folder)
    except OSError:
        pass


def _lines(path: str) -> list:
    try:
        with open(path) as handle:
            return handle.read().splitlines()
    except OSError:
        return []


def _words(path: str) -> list:
    return " ".join(_lines(path)).split()
