"""The worker: the only place learner code runs.

A worker imports one learner module and answers requests on its channel:
``{"op": "call", "fn": name, "args": [...], "kwargs": {...}}``. Every answer is
plain data (see :mod:`grader.workers.wire.codec`): ``{"ok": value}``, ``{"raised": {...}}``
for an exception, or ``{"exited": code}`` when learner code asked to end the
process. Each answer carries ``"out"``, what the learner printed meanwhile, and
``"warnings"``, what it warned (:mod:`.tracing`, which also says where the
learner's code is when a deadline has passed).

Nothing here is trusted by the other side: the learner can patch this very
module at import time, so the trusted side validates every answer it gets.

Run directly (``python -m grader.workers.inside.worker PATH``) when no fork server is used:
the channel is then stdin/stdout and learner prints never reach them.
"""

from __future__ import annotations

import importlib.util
import io
import os
import sys

from ...settings import worker_environment
from ..wire.channel import Channel, ChannelClosed
from ..wire.text import CappedText
from . import tracing

SERVING = False
"""True in a worker: kata's own entry points (``grader.check``) then do nothing."""


def serve(channel: Channel, path: str, module_name: str, after_call=None) -> None:
    """Import the learner module, report how that went, then answer calls until EOF.

    ``after_call`` (from the sandbox) ends whatever the call left running.
    """
    global SERVING
    SERVING = True
    out = CappedText()
    sys.stdout = sys.stderr = out
    sys.stdin = io.StringIO("")
    tracer = tracing.Tracer(path, channel.send)
    tracer.install()
    tracer.start()
    module, answer = _import(path, module_name)
    answer.update(out=out.take(), warnings=tracer.stop())
    _reply(channel, answer)
    if module is None:
        return
    while True:
        try:
            request = channel.recv()
        except ChannelClosed:
            return
        tracer.start()
        answer = _answer(module, request)
        answer["warnings"] = tracer.stop()
        if after_call is not None:
            after_call()
        answer["out"] = out.take()
        _reply(channel, answer)
        if "exited" in answer:
            return


def refuse(channel: Channel, problem: str) -> None:
    """Answer the import with ``problem`` instead of importing anything."""
    _reply(channel, {"raised": {"type": "OSError", "bases": ["OSError", "Exception"], "message": problem[:1000],
                                "line": None}, "out": ""})


def warm() -> None:
    """Run, once and on made-up data, the code every worker runs for a submission.

    A forked worker shares its memory with the fork server until it writes
    to it; the first time a code path runs in the worker, the pages it
    writes are copied (milliseconds in all). A worker forked ahead of need
    calls this while it waits, so the submission does not wait for that:
    decoding a request, encoding an answer with an array and an exception,
    compiling a module, capturing output.
    """
    import numpy as np

    from ..wire.codec import decode, encode

    request = {"op": "call", "fn": "f", "args": [np.arange(3.0), (1, 2.5)], "kwargs": {"x": None}}
    decode(encode(request))
    decode(encode({"ok": np.zeros(2), "out": ""}))
    try:
        raise ValueError("warm")
    except ValueError as exc:
        decode(encode({"raised": _describe(exc, __file__), "out": ""}))
    compile("import numpy as np\n\ndef f(x):\n    return float(np.sum(x))\n", "<warm>", "exec")
    importlib.util.spec_from_file_location("kata_warm", os.path.join(os.sep, "kata_warm.py"))
    out = CappedText()
    out.write("warm")
    out.take()


def _import(path: str, module_name: str):
    folder = os.path.dirname(os.path.abspath(path))
    sys.path.insert(0, folder)
    try:
        spec = importlib.util.spec_from_file_location(module_name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
    except SystemExit as exc:
        return None, {"exited": _exit_code(exc)}
    except BaseException as exc:  # noqa: BLE001 - anything the learner's import raises
        return None, {"raised": _describe(exc, path)}
    names = sorted(k for k, v in vars(module).items() if callable(v) and not k.startswith("_"))
    return module, {"ok": names}


def _answer(module, request) -> dict:
    if not (isinstance(request, dict) and request.get("op") == "call"):
        return {"raised": {"type": "RuntimeError", "bases": ["RuntimeError"],
                           "message": "bad request", "line": None}}
    name = request.get("fn")
    function = getattr(module, name, None) if isinstance(name, str) else None
    if function is None or not callable(function):
        return {"missing": name}
    try:
        value = function(*request.get("args", []), **request.get("kwargs", {}))
        return {"ok": value}
    except SystemExit as exc:
        return {"exited": _exit_code(exc)}
    except BaseException as exc:  # noqa: BLE001 - learner exceptions are data here
        return {"raised": _describe(exc, module.__file__)}


def _describe(exc: BaseException, path: str) -> dict:
    bases = [c.__name__ for c in type(exc).__mro__ if c.__module__ == "builtins"]
    line = getattr(exc, "lineno", None) if isinstance(exc, SyntaxError) else None
    if line is None:
        line = _learner_line(exc, path)
    try:
        message = exc.msg if isinstance(exc, SyntaxError) and isinstance(exc.msg, str) else str(exc)
    except BaseException:  # noqa: BLE001
        message = "(message unavailable)"
    return {"type": type(exc).__name__, "bases": bases, "message": message[:1000], "line": line}


def _learner_line(exc: BaseException, path: str):
    """The last line of the learner's file in the traceback, if any.

    Walks the frames without reading any source (``traceback.extract_tb``
    reads every file it meets: a tenth of a millisecond per exception).
    """
    line = None
    try:
        target, seen = os.path.abspath(path), {}
        tb = exc.__traceback__
        while tb is not None:
            name = tb.tb_frame.f_code.co_filename
            if name not in seen:
                seen[name] = os.path.abspath(name) == target
            if seen[name]:
                line = tb.tb_lineno
            tb = tb.tb_next
    except BaseException:  # noqa: BLE001
        pass
    return line


def _exit_code(exc: SystemExit):
    code = exc.code
    return code if isinstance(code, int) else (0 if code is None else 1)


def _reply(channel: Channel, answer: dict) -> None:
    try:
        channel.send(answer)
    except ChannelClosed:
        os._exit(0)
    except BaseException as exc:  # noqa: BLE001 - e.g. a value too deep to encode
        channel.send({"raised": {"type": "TypeError", "bases": ["TypeError", "Exception"],
                                 "message": f"the value could not be sent back: {exc}"[:1000],
                                 "line": None}, "out": ""})


def main(argv=None) -> None:
    """Entry point for a worker started as a subprocess (no fork server)."""
    import json

    from . import limits

    argv = sys.argv[1:] if argv is None else argv
    path, module_name, limit_text = argv[0], argv[1], argv[2]
    read_fd = os.dup(0)
    write_fd = os.dup(1)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    minimal_environment()
    limits.apply(limits.Limits.from_dict(json.loads(limit_text)))
    serve(Channel(read_fd, write_fd), path, module_name)


def minimal_environment() -> None:
    """Replace this process's environment with the worker's (:func:`grader.settings.worker_environment`)."""
    environment = worker_environment()
    os.environ.clear()
    os.environ.update(environment)


if __name__ == "__main__":
    main()
