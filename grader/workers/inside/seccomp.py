"""A seccomp filter that lets a worker open IP sockets only.

``socket()`` with any family but ``AF_INET``/``AF_INET6`` fails with
``EACCES``: no Unix sockets (so no path on the host, ``/run/docker.sock`` or a
database's socket, can be connected to, wherever it lives), no netlink, no
packet or crypto sockets. IP sockets are harmless here: the worker's network
namespace has no interface and Landlock refuses TCP. ``socketpair()`` is a
different call and still works (``multiprocessing`` uses it). System calls
made through another architecture's entry (32-bit calls on x86-64) fail too,
so the filter cannot be stepped around.

Sets ``no_new_privs`` and needs no root. A worker with namespaces installs it
before it waits for its submission (:func:`grader.workers.inside.sandbox.prepare`),
one without installs it last, after Landlock.
"""

from __future__ import annotations

import ctypes
import errno
import functools
import platform

from . import syscalls as linux

PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 22, 2
RET_ALLOW, RET_ERRNO = 0x7FFF0000, 0x00050000
LD_W_ABS, JEQ, JGE, RET = 0x20, 0x15, 0x35, 0x06
AF_INET, AF_INET6 = 2, 10
X32_BIT = 0x40000000

# machine -> (audit architecture, number of socket(), whether x32 numbers exist)
ARCHITECTURES = {
    "x86_64": (0xC000003E, 41, True),
    "aarch64": (0xC00000B7, 198, False),
}


class _Instruction(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8),
                ("k", ctypes.c_uint32)]


class _Program(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_Instruction))]


def available() -> bool:
    """Whether kata has a filter for this machine's architecture."""
    return platform.system() == "Linux" and platform.machine() in ARCHITECTURES


def program() -> list:
    """The filter as ``(code, jt, jf, k)`` instructions."""
    arch, socket_nr, x32 = ARCHITECTURES[platform.machine()]
    deny = RET_ERRNO | errno.EACCES
    return [
        (LD_W_ABS, 0, 0, 4),                     # 0: architecture
        (JEQ, 0, 7, arch),                       # 1: another one -> deny
        (LD_W_ABS, 0, 0, 0),                     # 2: system call number
        (JGE, 5, 0, X32_BIT if x32 else 0xFFFFFFFF),  # 3: x32 call -> deny
        (JEQ, 0, 3, socket_nr),                  # 4: not socket() -> allow
        (LD_W_ABS, 0, 0, 16),                    # 5: socket()'s family (low 32 bits of args[0])
        (JEQ, 1, 0, AF_INET),                    # 6: -> allow
        (JEQ, 0, 1, AF_INET6),                   # 7: -> allow, else deny
        (RET, 0, 0, RET_ALLOW),                  # 8
        (RET, 0, 0, deny),                       # 9
    ]


@functools.lru_cache(maxsize=1)
def compiled() -> tuple:
    """The filter in the kernel's layout, built once (in the fork server, before any fork)."""
    code = program()
    instructions = (_Instruction * len(code))(*[_Instruction(*i) for i in code])
    return _Program(len(code), instructions), instructions


def install() -> None:
    """Filter this process and all it will start; raise OSError if the kernel refuses."""
    prog, _ = compiled()
    linux.prctl(linux.PR_SET_NO_NEW_PRIVS, 1)
    if linux.libc().prctl(PR_SET_SECCOMP, ctypes.c_ulong(SECCOMP_MODE_FILTER), ctypes.byref(prog), 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "seccomp filter refused")
