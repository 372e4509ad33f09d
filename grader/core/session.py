"""The trusted side of a worker: calls with deadlines, faults, replacement.

A :class:`LearnerSession` owns at most one live worker for one learner file.
Checks reach it through :class:`LearnerProxy` (``learner.f(data)``).
Whatever the worker answers is validated by the codec; an exception it reports
is re-raised here as a fresh exception of a matching built-in type, so a
learner's ``ValueError`` satisfies ``pytest.raises(ValueError)`` in a check and
nothing of the learner's own classes ever exists in this process.

When a call hangs, crashes the worker, ends it or answers garbage, that call
raises :class:`WorkerFault`; the worker is killed and the next call starts a
new one, so the fault costs only the checks that made that call.
"""

from __future__ import annotations

import builtins
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from ..workers.client import tracing
from ..workers.client.launchers import Launcher, Worker
from ..workers.inside import syscalls as linux
from ..workers.inside.ending import describe_exit_request
from ..workers.inside.limits import Limits
from ..workers.wire.channel import UNREADABLE, ChannelClosed, ChannelTimeout
from ..workers.wire.text import MESSAGE_CAP, CappedText, cap
from . import staging
from .show import describe

MAX_FUNCTIONS = 1000
STARVED_FACTOR = 3.0
"""A call's deadline moves by the time its worker waited for a CPU, up to this many time limits."""


class LearnerError(Exception):
    """Base of every exception re-raised on behalf of learner code."""

    type_name = "Exception"
    line = None

    def __str__(self) -> str:
        message = super().__str__()
        return f"{self.type_name}: {message}" if message else self.type_name


class WorkerFault(Exception):
    """The call did not return: timed out, crashed, ended the process, bad reply."""


class NotDefined(Exception):
    """The learner module has no function of that name."""


class ImportFailed(Exception):
    """The learner module could not be imported; the message says why."""


_exception_classes: dict = {}
_exception_lock = threading.Lock()


def learner_exception(info: dict) -> LearnerError:
    """A fresh exception standing for what the learner's code raised."""
    info = info if isinstance(info, dict) else {}
    name = _text(info.get("type"), "Exception")[:100]
    message = cap(_text(info.get("message"), ""), MESSAGE_CAP)
    bases = info.get("bases")[:20] if isinstance(info.get("bases"), list) else []
    for base_name in [*bases, "Exception"]:
        base = getattr(builtins, base_name, None) if isinstance(base_name, str) else None
        if not (isinstance(base, type) and issubclass(base, Exception)):
            continue
        try:
            exc = _exception_class(name, base)(message)
        except TypeError:
            continue  # a built-in type whose constructor needs more than a message
        exc.type_name = name
        exc.line = info.get("line") if type(info.get("line")) is int else None
        return exc
    raise AssertionError("unreachable: Exception always fits")


def _exception_class(name: str, base: type) -> type:
    with _exception_lock:
        key = (name, base)
        if key not in _exception_classes:
            bases = (LearnerError,) if base is Exception else (LearnerError, base)
            _exception_classes[key] = type(name if name.isidentifier() else "LearnerException",
                                           bases, {})
        return _exception_classes[key]


def _text(value, default: str) -> str:
    return value if isinstance(value, str) else default


class LearnerSession:
    """Calls into one learner file, each in a worker, with per-call deadlines."""

    def __init__(self, launcher: Launcher, path: str, module_name: str, *, time_limit: float,
                 import_time_limit: float, limits: Limits | None = None):
        self.launcher = launcher
        self.path = path
        self.module_name = module_name
        self.time_limit = time_limit
        self.import_time_limit = import_time_limit
        self.limits = limits or Limits()
        self._files = lambda: staging.read_all(Path(path).parent)
        """The submission's files as bytes, read only for a worker that takes a private copy of them."""
        self.functions: list[str] = []
        self.last_reply_bytes = 0
        """Size of the last answer the worker sent (what the codec decoded it from)."""
        self._worker: Worker | None = None
        self._output = CappedText()
        self._warnings: list = []

    @classmethod
    def for_kata(cls, launcher: Launcher, path, kata) -> "LearnerSession":
        """A session on the learner file at ``path`` with kata ``kata``'s limits."""
        return cls(launcher, str(path), kata.module_name, time_limit=kata.time_limit,
                   import_time_limit=kata.import_time_limit, limits=Limits(memory_mb=kata.memory_mb))

    def open(self) -> list[str]:
        """Start a worker and import the learner module; raise ImportFailed if it cannot."""
        worker = self.launcher.start(self.path, self.module_name, self.limits, self._files)
        try:
            answer = self._receive(worker, self.import_time_limit)
            self._warnings += tracing.warning_lines(answer)
            if "ok" not in answer:
                raise ImportFailed(self._import_error(answer))
        except WorkerFault as fault:
            worker.close()
            raise ImportFailed(f"{self.module_file}: {fault}") from None
        except BaseException:  # a session that fails to open ends its worker, whatever the failure
            worker.close()
            raise
        names = answer["ok"]
        self.functions = [n[:200] for n in names[:MAX_FUNCTIONS] if isinstance(n, str)] if isinstance(names, list) else []
        self._worker = worker
        return self.functions

    def call(self, name: str, args=(), kwargs=None):
        """Call the learner's function ``name``; return its value as plain data."""
        if self._worker is None:
            try:
                self.open()
            except ImportFailed as exc:
                raise WorkerFault(f"the worker could not be restarted: {exc}") from None
        worker = self._worker
        try:
            worker.channel.send({"op": "call", "fn": name, "args": list(args),
                                 "kwargs": dict(kwargs or {})})
        except ChannelClosed:
            self._worker = None
            raise WorkerFault(f"your code ended the process ({worker.close(grace=1.0)})") from None
        answer = self._receive(worker, self.time_limit)
        self._warnings += tracing.warning_lines(answer)
        if "ok" in answer:
            return answer["ok"]
        if "raised" in answer:
            raise learner_exception(answer["raised"])
        if "missing" in answer:
            raise NotDefined(f"{self.module_file} defines no function named {name}")
        self._worker = None
        if "exited" in answer:
            worker.close(grace=1.0)
            raise WorkerFault(f"your code ended the process ({describe_exit_request(answer['exited'])})")
        worker.close()
        raise WorkerFault("the worker sent an answer kata does not understand")

    def take_output(self) -> str:
        """What the learner printed since the last call of this, capped."""
        return self._output.take()

    def take_warnings(self) -> list:
        """What the learner's code warned since the last call of this (at most ``WARNINGS_KEPT``)."""
        kept, self._warnings = self._warnings[:tracing.WARNINGS_KEPT], []
        return kept

    def close(self) -> None:
        """End the worker; nobody needs to hear how a deliberately ended worker ended."""
        if self._worker is not None:
            self._worker.end()
            self._worker = None

    @property
    def module_file(self) -> str:
        return self.path.replace("\\", "/").rsplit("/", 1)[-1]

    def _receive(self, worker, timeout: float) -> dict:
        timer = _windows_watchdog(worker, timeout)
        try:
            answer = _recv_fairly(worker, timeout)
        except ChannelTimeout:
            where = tracing.ask_where(worker)  # the worker is alive until dropped: it can say where it is
            self._drop(worker)
            raise WorkerFault(f"timed out after {timeout:g} s{where}") from None
        except ChannelClosed as closed:
            unreadable = str(closed).startswith(UNREADABLE)
            how = worker.close(grace=0.0 if unreadable else 1.0)  # a worker that sent garbage is not ending
            self._drop(worker)
            if timer is not None and timer.fired:
                raise WorkerFault(f"timed out after {timeout:g} s") from None
            if unreadable:
                raise WorkerFault("the worker sent an answer kata does not understand") from None
            raise WorkerFault(f"your code ended the process ({how})") from None
        except BaseException:
            self._drop(worker)  # whatever went wrong, no worker outlives a failed receive
            raise
        finally:
            if timer is not None:
                timer.cancel()
        self.last_reply_bytes = getattr(worker.channel, "last_size", 0)
        if not isinstance(answer, dict):
            self._drop(worker)
            raise WorkerFault("the worker sent an answer kata does not understand")
        out = answer.get("out")
        if isinstance(out, str) and out:
            self._keep_output(out)
        return answer

    def _keep_output(self, text: str) -> None:
        """Keep at most OUTPUT_CAP characters per check (the worker caps per call)."""
        self._output.write(text)

    def _drop(self, worker: Worker) -> None:
        """Forget a worker that failed a call, and end it."""
        if self._worker is worker:
            self._worker = None
        worker.close()

    def _import_error(self, answer: dict) -> str:
        name = self.module_file
        if "exited" in answer:
            return f"{name} ended the process while being imported ({describe_exit_request(answer['exited'])})"
        exc = learner_exception(answer.get("raised"))
        where = f" line {exc.line}" if exc.line else ""
        return f"{name}{where}: {exc}"


def _recv_fairly(worker, timeout: float):
    """The worker's answer, within ``timeout`` seconds of the worker's own time.

    Time the worker spent runnable but waiting for a CPU (the machine busy
    with others' work) does not count, up to ``STARVED_FACTOR`` times the
    limit in all: a neighbour's load cannot make an honest call time out,
    and a call that sleeps or spins is still stopped on time.
    """
    started = time.monotonic()
    waited = _wait_baseline(worker, started)
    allowed = timeout
    while True:
        try:
            return worker.channel.recv(max(started + allowed - time.monotonic(), 0.0))
        except ChannelTimeout:
            now = linux.cpu_wait(worker.pid)
            if waited is None or now is None:
                raise
            fair = min(timeout + (now - waited), STARVED_FACTOR * timeout)
            if fair - allowed < 0.005:
                raise
            allowed = fair


BASELINE_AGE = 0.25
"""Seconds a worker's CPU-wait reading stays the baseline for its calls (reading it costs a /proc read)."""


def _wait_baseline(worker, now: float):
    """The worker's CPU-wait counter at most ``BASELINE_AGE`` seconds ago: the baseline a timeout is judged
    against. Most calls take microseconds, so reading /proc before each of them would cost more than the
    call; an older baseline credits at most that much earlier waiting, within the same cap."""
    baseline = worker.wait_baseline
    if baseline is None or now - baseline[0] > BASELINE_AGE:
        baseline = (now, linux.cpu_wait(worker.pid))
        worker.wait_baseline = baseline
    return baseline[1]


class _Watchdog:
    def __init__(self, worker, timeout):
        self.fired = False
        self._timer = threading.Timer(timeout, self._fire, args=(worker,))
        self._timer.daemon = True
        self._timer.start()

    def _fire(self, worker):
        self.fired = True
        worker.kill()

    def cancel(self):
        self._timer.cancel()


def _windows_watchdog(worker, timeout):
    """Pipes cannot be polled on Windows: a timer kills the worker instead."""
    return _Watchdog(worker, timeout) if sys.platform == "win32" else None


@dataclass
class Call:
    """One call a check made, and what came back: ``("ok", value)`` or ``("raised", exception)``."""

    name: str
    args: tuple
    kwargs: dict
    outcome: tuple = ("pending", None)


LOG_BUDGET = 32 * 1024 * 1024
"""Bytes of learner replies one check's call log keeps for diagnosis (each reply is at most a frame)."""


class LearnerProxy:
    """``learner.name(*args)`` calls the learner's function ``name`` in the worker.

    Each call and what came back is kept in :attr:`log` for diagnosis, up to
    :data:`LOG_BUDGET` bytes of replies: a check that calls a hundred times,
    each answered with a full frame, must not hold a hundred frames.
    """

    def __init__(self, session: LearnerSession):
        self._session = session
        self.log: list[Call] = []
        self._kept = 0

    @property
    def calls(self) -> list:
        """Readable forms of the calls made so far."""
        return [describe_call(c.name, c.args, c.kwargs) for c in self.log]

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)

        def call(*args, **kwargs):
            record = Call(name, args, kwargs)
            self.log.append(record)
            try:
                value = self._session.call(name, args, kwargs)
            except LearnerError as exc:
                record.outcome = ("raised", exc)
                raise
            self._kept += getattr(self._session, "last_reply_bytes", 0)
            # The log is for diagnosis: past its budget, values are not kept (and nothing is diagnosed).
            record.outcome = ("ok", value) if self._kept <= LOG_BUDGET else ("dropped", None)
            return value

        call.__name__ = name
        return call


def describe_call(name: str, args, kwargs) -> str:
    """A short, readable form of a call: ``f(<array of 40 floats>)``."""
    parts = [describe(a) for a in args] + [f"{k}={describe(v)}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"
