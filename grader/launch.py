"""Starting worker processes: a pre-warmed fork server, or a fresh subprocess.

The fork server (:mod:`grader.zygote`) is a fresh interpreter that
imports the heavy libraries and nothing of the trusted side: no manifest, no
checks, no solutions, no results. It never runs learner code itself: for each
worker it forks a child that closes every inherited descriptor but its
channel, isolates itself (:mod:`grader.sandbox`) and imports the learner
module. Forking costs milliseconds where a fresh interpreter that imports numpy
and scipy costs the better part of a second. For ``--jobs N`` the first fork
server is cloned (forked) N-1 times.

Where ``fork`` is unavailable or unsafe (Windows, macOS) each worker is a new
isolated interpreter running :mod:`grader.worker` instead, in the submission's folder. ``KATA_WORKER=fork|spawn``
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

from . import cgroups, early
from . import limits as limits_mod
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
    return early.setting("KATA_WORKER", "fork" if sys.platform.startswith("linux") else "spawn")


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
        command = early.isolated_command("grader.worker", path, module_name, json.dumps(limits.to_dict()))
        extra = {"start_new_session": True} if os.name == "posix" else {}
        proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, env=worker_environment(),
                                cwd=os.path.dirname(os.path.abspath(path)), **extra)
        channel = Channel(proc.stdout.fileno(), proc.stdin.fileno())

        def kill():
            kill_group(proc.pid)
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
        return WorkerProcess(pid, channel, lambda: kill_forked(pid, pidfd),
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
                cgroups.remove(self._proc.pid)
            self._ctrl = self._proc = None


worker_environment = early.worker_environment
single_thread_environment = early.single_thread_environment


def _wait_exit(pidfd: int | None, grace: float) -> None:
    """Wait up to ``grace`` seconds for the process to exit (a pidfd is readable then)."""
    if pidfd is not None:
        select.select([pidfd], [], [], grace)


def kill_group(pid: int) -> None:
    if os.name != "posix":
        return
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def kill_forked(pid: int, pidfd: int | None) -> None:
    if pidfd is not None:
        try:
            signal.pidfd_send_signal(pidfd, signal.SIGKILL)
        except (ProcessLookupError, OSError):
            pass
    kill_group(pid)
