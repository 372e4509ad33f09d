"""The fork server: a pristine, pre-warmed process that forks sandboxed workers.

Started isolated (``python -I``, see :func:`grader.workers.client.start.isolated_command`) with
the arguments ``FD MODULE...``:
it imports the preload modules and nothing of the trusted side, then answers
requests on the control socket FD (SOCK_SEQPACKET, JSON, descriptors passed
with SCM_RIGHTS), held by one process of the trusted side, which waits for each
answer before it asks again:

- ``spawn``: hand over a worker: reply with its pid and whether it takes its
  submission's files as bytes, with its channel and a pidfd. The worker was
  forked ahead of need, after the previous ``spawn`` was answered (a
  *spare*: namespaces, private folders and seccomp in place, waiting and
  knowing nothing), so a submission does not wait for the fork. On its
  channel it then gets its submission from the trusted side (learner path,
  module, limits, files), finishes isolating itself
  (:mod:`grader.workers.inside.sandbox`) and imports the learner module;
- ``status``: reap a worker and say how it ended;
- ``forget``: reap a worker later, nobody needs to know how it ended;
- ``clone`` (with a new control socket): fork another fork server, serving on
  that socket (for another grading process).

When the control socket closes (its holder ended or let it go), every worker
still alive is killed and the fork server ends.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sys

from ..wire.channel import Channel, ChannelClosed
from . import cgroups, sandbox, worker
from . import limits as limits_mod
from .ending import kill_group
from .worker import minimal_environment


def main(argv) -> None:
    """Arguments ``FD MODULE...``: import the modules, probe the sandbox, then serve on FD."""
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


def _reap_ended(pids: set) -> list:
    """Reap the processes of ``pids`` that have ended; return their pids."""
    ended = []
    for pid in list(pids):
        try:
            if not os.waitpid(pid, os.WNOHANG)[0]:
                continue
        except ChildProcessError:
            pass
        pids.discard(pid)
        ended.append(pid)
    return ended


def _zygote_loop(ctrl: socket.socket) -> None:
    plan = sandbox.probe()
    sandbox.enter_server(plan)
    live: set[int] = set()
    clones: set[int] = set()
    forgotten: set[int] = set()
    spare = None  # (pid, channel fd) of a worker forked ahead of need
    try:
        while True:
            message, fds, _, _ = socket.recv_fds(ctrl, 65536, 1)
            if not message:
                return
            request = json.loads(message)
            if request["op"] == "clone":
                clone = os.fork()
                if clone == 0:
                    ctrl.close()
                    ctrl = socket.socket(fileno=fds[0])
                    if spare is not None:  # the parent's worker, not this clone's
                        os.close(spare[1])
                    live, clones, forgotten, spare = set(), set(), set(), None
                    sandbox.enter_server(plan, network=False)  # a group of its own, for its own job
                    continue
                clones.add(clone)
                os.close(fds[0])
                ctrl.send(b"{}")
            elif request["op"] == "spawn":
                try:
                    pid, channel = _alive(spare, plan) or _fork_worker(plan)
                except OSError as exc:  # the machine refused a fork: say so, and serve on
                    ctrl.send(json.dumps({"error": f"could not fork a worker: {exc}"}).encode())
                else:
                    live.add(pid)
                    pidfds = [os.pidfd_open(pid)] if hasattr(os, "pidfd_open") else []
                    reply = {"pid": pid, "files": sandbox.wants_files(plan)}
                    socket.send_fds(ctrl, [json.dumps(reply).encode()], [channel, *pidfds])
                    for fd in (channel, *pidfds):
                        os.close(fd)
                spare = _spare(plan)  # for the next submission, while this one is graded
            elif request["op"] == "forget":
                live.discard(request["pid"])
                forgotten.add(request["pid"])
            elif request["op"] == "status":
                pid = request["pid"]
                try:
                    _, status = os.waitpid(pid, 0)
                except ChildProcessError:
                    status = None
                live.discard(pid)
                ctrl.send(json.dumps({"status": status}).encode())
                cgroups.remove_worker(plan.groups, pid)
            # Housekeeping after the reply: the caller is not kept waiting for it.
            for clone in _reap_ended(clones):
                cgroups.remove(clone, plan.groups)
            for pid in _reap_ended(forgotten):
                cgroups.remove_worker(plan.groups, pid)
    finally:
        ended = live | forgotten | ({spare[0]} if spare else set())
        for pid in ended:
            kill_group(pid)
            _kill_child(pid)  # by pid too: a spare just forked may not have made its own group yet
        for pid in ended:  # killed: reaped at once, then their memory groups can go
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
            cgroups.remove_worker(plan.groups, pid)


def _kill_child(pid: int) -> None:
    """SIGKILL a child of this process (not reaped yet, so its pid cannot have been reused)."""
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _alive(spare, plan):
    """``spare`` if that worker forked ahead is still waiting; None (and reaped) if it has died."""
    if spare is None:
        return None
    try:
        if not os.waitpid(spare[0], os.WNOHANG)[0]:
            return spare
    except ChildProcessError:
        pass
    os.close(spare[1])
    cgroups.remove_worker(plan.groups, spare[0])
    return None


def _spare(plan):
    """A worker forked ahead of need, or None if the machine refuses a fork now (the next
    ``spawn`` forks one then)."""
    try:
        return _fork_worker(plan)
    except OSError:
        return None


def _fork_worker(plan) -> tuple:
    """Fork a worker that prepares what does not depend on a submission, then waits for one.

    Returns ``(pid, channel)``: the fork server's end of the worker's channel.
    """
    ours, theirs = socket.socketpair()
    pid = sandbox.fork(plan)
    if pid:
        theirs.close()
        return pid, ours.detach()
    try:
        os.setsid()
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.dup2(theirs.fileno(), 3)
        os.closerange(4, _max_fd())  # the fork server's end and control socket too
        devnull = os.open(os.devnull, os.O_RDWR)
        for std in (0, 1, 2):
            os.dup2(devnull, std)
        os.close(devnull)
        minimal_environment()
        sandbox.prepare(plan)
        worker.warm()
        channel = Channel(3, 3)
        try:
            request = channel.recv()
        except ChannelClosed:
            return
        if request.get("problem"):
            worker.refuse(channel, request["problem"])
            return
        files = {name: bytes(data) for name, data in (request.get("files") or {}).items()}
        path, after_call = sandbox.isolate(plan, request["path"], limits_mod.Limits.from_dict(request["limits"]),
                                           files, request.get("scratch"))
        worker.serve(channel, path, request["module"], after_call)
    finally:
        os._exit(0)


def _max_fd() -> int:
    try:
        return os.sysconf("SC_OPEN_MAX")
    except (ValueError, OSError):
        return 4096


if __name__ == "__main__":
    main(sys.argv[1:])
