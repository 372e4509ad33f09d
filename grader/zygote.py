"""The fork server: a pristine, pre-warmed process that forks sandboxed workers.

Started as ``python -m grader.zygote FD MODULE...`` (see :mod:`grader.early`):
it imports the preload modules and nothing of the trusted side, then answers
requests on the control socket FD (SOCK_SEQPACKET, JSON, descriptors passed
with SCM_RIGHTS):

- ``spawn`` (with the worker's channel): fork a worker, isolate it
  (:mod:`grader.sandbox`), reply with its pid and a pidfd;
- ``status``: reap a worker and say how it ended;
- ``forget``: reap a worker later, nobody needs to know how it ended;
- ``clone`` (with a new control socket): fork another fork server.

When the control socket closes, every worker still alive is killed.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sys

from . import limits as limits_mod
from . import sandbox, worker
from .channel import Channel
from .launch import kill_forked, kill_group, minimal_environment


def zygote_main(argv) -> None:
    """``python -m grader.zygote FD MODULE...``: import, probe, then serve on FD."""
    import importlib

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in argv[1:]:
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    ctrl = socket.socket(fileno=int(argv[0]))
    try:
        _zygote_loop(ctrl)
    finally:
        os._exit(0)  # nothing to flush; tearing down numpy and scipy costs ~0.1 s


def _reap_ended(pids: set) -> None:
    """Reap clones that have ended (workers are reaped by their status request)."""
    for pid in list(pids):
        try:
            if os.waitpid(pid, os.WNOHANG)[0]:
                pids.discard(pid)
        except ChildProcessError:
            pids.discard(pid)


def _zygote_loop(ctrl: socket.socket) -> None:
    plan = sandbox.probe()
    live: set[int] = set()
    clones: set[int] = set()
    forgotten: set[int] = set()
    try:
        while True:
            message, fds, _, _ = socket.recv_fds(ctrl, 65536, 1)
            if not message:
                return
            _reap_ended(clones)
            _reap_ended(forgotten)
            request = json.loads(message)
            if request["op"] == "clone":
                clone = os.fork()
                if clone == 0:
                    ctrl.close()
                    ctrl = socket.socket(fileno=fds[0])
                    live, clones, forgotten = set(), set(), set()
                    continue
                clones.add(clone)
                os.close(fds[0])
                ctrl.send(b"{}")
            elif request["op"] == "spawn":
                pid = _fork_worker(plan, fds[0], request)
                live.add(pid)
                os.close(fds[0])
                pidfds = [os.pidfd_open(pid)] if hasattr(os, "pidfd_open") else []
                socket.send_fds(ctrl, [json.dumps({"pid": pid}).encode()], pidfds)
                for fd in pidfds:
                    os.close(fd)
            elif request["op"] == "forget":
                live.discard(request["pid"])
                forgotten.add(request["pid"])
                _reap_ended(forgotten)
            elif request["op"] == "status":
                pid = request["pid"]
                try:
                    _, status = os.waitpid(pid, 0)
                except ChildProcessError:
                    status = None
                live.discard(pid)
                ctrl.send(json.dumps({"status": status}).encode())
    finally:
        for pid in live | forgotten:
            kill_group(pid)
            kill_forked(pid, None)


def _fork_worker(plan, fd: int, request: dict) -> int:
    pid = sandbox.fork(plan)
    if pid:
        return pid
    try:
        os.setsid()
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.dup2(fd, 3)
        os.closerange(4, _max_fd())
        devnull = os.open(os.devnull, os.O_RDWR)
        for std in (0, 1, 2):
            os.dup2(devnull, std)
        os.close(devnull)
        minimal_environment()
        path, after_call = sandbox.isolate(plan, request["path"], limits_mod.Limits.from_dict(request["limits"]))
        worker.serve(Channel(3, 3), path, request["module"], after_call)
    finally:
        os._exit(0)


def _max_fd() -> int:
    try:
        return os.sysconf("SC_OPEN_MAX")
    except (ValueError, OSError):
        return 4096


if __name__ == "__main__":
    zygote_main(sys.argv[1:])
