"""A control group per grading job: one core of CPU at most, and a cap on its tasks.

Without it, a worker that starts dozens of CPU-burning processes (each in a
session of its own, out of reach of the scheduler's autogroups) takes the
machine from a classmate graded at the same time, whose honest calls then
run out of time. With it, everything one grading job runs shares at most
one core (``cpu`` quota) and at most :data:`TASKS` tasks (``pids.max``).

The group belongs to a fork server, not to each worker: a fork server serves
one grading job, which grades one student at a time, so its group holds one
student's workers. Joining a group costs milliseconds (cgroup v1 waits for
an RCU grace period), so it happens once per fork server, not per worker.
The per-worker caps are the rlimits of a worker's own uid.

Works with cgroup v1 (separate ``cpu`` and ``pids`` hierarchies) and with
cgroup v2 (``cpu.max``, ``pids.max`` in one tree) where kata may create
groups (root). Groups live under ``kata/`` in each hierarchy, named by the
fork server's pid; a fork server's group is removed by whoever reaps it, and
a group whose process is gone is swept by the next fork server.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

ROOT = "/sys/fs/cgroup"
PARENT = "kata"
PERIOD_US = 100_000
TASKS = 512
"""Tasks of one grading job: a few workers at a time, each capped at 64 processes by its uid."""


@dataclass(frozen=True)
class Groups:
    """``(controller, folder)`` pairs: the hierarchies, or one fork server's groups in them."""

    parents: tuple = ()

    def __bool__(self) -> bool:
        return bool(self.parents)


def possible() -> Groups:
    """The hierarchies kata would use here, creating nothing."""
    if not os.path.isdir(ROOT) or not hasattr(os, "geteuid") or os.geteuid() != 0:
        return Groups()
    v1 = [(c, os.path.join(ROOT, c)) for c in ("cpu", "pids")]
    if all(os.path.exists(os.path.join(folder, "cgroup.procs")) for _, folder in v1):
        return Groups(tuple(v1))
    if {"cpu", "pids"} <= set(_words(os.path.join(ROOT, "cgroup.subtree_control"))):
        return Groups((("v2", ROOT),))
    return Groups()


def join(cores: float = 1.0, tasks: int = TASKS) -> Groups:
    """In a fork server: make its groups, limit them, move itself in; empty Groups if refused."""
    name = str(os.getpid())
    made = []
    try:
        for controller, root in possible().parents:
            parent = os.path.join(root, PARENT)
            os.makedirs(parent, exist_ok=True)
            if controller == "v2":
                _write(os.path.join(parent, "cgroup.subtree_control"), "+cpu +pids")
            _sweep(parent)
            folder = os.path.join(parent, name)
            os.makedirs(folder, exist_ok=True)
            made.append((controller, folder))
            _limit(controller, folder, tasks, int(PERIOD_US * cores))
            _write(os.path.join(folder, "cgroup.procs"), "0")
    except OSError:
        _leave(made)
        return Groups()
    return Groups(tuple(made))


def remove(pid: int) -> None:
    """Remove the groups of the fork server ``pid`` once it has ended (best effort)."""
    for _, root in possible().parents:
        try:
            os.rmdir(os.path.join(root, PARENT, str(pid)))
        except OSError:
            pass


def _sweep(parent: str) -> None:
    """Remove groups whose fork server is gone (a run that was killed)."""
    for name in os.listdir(parent):
        if name.isdigit() and not os.path.exists(f"/proc/{name}"):
            try:
                os.rmdir(os.path.join(parent, name))
            except OSError:
                pass


def _leave(made: list) -> None:
    """Undo a half-made join: back to the hierarchy's root group, groups removed."""
    for controller, folder in made:
        root = ROOT if controller == "v2" else os.path.join(ROOT, controller)
        try:
            _write(os.path.join(root, "cgroup.procs"), "0")
        except OSError:
            pass
        try:
            os.rmdir(folder)
        except OSError:
            pass


def _limit(controller: str, folder: str, tasks: int, quota: int) -> None:
    if controller == "cpu":  # the period is the kernel's default, PERIOD_US
        _write(os.path.join(folder, "cpu.cfs_quota_us"), str(quota))
    elif controller == "v2":
        _write(os.path.join(folder, "cpu.max"), f"{quota} {PERIOD_US}")
    if controller in ("pids", "v2"):
        _write(os.path.join(folder, "pids.max"), str(tasks))


def _words(path: str) -> list:
    try:
        with open(path) as handle:
            return handle.read().split()
    except OSError:
        return []


def _write(path: str, text: str) -> None:
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)
