"""A seccomp filter: which sockets a worker may open, and the calls it may not make at all.

- ``socket()``: where the worker has a network namespace of its own (root),
  ``AF_INET``/``AF_INET6`` only (harmless there: no interface but a loopback
  that is down, and Landlock refuses TCP); elsewhere no family at all (UDP to
  127.0.0.1 is not Landlock's to refuse). Never a Unix socket (so no path on
  the host, ``/run/docker.sock`` or a database's socket, can be reached,
  wherever it lives), netlink, packet or crypto socket; fails with ``EACCES``.
  ``socketpair()`` is a different call and still works (``multiprocessing``
  uses it).
- No new session or process group (``setsid``, ``setpgid``: ``EPERM``): every
  process a worker starts stays in the worker's process group, so ending the
  group ends them all, with or without a PID namespace.
- No new namespace (``unshare``, ``setns``, ``clone`` with a ``CLONE_NEW*``
  flag: ``EPERM``; ``clone3``, whose flags a filter cannot read: ``ENOSYS``, so
  the C library falls back to ``clone``): no user namespace in which to mount
  an uncapped tmpfs or regain capabilities.
- No ``io_uring`` (it makes sockets and opens files without the calls above).
- System calls made through another architecture's entry (32-bit calls on
  x86-64) fail, so the filter cannot be stepped around.

Sets ``no_new_privs`` and needs no root. A worker with private files installs
it at the end of :func:`grader.workers.inside.sandbox.prepare`, one without
installs it last, after Landlock.
"""

from __future__ import annotations

import ctypes
import errno
import functools
import platform

from . import syscalls as linux

PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 22, 2
RET_ALLOW, RET_ERRNO = 0x7FFF0000, 0x00050000
LD_W_ABS, JEQ, JGE, JSET, RET = 0x20, 0x15, 0x35, 0x45, 0x06
AF_INET, AF_INET6 = 2, 10
X32_BIT = 0x40000000
CLONE_NEW_ANY = 0x7E020080
"""CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET and NEWTIME."""

# machine -> audit architecture, whether x32 numbers exist, and the numbers of the calls filtered
ARCHITECTURES = {
    "x86_64": (0xC000003E, True, {"socket": 41, "clone": 56, "clone3": 435, "setsid": 112, "setpgid": 109,
                                  "unshare": 272, "setns": 308, "io_uring_setup": 425, "io_uring_enter": 426,
                                  "io_uring_register": 427}),
    "aarch64": (0xC00000B7, False, {"socket": 198, "clone": 220, "clone3": 435, "setsid": 157, "setpgid": 154,
                                    "unshare": 97, "setns": 268, "io_uring_setup": 425, "io_uring_enter": 426,
                                    "io_uring_register": 427}),
}
REFUSED = ("setsid", "setpgid", "unshare", "setns", "io_uring_setup", "io_uring_enter", "io_uring_register")


class _Instruction(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8),
                ("k", ctypes.c_uint32)]


class _Program(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_Instruction))]


def available() -> bool:
    """Whether kata has a filter for this machine's architecture."""
    return platform.system() == "Linux" and platform.machine() in ARCHITECTURES


def program(allow_ip: bool) -> list:
    """The filter as ``(code, jt, jf, k)`` instructions; ``allow_ip``: IP sockets may be opened."""
    arch, x32, numbers = ARCHITECTURES[platform.machine()]
    code = [
        (LD_W_ABS, 0, 0, 4, None, None),                 # architecture
        (JEQ, 0, 0, arch, None, "eperm"),                # another one: refused
        (LD_W_ABS, 0, 0, 0, None, None),                 # system call number
        (JGE, 0, 0, X32_BIT if x32 else 0xFFFFFFFF, "eperm", None),
        (JEQ, 0, 0, numbers["socket"], "socket", None),
        (JEQ, 0, 0, numbers["clone"], "clone", None),
        (JEQ, 0, 0, numbers["clone3"], "enosys", None),
        *[(JEQ, 0, 0, numbers[name], "eperm", None) for name in REFUSED],
        (RET, 0, 0, RET_ALLOW, None, None),
        ("socket",),
        (LD_W_ABS, 0, 0, 16, None, None),                # socket()'s family (low 32 bits of args[0])
        *([(JEQ, 0, 0, AF_INET, "allow", None), (JEQ, 0, 0, AF_INET6, "allow", None)] if allow_ip else []),
        (RET, 0, 0, RET_ERRNO | errno.EACCES, None, None),
        ("clone",),
        (LD_W_ABS, 0, 0, 16, None, None),                # clone()'s flags
        (JSET, 0, 0, CLONE_NEW_ANY, "eperm", None),
        ("allow",),
        (RET, 0, 0, RET_ALLOW, None, None),
        ("eperm",),
        (RET, 0, 0, RET_ERRNO | errno.EPERM, None, None),
        ("enosys",),
        (RET, 0, 0, RET_ERRNO | errno.ENOSYS, None, None),
    ]
    return _assemble(code)


def _assemble(code: list) -> list:
    """Resolve labels (one-element tuples) into the forward jump offsets BPF takes."""
    at, labels = 0, {}
    for item in code:
        if len(item) == 1:
            labels[item[0]] = at
        else:
            at += 1
    out = []
    for item in code:
        if len(item) == 1:
            continue
        op, jt, jf, k, true_label, false_label = item
        here = len(out)
        jt = labels[true_label] - here - 1 if true_label else jt
        jf = labels[false_label] - here - 1 if false_label else jf
        out.append((op, jt, jf, k))
    return out


@functools.lru_cache(maxsize=2)
def compiled(allow_ip: bool) -> tuple:
    """The filter in the kernel's layout, built once (in the fork server, before any fork)."""
    code = program(allow_ip)
    instructions = (_Instruction * len(code))(*[_Instruction(*i) for i in code])
    return _Program(len(code), instructions), instructions


def install(allow_ip: bool = False) -> None:
    """Filter this process and all it will start; raise OSError if the kernel refuses."""
    prog, _ = compiled(allow_ip)
    linux.prctl(linux.PR_SET_NO_NEW_PRIVS, 1)
    if linux.libc().prctl(PR_SET_SECCOMP, ctypes.c_ulong(SECCOMP_MODE_FILTER), ctypes.byref(prog), 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "seccomp filter refused")
