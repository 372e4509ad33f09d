"""A user namespace of its own for a worker that kata starts without root.

An ordinary user may create a user namespace (where the kernel allows it:
Linux 3.8+, unless a sysctl or an LSM such as Ubuntu's AppArmor restriction
forbids it) and, inside, mount and IPC namespaces that it owns. kata's
worker uses that to get what root gets from its namespaces, minus what only
root can give:

- a private, size-capped tmpfs over ``/tmp`` (its scratch folder and its copy
  of the submission: the host's disk, where the journal is, is never written),
  and private ``/run``, ``/var/run`` and ``/dev/shm``;
- its own System V IPC and POSIX message queues;
- its own count of processes: ``RLIMIT_NPROC`` counts the processes of a user
  per user namespace, so 64 is the worker's own, not the instructor's.

Its uid stays the instructor's (only that one can be mapped), it gets no
PID or network namespace (a PID namespace needs a ``setns`` back that only
root may make; the seccomp filter refuses IP sockets instead, and keeps every
process in the worker's process group), and no control groups. Once the
mounts are made, the worker gives up every capability it has in its
namespace, so learner code cannot unmount its tmpfs to reach the host's
``/tmp``.
"""

from __future__ import annotations

import ctypes
import os
import platform

from . import syscalls as linux

CLONE_NEWUSER = 0x10000000
CAPSET = {"x86_64": 126, "aarch64": 91}
"""capset(2)'s number: the C library has no wrapper for it."""
CAPABILITY_VERSION_3 = 0x20080522


def enter() -> None:
    """Move this process into a new user, mount and IPC namespace, keeping its own uid and gid."""
    uid, gid = os.getuid(), os.getgid()
    linux.unshare(CLONE_NEWUSER | linux.CLONE_NEWNS | linux.CLONE_NEWIPC)
    linux.write_text("/proc/self/setgroups", "deny")
    linux.write_text("/proc/self/uid_map", f"{uid} {uid} 1")
    linux.write_text("/proc/self/gid_map", f"{gid} {gid} 1")


def drop_capabilities() -> None:
    """Give up every capability (those the new user namespace gave); raise OSError if refused."""

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                    ("inheritable", ctypes.c_uint32)]

    number = CAPSET.get(platform.machine())
    if number is None:
        raise OSError("no capset number for this machine")
    header, data = Header(CAPABILITY_VERSION_3, 0), (Data * 2)()
    if linux.libc().syscall(number, ctypes.byref(header), ctypes.byref(data)) != 0:
        raise OSError(ctypes.get_errno(), "capset refused")
