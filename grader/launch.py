"""Starting worker processes: a pre-warmed fork server, or a fresh subprocess.

The fork server is a fresh interpreter (``python -m grader.launch``) that
imports the heavy libraries and nothing of the trusted side: no manifest, no
checks, no solutions, no results. It never runs learner code itself: for each
worker it forks a child that closes every inherited descriptor but its
channel, isolates itself (:mod:`grader.sandbox`) and imports the learner
module. Forking costs milliseconds where a fresh interpreter that imports numpy
and scipy costs the better part of a second. For ``--jobs N`` the first fork
server is cloned (forked) N-1 times.

Where ``fork`` is unavailable or unsafe (Windows, macOS) each worker is a new
``python -m grader.worker`` subprocess instead. ``KATA_WORKER=fork|spawn``
chooses explicitly.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass

from . import early
from . import limits as limits_mod
from . import sandbox, worker
from .channel import Channel


@dataclass
class WorkerProcess:
    """A running worker as the trusted side sees it."""

    pid: int
    channel: Channel
    _kill: callable
    _status: callable
    _wait: callable = None
    _forget: callable = None

    def kill(self) -> None:
        self._kill()

    def end(self) -> None:
        """Kill the worker without waiting to learn how it ended (it is reaped later)."""
        if self._forget is None:
            self.close()
            return
        self._kill()
        self.channel.close()
        self._forget()

    def close(self, grace: float = 0.0) -> str:
        """Kill the worker and everything it started; describe how it ended.

        ``grace``: seconds to let a worker that is ending by itself finish, so
        its own exit status (not our kill) is what gets reported.
        """
        if grace and self._wait is not None:
            self._wait(grace)
        self._kill()
        self.channel.close()
        return self._status()


def default_mode() -> str:
    mode = os.environ.get("KATA_WORKER", "").strip().lower()
    if mode in ("fork", "spawn"):
        return mode
    return "fork" if sys.platform.startswith("linux") else "spawn"


def make_launcher(mode: str | None = None, preload=()):
    mode = mode or default_mode()
    return ForkServer(preload) if mode == "fork" else SubprocessLauncher()


def describe_status(status: int | None) -> str:
    """Words for a wait status: 'exit status 3', 'killed by signal SIGSEGV'."""
    if status is None:
        return "unknown"
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            return f"killed by signal {signal.Signals(number).name}"
        except ValueError:
            return f"killed by signal {number}"
    if os.WIFEXITED(status):
        return f"exit status {os.WEXITSTATUS(status)}"
    return "unknown"


class SubprocessLauncher:
    """One fresh interpreter per worker; works on every platform."""

    mode = "spawn"

    def start(self, path: str, module_name: str, limits: limits_mod.Limits) -> WorkerProcess:
        command = [sys.executable, "-m", "grader.worker", path, module_name,
                   json.dumps(limits.to_dict())]
        extra = {"start_new_session": True} if os.name == "posix" else {}
        proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, env=worker_environment(), **extra)
        channel = Channel(proc.stdout.fileno(), proc.stdin.fileno())

        def kill():
            _kill_group(proc.pid)
            try:
                proc.kill()
            except OSError:
                pass

        def status():
            code = proc.wait()
            for stream in (proc.stdin, proc.stdout):
                try:
                    stream.close()
                except OSError:
                    pass
            return f"killed by signal {signal.Signals(-code).name}" if code < 0 else f"exit status {code}"

        def wait(grace):
            try:
                proc.wait(grace)
            except subprocess.TimeoutExpired:
                pass

        channel.close = lambda: None  # the Popen object owns the pipes
        return WorkerProcess(proc.pid, channel, kill, status, wait)

    def stop(self) -> None:
        pass


class ForkServer:
    """A pre-warmed process that forks workers on request (POSIX only).

    The first fork server of a process is a fresh interpreter that imports the
    ``preload`` modules and nothing of the trusted side: no manifest, no checks,
    no results are in its memory, so no worker can find them. More fork servers
    (one per grading job) are forks of that pristine one (:meth:`clone`).
    """

    mode = "fork"

    def __init__(self, preload=()):
        self.preload = tuple(preload)
        self._ctrl: socket.socket | None = None
        self._proc = None
        self._lock = threading.Lock()

    def ensure_started(self) -> None:
        if self._ctrl is None:
            self._ctrl, self._proc = early.take(self.preload) or early.spawn_fork_server(self.preload)

    def clone(self) -> "ForkServer":
        """Another fork server, forked from this pristine one."""
        self.ensure_started()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        with self._lock:
            socket.send_fds(self._ctrl, [json.dumps({"op": "clone"}).encode()], [theirs.fileno()])
            theirs.close()
            self._ctrl.recv(4096)
        sibling = ForkServer(self.preload)
        sibling._ctrl = ours
        return sibling

    def start(self, path: str, module_name: str, limits: limits_mod.Limits) -> WorkerProcess:
        self.ensure_started()
        ours, theirs = socket.socketpair()
        request = {"op": "spawn", "path": path, "module": module_name, "limits": limits.to_dict()}
        with self._lock:
            socket.send_fds(self._ctrl, [json.dumps(request).encode()], [theirs.fileno()])
            theirs.close()
            reply, fds, _, _ = socket.recv_fds(self._ctrl, 4096, 1)
        pid = json.loads(reply)["pid"]
        pidfd = fds[0] if fds else None
        fd = ours.detach()
        channel = Channel(fd, fd)
        return WorkerProcess(pid, channel, lambda: _kill_forked(pid, pidfd),
                             lambda: self._status(pid, pidfd), lambda grace: _wait_exit(pidfd, grace),
                             lambda: self._forget(pid, pidfd))

    def _forget(self, pid: int, pidfd: int | None) -> None:
        with self._lock:
            self._ctrl.send(json.dumps({"op": "forget", "pid": pid}).encode())
        if pidfd is not None:
            os.close(pidfd)

    def _status(self, pid: int, pidfd: int | None) -> str:
        with self._lock:
            self._ctrl.send(json.dumps({"op": "status", "pid": pid}).encode())
            reply = json.loads(self._ctrl.recv(4096))
        if pidfd is not None:
            os.close(pidfd)
        return describe_status(reply.get("status"))

    def stop(self) -> None:
        if self._ctrl is not None:
            self._ctrl.close()
            if self._proc is not None:
                self._proc.wait()
            self._ctrl = self._proc = None


worker_environment = early.worker_environment
single_thread_environment = early.single_thread_environment


def _wait_exit(pidfd: int | None, grace: float) -> None:
    """Wait up to ``grace`` seconds for the process to exit (a pidfd is readable then)."""
    if pidfd is not None:
        select.select([pidfd], [], [], grace)


def _kill_group(pid: int) -> None:
    if os.name != "posix":
        return
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _kill_forked(pid: int, pidfd: int | None) -> None:
    if pidfd is not None:
        try:
            signal.pidfd_send_signal(pidfd, signal.SIGKILL)
        except (ProcessLookupError, OSError):
            pass
    _kill_group(pid)


def zygote_main(argv) -> None:
    """``python -m grader.launch FD MODULE...``: import, probe, then serve on FD."""
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
            _kill_group(pid)
            _kill_forked(pid, None)


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
        _minimal_environment()
        path, after_call = sandbox.isolate(plan, request["path"], limits_mod.Limits.from_dict(request["limits"]))
        worker.serve(Channel(3, 3), path, request["module"], after_call)
    finally:
        os._exit(0)


def run_worker(channel: Channel, path: str, module_name: str, limits) -> None:
    """A subprocess worker (no fork server): minimal environment, limits, serve."""
    _minimal_environment()
    limits_mod.apply(limits)
    worker.serve(channel, path, module_name)


def _minimal_environment() -> None:
    environment = worker_environment()
    os.environ.clear()
    os.environ.update(environment)


def _max_fd() -> int:
    try:
        return os.sysconf("SC_OPEN_MAX")
    except (ValueError, OSError):
        return 4096


if __name__ == "__main__":
    zygote_main(sys.argv[1:])
