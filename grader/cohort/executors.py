"""Grading several submissions at a time.

With a fork server (Linux), the pool forks N trusted grading processes from
the process that already holds numpy, scipy and the loaded checks; each owns
one pristine worker launcher and grades one submission at a time. A grading
process that dies costs only the submission it held, and is replaced.
Without fork, threads share the work (each worker is a subprocess anyway).
"""

from __future__ import annotations

import json
import os
import select
import signal
from collections import deque
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait


def make_pool(job, launchers):
    """``job(task, launcher) -> dict``; a pool that runs it on each task."""
    if hasattr(os, "fork") and all(l.mode == "fork" for l in launchers):
        return ForkPool(job, launchers)
    return ThreadPool(job, launchers)


class ThreadPool:
    def __init__(self, job, launchers):
        self.job, self.launchers = job, launchers

    def run(self, tasks, tick: float = 1.0):
        """Yield ``(task, result, error)`` as tasks finish, or ``None`` every ``tick`` s."""
        pending, free = deque(tasks), list(self.launchers)
        with ThreadPoolExecutor(max_workers=len(self.launchers)) as executor:
            running = {}
            while pending or running:
                while pending and free:
                    launcher, task = free.pop(), pending.popleft()
                    running[executor.submit(self.job, task, launcher)] = (task, launcher)
                done, _ = wait(running, timeout=tick, return_when=FIRST_COMPLETED)
                if not done:
                    yield None
                for future in done:
                    task, launcher = running.pop(future)
                    free.append(launcher)
                    error = future.exception()
                    yield (task, None, f"{type(error).__name__}: {error}") if error else (task, future.result(), None)


class _Child:
    def __init__(self, pid, task_fd, result_fd, launcher):
        self.pid, self.task_fd, self.result_fd, self.launcher = pid, task_fd, result_fd, launcher
        self.buffer = b""
        self.task = None


class ForkPool:
    def __init__(self, job, launchers):
        self.job = job
        self.children = []
        for launcher in launchers:
            self.children.append(self._fork(launcher))

    def _fork(self, launcher) -> _Child:
        task_read, task_write = os.pipe()
        result_read, result_write = os.pipe()
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                for name in ("SIGINT", "SIGTERM", "SIGHUP"):  # the parent stops the run; it ends its children
                    if hasattr(signal, name):
                        signal.signal(getattr(signal, name), signal.SIG_IGN)
                os.close(task_write)
                os.close(result_read)
                for sibling in self.children:  # their pipes must close when the parent closes them
                    _close(sibling.task_fd, sibling.result_fd)
                self._serve(task_read, result_write, launcher)
                code = 0
            finally:
                os._exit(code)
        os.close(task_read)
        os.close(result_write)
        return _Child(pid, task_write, result_read, launcher)

    def _serve(self, task_read, result_write, launcher) -> None:
        with os.fdopen(task_read, "rb") as tasks, os.fdopen(result_write, "wb") as results:
            for line in tasks:
                task = json.loads(line)
                try:
                    answer = {"result": self.job(task, launcher)}
                except Exception as exc:  # noqa: BLE001 - reported as that submission's error
                    answer = {"error": f"{type(exc).__name__}: {exc}"}
                results.write(json.dumps(answer, allow_nan=False, default=str).encode() + b"\n")
                results.flush()

    def run(self, tasks, tick: float = 1.0):
        """Yield ``(task, result, error)`` as tasks finish, or ``None`` every ``tick`` s."""
        pending = deque(tasks)
        try:
            while pending or any(c.task is not None for c in self.children):
                for child in self.children:
                    if child.task is None and pending:
                        task = pending.popleft()
                        if not self._dispatch(child, task):
                            yield task, None, "internal grading error: no grading process would take it"
                busy = {c.result_fd: c for c in self.children if c.task is not None}
                if not busy:
                    continue
                ready, _, _ = select.select(list(busy), [], [], tick)
                if not ready:
                    yield None
                for fd in ready:
                    yield from self._collect(busy[fd])
        finally:
            self.close()

    def _dispatch(self, child: _Child, task) -> bool:
        """Give ``task`` to ``child``; one that died while idle is replaced first (it held nothing)."""
        for _ in range(2):
            try:
                os.write(child.task_fd, json.dumps(task).encode() + b"\n")
            except OSError:
                self._replace(child)
                continue
            child.task = task
            return True
        return False

    def _collect(self, child: _Child):
        chunk = os.read(child.result_fd, 1 << 20)
        if not chunk:
            task, child.task = child.task, None
            self._replace(child)
            yield task, None, "internal grading error: the grading process ended unexpectedly"
            return
        child.buffer += chunk
        while b"\n" in child.buffer:
            line, child.buffer = child.buffer.split(b"\n", 1)
            task, child.task = child.task, None
            answer = json.loads(line)
            yield task, answer.get("result"), answer.get("error")

    def _replace(self, child: _Child) -> None:
        _close(child.task_fd, child.result_fd)
        child.task_fd = child.result_fd = -1
        _reap(child.pid)
        fresh = self._fork(child.launcher)
        child.pid, child.task_fd, child.result_fd, child.buffer = fresh.pid, fresh.task_fd, fresh.result_fd, b""

    def close(self) -> None:
        """End every grading process; one still holding a submission is killed."""
        for child in self.children:
            if child.task is not None:
                try:
                    os.kill(child.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            _close(child.task_fd, child.result_fd)
        for child in self.children:
            _reap(child.pid)
        self.children = []


def _close(*fds: int) -> None:
    for fd in fds:
        try:
            os.close(fd)
        except OSError:
            pass


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
