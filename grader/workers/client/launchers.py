"""Starting worker processes: a pre-warmed fork server, or a fresh subprocess.

Both launchers implement one interface, :class:`Launcher`, and start workers
that implement one interface, :class:`Worker`; the trusted side never asks
which kind it holds.

The fork server (:mod:`grader.workers.inside.forkserver`) is a fresh interpreter that
imports the heavy libraries and nothing of the trusted side: no manifest, no
checks, no solutions, no results. It never runs learner code itself: for each
worker it forks a child that closes every inherited descriptor but its
channel, isolates itself (:mod:`grader.workers.inside.sandbox`) and imports the learner
module. Forking costs milliseconds where a fresh interpreter that imports numpy
and scipy costs the better part of a second. For ``--jobs N`` the first fork
server is cloned (forked) N-1 times.

Where ``fork`` is unavailable or unsafe (Windows, macOS) each worker is a new
isolated interpreter running :mod:`grader.workers.inside.worker` instead, in the submission's folder. ``KATA_WORKER=fork|spawn``
chooses explicitly.
"""

from __future__ import annotations

import json
import os
import select
import socket
import subprocess
import tempfile
import threading
from abc import ABC, abstractmethod

import numpy as np

from ...settings import setting, worker_environment
from ..inside import cgroups
from ..inside.ending import (
    describe_returncode,
    describe_status,
    kill_forked,
    kill_group,
    nudge,
)
from ..inside.limits import Limits
from ..wire.channel import Channel, ChannelClosed
from . import start

ATTEMPTS = 3
"""Workers a submission may try before kata gives up (each one died before it learnt its submission)."""


class WorkerStartError(RuntimeError):
    """kata could not start a worker (the machine refused a fork, the fork server keeps dying).

    Never the learner's doing: no learner code has run when it is raised.
    """


class Worker(ABC):
    """A running worker as the trusted side sees it: a pid, a channel, and ways to end it."""

    def __init__(self, pid: int, channel: Channel):
        self.pid = pid
        self.channel = channel
        self.ended: str | None = None
        """How the worker ended, once :meth:`close` or :meth:`end` has ended it."""
        self.wait_baseline: tuple | None = None
        """``(when, CPU-wait seconds)`` last read for this worker (see ``session._recv_fairly``)."""

    @abstractmethod
    def kill(self) -> None:
        """SIGKILL the worker and everything it started (safe to call any number of times)."""

    def nudge(self) -> bool:
        """Ask the worker where its learner code is (SIGUSR1; see :mod:`grader.workers.client.tracing`)."""
        return nudge(self.pid)

    def close(self, grace: float = 0.0) -> str:
        """End the worker and say how it ended; later calls return the same words.

        ``grace``: seconds to let a worker that is ending by itself finish, so
        its own exit status (not our kill) is what gets reported.
        """
        if self.ended is None:
            if grace:
                self._wait(grace)
            self.kill()
            self._close_channel()
            self.ended = self._reap()
            self._release()
        return self.ended

    def end(self) -> None:
        """End the worker without waiting to learn how it ended (it is reaped later)."""
        self.close()

    def _release(self) -> None:
        """After the worker has ended: remove what the trusted side made for it."""

    def _wait(self, grace: float) -> None:
        """Wait up to ``grace`` seconds for the worker to exit by itself."""

    def _close_channel(self) -> None:
        self.channel.close()

    @abstractmethod
    def _reap(self) -> str:
        """Collect the ended worker; words for how it ended."""


class Launcher(ABC):
    """Starts workers for one grading job at a time."""

    mode: str
    """``fork`` or ``spawn`` (the values of ``KATA_WORKER``)."""

    def ensure_started(self) -> None:
        """Do the slow part of starting now (a fork server imports numpy and scipy)."""

    @abstractmethod
    def start(self, path: str, module_name: str, limits: Limits, files=None) -> Worker:
        """A new worker that imports the learner module at ``path`` and answers calls.

        ``files``: a function returning the submission's files, ``{relative path: bytes}``, for a worker
        that writes a private copy of them (one with private files); it is called only then, and an
        exception it raises becomes the worker's import error.
        """

    @abstractmethod
    def clone(self) -> "Launcher":
        """Another launcher like this one, for another concurrent grading job: it shares nothing with
        this one, so either can be used (or lost) without the other."""

    def stop(self) -> None:
        """End what the launcher keeps running; its workers are killed with it."""

    def let_go(self) -> None:
        """This process gives up its hold on the launcher without ending it, for a process forked with
        it (a grading process) that now holds it alone. Nothing to do for a launcher that holds nothing."""


def default_mode() -> str:
    return setting("KATA_WORKER")


def make_launcher(mode: str | None = None, preload=(), scratch=None) -> Launcher:
    """The launcher for ``mode`` (default ``KATA_WORKER``). ``scratch``: the folder that holds workers'
    scratch folders when they have no private tmpfs (default: the system's temporary folder)."""
    mode = mode or default_mode()
    return ForkServer(preload, scratch) if mode == "fork" else SubprocessLauncher()


class SpawnedWorker(Worker):
    def __init__(self, proc: subprocess.Popen):
        super().__init__(proc.pid, Channel(proc.stdout.fileno(), proc.stdin.fileno()))
        self._proc = proc

    def kill(self) -> None:
        kill_group(self._proc.pid)
        try:
            self._proc.kill()
        except OSError:
            pass

    def _wait(self, grace: float) -> None:
        try:
            self._proc.wait(grace)
        except subprocess.TimeoutExpired:
            pass

    def _close_channel(self) -> None:
        pass  # the Popen object owns the pipes; _reap closes them

    def _reap(self) -> str:
        code = self._proc.wait()
        for stream in (self._proc.stdin, self._proc.stdout):
            try:
                stream.close()
            except OSError:
                pass
        return describe_returncode(code)


class SubprocessLauncher(Launcher):
    """One fresh interpreter per worker; works on every platform."""

    mode = "spawn"

    def start(self, path: str, module_name: str, limits: Limits, files=None) -> Worker:
        command = start.isolated_command("grader.workers.inside.worker", path, module_name, json.dumps(limits.to_dict()))
        extra = {"start_new_session": True} if os.name == "posix" else {}
        try:
            proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    stderr=subprocess.DEVNULL, env=worker_environment(),
                                    cwd=os.path.dirname(os.path.abspath(path)), **extra)
        except OSError as exc:  # the machine refused a process
            raise WorkerStartError(f"could not start a worker process: {exc}") from None
        return SpawnedWorker(proc)

    def clone(self) -> "SubprocessLauncher":
        return SubprocessLauncher()


class ForkedWorker(Worker):
    def __init__(self, server: "ForkServer", pid: int, pidfd: int | None, fd: int,
                 scratch: tempfile.TemporaryDirectory | None = None):
        super().__init__(pid, Channel(fd, fd))
        self._server = server
        self._pidfd = pidfd
        self._scratch = scratch
        """The worker's scratch folder on the host's disk, made by the trusted side (a worker without
        private files; one with them has a private tmpfs that ends with it)."""

    def kill(self) -> None:
        kill_forked(self.pid, self._pidfd)

    def nudge(self) -> bool:
        return nudge(self.pid, self._pidfd)

    def _wait(self, grace: float) -> None:
        if self._pidfd is not None:
            select.select([self._pidfd], [], [], grace)  # a pidfd is readable once the process exits

    def _reap(self) -> str:
        words = describe_status(self._server.request({"op": "status", "pid": self.pid}).get("status"))
        self._close_pidfd()
        return words

    def end(self) -> None:
        if self.ended is None:
            self.kill()
            self.channel.close()
            self._server.send({"op": "forget", "pid": self.pid})
            if self._scratch is not None:
                self._wait(1.0)  # dead before its folder goes, so nothing is written into it afterwards
            self._close_pidfd()
            self.ended = "ended by kata"
            self._release()

    def _release(self) -> None:
        if self._scratch is not None:
            try:
                self._scratch.cleanup()  # gives back permissions learner code took away, as it goes
            except OSError:
                pass
            self._scratch = None

    def _close_pidfd(self) -> None:
        if self._pidfd is not None:
            os.close(self._pidfd)
            self._pidfd = None


class ForkServer(Launcher):
    """A pre-warmed process that forks workers on request (POSIX only).

    The first fork server of a process is a fresh interpreter that imports the
    ``preload`` modules and nothing of the trusted side: no manifest, no checks,
    no results are in its memory, so no worker can find them. More fork servers
    (one per grading job) are forks of that pristine one (:meth:`clone`), each
    on a control socket of its own: one process holds each connection, so a
    question and its answer never cross another's.

    A fork server that is gone (killed by the machine's out-of-memory killer,
    say) is replaced by a fresh one at the next request, so it costs no
    submission; a worker forked ahead that died before it learnt its
    submission is replaced the same way.
    """

    mode = "fork"

    def __init__(self, preload=(), scratch=None):
        self.preload = tuple(preload)
        self.scratch = scratch
        self._ctrl: socket.socket | None = None
        self._proc = None
        self._lock = threading.Lock()

    def ensure_started(self) -> None:
        if self._ctrl is None:
            try:
                self._ctrl, self._proc = start.take(self.preload) or start.spawn_fork_server(self.preload)
            except OSError as exc:  # the machine refused the process
                raise WorkerStartError(f"could not start the fork server: {exc}") from None

    def clone(self) -> "ForkServer":
        """Another fork server, forked from this pristine one, on a control socket of its own."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self._exchange({"op": "clone"}, [theirs.fileno()])
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        sibling = ForkServer(self.preload, self.scratch)
        sibling._ctrl = ours
        return sibling

    def let_go(self) -> None:
        if self._ctrl is not None:
            self._ctrl.close()
        self._ctrl = None  # the process object stays referenced: dropping it would warn that it still runs

    def start(self, path: str, module_name: str, limits: Limits, files=None) -> Worker:
        submission = {"path": path, "module": module_name, "limits": limits.to_dict()}
        for _ in range(ATTEMPTS):
            reply, fds = self._exchange({"op": "spawn"})
            if "error" in reply or not fds:
                raise WorkerStartError(reply.get("error") or "the fork server sent no worker")
            channel, *pidfd = fds
            scratch = None if reply.get("files") else tempfile.TemporaryDirectory(prefix="scratch-", dir=self.scratch)
            submission["scratch"] = scratch and scratch.name
            worker = ForkedWorker(self, reply["pid"], pidfd[0] if pidfd else None, channel, scratch)
            if reply.get("files") and "files" not in submission:  # the worker writes a private copy
                try:
                    submission["files"] = {name: np.frombuffer(data, dtype=np.uint8)
                                           for name, data in (files() if files else {}).items()}
                except Exception as exc:  # noqa: BLE001 - the caller's reader failed: that is the import error
                    submission["problem"] = f"cannot read the submission: {exc}"
            try:
                worker.channel.send(submission)
                return worker
            except ChannelClosed:  # it died before it learnt its submission: no learner code ran
                worker.close()
        raise WorkerStartError(f"{ATTEMPTS} workers in a row ended before they were given the submission")

    def _exchange(self, message: dict, fds=()) -> tuple:
        """Send a request that is answered, ``(answer, descriptors)``; a fork server that is gone is
        replaced once (a clone's request goes to the replacement, a fresh fork server of its own)."""
        for attempt in range(2):
            self.ensure_started()
            try:
                return self._ask(message, fds)
            except OSError:
                pass
            if attempt == 0:
                self._replace()
        raise WorkerStartError("the fork server ended, and so did the one started in its place")

    def _ask(self, message: dict, fds=()) -> tuple:
        """``(answer, descriptors)`` to ``message``; OSError if the fork server is gone."""
        with self._lock:
            socket.send_fds(self._ctrl, [json.dumps(message).encode()], list(fds))
            data, received, _, _ = socket.recv_fds(self._ctrl, 4096, 2)
        if not data:
            raise OSError("the fork server closed its control socket")
        return json.loads(data), received

    def _replace(self) -> None:
        """Let a fork server that is gone go; the next :meth:`ensure_started` starts a fresh one."""
        ctrl, proc, self._ctrl, self._proc = self._ctrl, self._proc, None, None
        if ctrl is not None:
            ctrl.close()
        if proc is not None:
            proc.kill()
            proc.wait()
            cgroups.remove(proc.pid)

    def send(self, message: dict) -> None:
        """A request the fork server does not answer (lost with a fork server that is gone)."""
        try:
            with self._lock:
                self._ctrl.send(json.dumps(message).encode())
        except (OSError, AttributeError):
            pass

    def request(self, message: dict) -> dict:
        """A request and the fork server's answer; ``{}`` from a fork server that is gone."""
        try:
            answer, fds = self._ask(message)
        except (OSError, AttributeError):
            return {}
        for fd in fds:
            os.close(fd)
        return answer

    def stop(self) -> None:
        if self._ctrl is not None:
            self._ctrl.close()
            if self._proc is not None:
                self._proc.wait()
                cgroups.remove(self._proc.pid)
            self._ctrl = self._proc = None
