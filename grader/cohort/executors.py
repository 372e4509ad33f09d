"""Executors: the ways ``kata grade`` grades the submissions that are pending.

One interface (:class:`Executor`), three implementations:

- :class:`GradingProcesses` (a fork server, POSIX): N grading processes forked
  from this one once the checks are loaded. Each holds a fork server of its own
  (a clone of the pristine one) on a control socket no other process holds, and
  dies with this process. A grading process that dies costs only the submission
  it held; its replacement gets a fresh fork server.
- :class:`GradingThreads` (elsewhere): N threads, each with a launcher of its own
  (every worker is a subprocess anyway).
- :class:`~grader.cohort.cluster.DaskBatches`: batches on a Dask cluster.

Each yields ``(task, KataResult)`` as submissions finish (the local ones also
``None`` now and then, for progress), whatever happens: a fault of the executor's own (a process
that died, a batch that failed every retry) becomes that student's row by one
rule, :func:`~grader.core.results.fault_of_kata`. Closing an executor ends every
process it started.
"""

from __future__ import annotations

import json
import os
import select
import signal
import sys
from abc import ABC, abstractmethod
from collections import deque
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from pathlib import Path

from ..core.grading import Grader
from ..core.manifest import Kata, Manifest
from ..core.results import KataResult, fault_of_kata
from ..workers.client.launchers import default_mode
from ..workers.inside import syscalls

TICK = 1.0
"""Seconds a local executor waits for a result before it yields ``None`` (a moment to show progress)."""


class Executor(ABC):
    """Grades pending submissions of one kata with one seed; a context manager that ends what it starts."""

    def __init__(self, kata: Kata, seed: int):
        self.kata, self.seed = kata, seed

    def __enter__(self) -> "Executor":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @abstractmethod
    def results(self, tasks: list):
        """Yield ``(task, KataResult)`` as each task is graded. An executor may also yield ``None`` while
        none finishes, a moment to show progress: the local ones do every :data:`TICK` seconds,
        :class:`~grader.cohort.cluster.DaskBatches` never does.

        A task is ``{"student", "path", "digest", "files": {relative: path}}``; every task gets a result.
        """

    @abstractmethod
    def close(self) -> None:
        """End every process and thread this executor started."""

    def fault(self, reason: str) -> KataResult:
        """The row of a submission the executor itself failed to grade (graded again next run)."""
        return fault_of_kata(self.kata.id, self.kata.max_score, f"internal grading error: {reason}", self.seed)


def local(manifest: Manifest, kata: Kata, seed: int, jobs: int, folder: Path) -> Executor:
    """The executor for this machine: grading processes where the fork server is used, else threads."""
    grader = Grader(manifest, folder=folder)
    if hasattr(os, "fork") and default_mode() == "fork":
        return GradingProcesses(grader, kata, seed, jobs)
    return GradingThreads(grader, kata, seed, jobs)


def grade_task(grader: Grader, kata: Kata, seed: int, task: dict, launcher) -> KataResult:
    """One pending submission, graded with ``launcher``."""
    files = {relative: Path(path) for relative, path in task["files"].items()}
    return grader.grade(kata, Path(task["path"]), seed, launcher, files=files)


class GradingThreads(Executor):
    """Threads, each grading with a launcher of its own."""

    def __init__(self, grader: Grader, kata: Kata, seed: int, jobs: int):
        super().__init__(kata, seed)
        self.grader, self.jobs = grader, jobs
        self.launchers: list = []
        self._pool = None

    def __enter__(self) -> "GradingThreads":
        try:
            self.grader.__enter__()
            self.grader.suite(self.kata)
            self.launchers = [self.grader.launcher] + [self.grader.launcher.clone() for _ in range(self.jobs - 1)]
            self._pool = ThreadPoolExecutor(max_workers=self.jobs)
        except BaseException:
            self.close()
            raise
        return self

    def results(self, tasks):
        pending, free, running = deque(tasks), list(self.launchers), {}
        while pending or running:
            while pending and free:
                launcher, task = free.pop(), pending.popleft()
                future = self._pool.submit(grade_task, self.grader, self.kata, self.seed, task, launcher)
                running[future] = (task, launcher)
            done, _ = wait(running, timeout=TICK, return_when=FIRST_COMPLETED)
            if not done:
                yield None
            for future in done:
                task, launcher = running.pop(future)
                free.append(launcher)
                error = future.exception()
                yield task, (self.fault(f"{type(error).__name__}: {error}") if error else future.result())

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        for launcher in self.launchers[1:]:
            launcher.stop()
        self.launchers = []
        self.grader.__exit__(None, None, None)


class _Child:
    """A grading process as its parent sees it: its pid, its two pipes, the task it holds."""

    def __init__(self, pid: int, task_fd: int, result_fd: int):
        self.pid, self.task_fd, self.result_fd = pid, task_fd, result_fd
        self.buffer = b""
        self.task = None


class GradingProcesses(Executor):
    """Grading processes forked from this one, each with a fork server only it holds."""

    def __init__(self, grader: Grader, kata: Kata, seed: int, jobs: int):
        super().__init__(kata, seed)
        self.grader, self.jobs = grader, jobs
        self.children: list = []

    def __enter__(self) -> "GradingProcesses":
        try:
            self.grader.__enter__()
            self.grader.suite(self.kata)  # loaded once, before the grading processes fork
            self.children = [self._fork() for _ in range(self.jobs)]
        except BaseException:
            self.close()
            raise
        return self

    def _fork(self) -> _Child:
        launcher = self.grader.launcher.clone()  # a fork server for this grading process alone
        task_read, task_write = os.pipe()
        result_read, result_write = os.pipe()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                _become_grading_process(parent)
                os.close(task_write)
                os.close(result_read)
                for sibling in self.children:  # their pipes must close when the parent closes them
                    _close(sibling.task_fd, sibling.result_fd)
                self.grader.launcher.let_go()  # the pristine fork server is the parent's
                self._serve(task_read, result_write, launcher)
                code = 0
            finally:
                os._exit(code)
        os.close(task_read)
        os.close(result_write)
        launcher.let_go()  # the grading process holds it alone
        _await_ready(result_read)  # it has let go of everything that is not its own
        return _Child(pid, task_write, result_read)

    def _serve(self, task_read: int, result_write: int, launcher) -> None:
        """In the grading process: grade each task that arrives; end its fork server when the pipe closes."""
        try:
            with os.fdopen(task_read, "rb") as tasks, os.fdopen(result_write, "wb") as results:
                results.write(READY)
                results.flush()
                for line in tasks:
                    task = json.loads(line)
                    try:
                        answer = {"result": grade_task(self.grader, self.kata, self.seed, task, launcher).to_dict()}
                    except Exception as exc:  # noqa: BLE001 - reported as that submission's row
                        answer = {"error": f"{type(exc).__name__}: {exc}"}
                    results.write(json.dumps(answer, allow_nan=False, default=str).encode() + b"\n")
                    results.flush()
        finally:
            launcher.stop()

    def results(self, tasks):
        pending = deque(tasks)
        while pending or any(c.task is not None for c in self.children):
            for child in self.children:
                if child.task is None and pending:
                    task = pending.popleft()
                    if not self._dispatch(child, task):
                        yield task, self.fault("no grading process would take it")
            busy = {c.result_fd: c for c in self.children if c.task is not None}
            if not busy:
                continue
            ready, _, _ = select.select(list(busy), [], [], TICK)
            if not ready:
                yield None
            for fd in ready:
                yield from self._collect(busy[fd])

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
            yield task, self.fault("the grading process ended unexpectedly")
            return
        child.buffer += chunk
        while b"\n" in child.buffer:
            line, child.buffer = child.buffer.split(b"\n", 1)
            task, child.task = child.task, None
            answer = json.loads(line)
            result = answer.get("result")
            yield task, (KataResult.from_dict(result) if result is not None
                         else self.fault(answer.get("error") or "the grading process sent no result"))

    def _replace(self, child: _Child) -> None:
        _close(child.task_fd, child.result_fd)
        child.task_fd = child.result_fd = -1
        _reap(child.pid)
        fresh = self._fork()
        child.pid, child.task_fd, child.result_fd, child.buffer = fresh.pid, fresh.task_fd, fresh.result_fd, b""

    def close(self) -> None:
        """End every grading process (one still holding a submission is killed), then the fork server."""
        try:
            for child in self.children:
                if child.task is not None:
                    _kill(child.pid)
                _close(child.task_fd, child.result_fd)
            for child in self.children:
                _reap(child.pid)
            self.children = []
        finally:
            self.grader.__exit__(None, None, None)


READY = b"{}\n"
"""A grading process's first line: it holds nothing but its own pipes and fork server."""


def _await_ready(fd: int) -> None:
    """Read a new grading process's first line (or its end, if it died: its first task will tell)."""
    while True:
        byte = os.read(fd, 1)
        if not byte or byte == b"\n":
            return


def _become_grading_process(parent: int) -> None:
    """In a grading process just forked: the parent stops the run and ends it; it dies with the parent."""
    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        try:
            syscalls.prctl(syscalls.PR_SET_PDEATHSIG, signal.SIGKILL)
        except OSError:
            pass
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


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
