"""A control group per worker: one core of CPU at most, and a cap on its tasks.

Without it, a worker that starts dozens of CPU-burning processes takes the
machine from a classmate graded at the same time, whose honest calls then
run out of time. With it, each worker's processes share at most one core
(``cpu`` quota) and number at most ``Limits.processes`` (``pids.max``),
whatever uid they run as.

Works with cgroup v1 (separate ``cpu`` and ``pids`` hierarchies) and with
cgroup v2 (``cpu.max``, ``pids.max`` in one tree) where kata may create
groups (root). :func:`probe` creates a parent group per fork server and tries
it; :func:`enter` runs in the forked worker before it drops privileges;
:func:`remove` runs in the fork server once the worker has been reaped.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

ROOT = "/sys/fs/cgroup"
PERIOD_US = 100_000


@dataclass(frozen=True)
class Groups:
    """Where this fork server's worker groups go: ``{controller: parent folder}``."""

    parents: tuple = ()
    """``(controller, folder)`` pairs; controller is ``cpu``, ``pids`` or ``v2``."""

    def __bool__(self) -> bool:
        return bool(self.parents)


def possible() -> Groups:
    """The hierarchies kata would use here, creating nothing (for describing the sandbox)."""
    if not os.path.isdir(ROOT) or os.geteuid() != 0:
        return Groups()
    v1 = [(c, os.path.join(ROOT, c)) for c in ("cpu", "pids")]
    if all(os.path.exists(os.path.join(folder, "cgroup.procs")) for _, folder in v1):
        return Groups(tuple(v1))
    if {"cpu", "pids"} <= set(_words(os.path.join(ROOT, "cgroup.subtree_control"))):
        return Groups((("v2", ROOT),))
    return Groups()


def probe(name: str) -> Groups:
    """Create parent groups named ``name`` for this fork server; empty Groups when impossible."""
    candidates = [(c, os.path.join(folder, name)) for c, folder in possible().parents]
    if not candidates:
        return Groups()
    try:
        for controller, folder in candidates:
            os.makedirs(folder, exist_ok=True)
            if controller == "v2":
                _write(os.path.join(folder, "cgroup.subtree_control"), "+cpu +pids")
        groups = Groups(tuple(candidates))
        _try(groups)
        return groups
    except OSError:
        cleanup(Groups(tuple(candidates)))
        return Groups()


def _try(groups: Groups) -> None:
    """Make a worker group with its limits and remove it again (raises OSError if refused)."""
    for controller, parent in groups.parents:
        folder = os.path.join(parent, "probe")
        os.mkdir(folder)
        try:
            _limit(controller, folder, 64, PERIOD_US)
        finally:
            os.rmdir(folder)


def _limit(controller: str, folder: str, processes: int, quota: int) -> None:
    if controller in ("cpu", "v2"):
        if controller == "cpu":
            _write(os.path.join(folder, "cpu.cfs_period_us"), str(PERIOD_US))
            _write(os.path.join(folder, "cpu.cfs_quota_us"), str(quota))
        else:
            _write(os.path.join(folder, "cpu.max"), f"{quota} {PERIOD_US}")
    if controller in ("pids", "v2"):
        _write(os.path.join(folder, "pids.max"), str(processes))


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


def enter(groups: Groups, worker: str, processes: int, cores: float = 1.0) -> None:
    """In the worker: make its groups, set the limits, move itself in (raises OSError)."""
    quota = int(PERIOD_US * cores)
    for controller, parent in groups.parents:
        folder = os.path.join(parent, worker)
        os.mkdir(folder)
        _limit(controller, folder, processes, quota)
        _write(os.path.join(folder, "cgroup.procs"), "0")


def remove(groups: Groups, worker: str) -> bool:
    """Remove a worker's groups; False while some process is still in one."""
    done = True
    for _, parent in groups.parents:
        try:
            os.rmdir(os.path.join(parent, worker))
        except FileNotFoundError:
            pass
        except OSError:
            done = False
    return done


def cleanup(groups: Groups) -> None:
    """Remove every worker group left and the parents (when the fork server ends)."""
    for _, parent in groups.parents:
        try:
            names = os.listdir(parent)
        except OSError:
            continue
        for name in names:
            if os.path.isdir(os.path.join(parent, name)):
                try:
                    os.rmdir(os.path.join(parent, name))
                except OSError:
                    pass
        try:
            os.rmdir(parent)
        except OSError:
            pass
