"""``kata grade --scheduler``: grading on a Dask cluster.

The client (``kata grade``) discovers and stages submissions exactly as a
local run does, then ships bytes: once, the kata's grading-only workspace
(its kata.yaml and folder, never the solutions: :func:`grader.core.bundle.workspace_files`);
per batch, each submission's files. A Dask worker needs kata installed, not
the workspace or the submissions folder on its disk. Each Dask worker process
keeps one :class:`~grader.core.grading.Grader` per workspace (its own pre-warmed
fork server and full sandbox) alive across tasks, and returns plain result
records. Results stream back as batches complete and are journaled by the
client as locally, so an interrupted client resumes with only what is
missing, and a lost worker costs only a retry of its batch (a student is
journaled once, when their batch first completes).

What crosses the network: the workspace files and the submissions' files
(client to workers), result records as plain dicts (workers to client).
A worker trusts the client that sends it work: run the cluster for one
course's staff, not as a public service.
"""

from __future__ import annotations

import atexit
import hashlib
import io
import socket
import tempfile
import threading
import zipfile
from pathlib import Path, PurePosixPath

from ..core import staging
from ..core.bundle import workspace_files
from ..core.files import RunFolder
from ..core.manifest import Kata, Manifest, load
from ..core.results import KataResult, fault_of_kata
from .executors import Executor

EXTRA = "kata[dask]"
BATCH = 8
"""Submissions per task: large enough to amortise a task's overhead, small enough to spread the work."""


class ClusterError(Exception):
    """The cluster cannot be used; the message names the problem and the fix."""


def connect(address: str):
    """A Dask client on the scheduler at ``address``."""
    try:
        from distributed import Client
    except ImportError:
        raise ClusterError(f"--scheduler needs Dask, which is not installed here; "
                           f"install it with: pip install '{EXTRA}'") from None
    try:
        _probe(address)
        return Client(address, timeout=f"{CONNECT_TIMEOUT}s")
    except (OSError, TimeoutError) as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {address} ({exc}); start one with "
                           "'dask scheduler' and workers with 'dask worker ADDRESS', or check the address") from None


CONNECT_TIMEOUT = 5
"""Seconds to reach the scheduler."""


def _probe(address: str) -> None:
    """Raise OSError at once when nothing listens at a TCP or TLS ``address``.

    Dask's own connect retries a refused connection until its timeout, so a mistyped port
    would cost the whole timeout before the one-line error; one plain connection says it now.
    """
    from distributed.comm import parse_address, parse_host_port

    try:
        scheme, location = parse_address(address)
        host_port = parse_host_port(location)
    except ValueError:
        return  # an address of another form: Dask's connect judges it
    if scheme in ("tcp", "tls"):
        socket.create_connection(host_port, timeout=CONNECT_TIMEOUT).close()


def workspace_blob(manifest: Manifest, kata: Kata) -> bytes:
    """The grading-only workspace as one zip, the same bytes for the same kata."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in workspace_files(manifest, kata).items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), data)
    return buffer.getvalue()


def task_payload(task: dict) -> dict:
    """What a worker needs of one pending submission: its files as bytes, which one is the learner file."""
    files = {relative: staging.read_file(Path(path), staging.MAX_BYTES) for relative, path in task["files"].items()}
    learner = next(relative for relative, path in task["files"].items() if path == task["path"])
    return {"student": task["student"], "learner": learner, "files": files}


class DaskBatches(Executor):
    """Batches of submissions graded on a Dask cluster, through ``client`` (owned by the caller)."""

    def __init__(self, client, manifest: Manifest, kata: Kata, seed: int):
        super().__init__(kata, seed)
        self.client, self.manifest = client, manifest
        self._futures: dict = {}

    def results(self, tasks):
        """Each task's result as its batch completes; a student is given once (a retried batch repeats none)."""
        from distributed import as_completed

        blob = workspace_blob(self.manifest, self.kata)
        digest = hashlib.sha256(blob).hexdigest()
        _register_plugin(self.client)
        # A task, not scattered data: Dask copies it to each worker once, and computes it again if every
        # worker holding it is lost (scattered data would be gone, and every batch after it with it).
        shared = self.client.submit(workspace_bytes, blob, pure=False)
        by_student = {task["student"]: task for task in tasks}
        batches = [tasks[i:i + BATCH] for i in range(0, len(tasks), BATCH)]
        self._futures = {self.client.submit(grade_batch, shared, digest, self.kata.id, self.seed,
                                            [task_payload(t) for t in batch], pure=False, retries=2): batch
                         for batch in batches}
        done: set = set()
        for future in as_completed(list(self._futures)):
            try:
                items = future.result()
            except Exception as exc:  # noqa: BLE001 - the batch failed every retry: its students get error rows
                reason = f"the cluster could not grade this batch ({type(exc).__name__}: {exc})"
                items = [{"student": task["student"], "result": self.fault(reason).to_dict()}
                         for task in self._futures[future]]
            for item in items:
                student = item.get("student") if isinstance(item, dict) else None
                if student not in by_student or student in done:
                    continue  # not asked for, or already given (a retried batch)
                done.add(student)
                yield by_student[student], KataResult.from_dict(item["result"])
            future.release()
        self._futures = {}

    def close(self) -> None:
        """Cancel the batches still on the cluster (the client is the caller's to close)."""
        if self._futures:
            self.client.cancel(list(self._futures))
            self._futures = {}


def missing_protections(client) -> list:
    """The protections some worker of the cluster cannot give (each Dask worker probes its own machine)."""
    try:
        answers = client.run(_missing_here)
    except Exception:  # noqa: BLE001 - a worker that cannot say is reported as such
        return ["(the workers did not say which protections they have)"]
    return sorted({name for names in answers.values() for name in names})


def _missing_here() -> list:
    """Runs on a Dask worker: the protections its workers lack (``kata doctor``'s off rows)."""
    from ..workers.client.launchers import default_mode
    from ..workers.inside import protections, sandbox

    return protections.missing(sandbox.probe(), default_mode())


def _register_plugin(client) -> None:
    from distributed.diagnostics.plugin import WorkerPlugin

    class KataGraders(WorkerPlugin):
        """Ends the worker's cached graders (and their fork servers) when the worker closes."""

        name = "kata-graders"

        def teardown(self, worker):
            close_all()

    register = getattr(client, "register_plugin", None) or client.register_worker_plugin
    register(KataGraders())


# --- on the Dask worker ---------------------------------------------------------------

_graders: dict = {}
_state: dict = {"folder": None}
"""This Dask worker process's :class:`~grader.core.files.RunFolder`: workspaces, tasks, staging, scratch."""
_lock = threading.Lock()


def workspace_bytes(blob: bytes) -> bytes:
    """Runs on a Dask worker: the grading-only workspace, as a task result the batches depend on."""
    return blob


def grade_batch(blob: bytes, digest: str, kata_id: str, seed: int, tasks: list) -> list:
    """Runs on a Dask worker: grade each task with this process's cached grader; plain records back."""
    grader, kata = _grader(blob, digest, kata_id)
    records = []
    with _lock:  # one submission at a time per worker process: its fork server, its CPU
        for task in tasks:
            try:
                result = _grade_task(grader, kata, seed, task)
            except Exception as exc:  # noqa: BLE001 - a fault costs only this submission's row
                result = fault_of_kata(kata.id, kata.max_score, f"internal grading error: "
                                       f"{type(exc).__name__}: {exc}", seed)
            records.append({"student": task["student"], "result": result.to_dict()})
    return records


def _grade_task(grader, kata, seed: int, task: dict):
    with tempfile.TemporaryDirectory(prefix="task-", dir=grader.folder) as folder:
        files = {}
        for relative, data in task["files"].items():
            target = Path(folder).joinpath(*_safe_parts(relative))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            files[relative] = target
        path = Path(folder).joinpath(*_safe_parts(task["learner"]))
        return grader.grade(kata, path, seed, files=files)


def _safe_parts(relative: str) -> tuple:
    path = PurePosixPath(relative)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise ValueError(f"unsafe relative path {relative!r}")
    return path.parts


def _grader(blob: bytes, digest: str, kata_id: str):
    from ..core.grading import Grader

    with _lock:
        if _state["folder"] is None:  # this worker process's one temporary folder, swept if it is killed
            _state["folder"] = RunFolder("dask")
        if digest not in _graders:
            folder = Path(tempfile.mkdtemp(prefix="workspace-", dir=_state["folder"].path))
            with zipfile.ZipFile(io.BytesIO(blob)) as archive:
                for name in archive.namelist():
                    target = folder.joinpath(*_safe_parts(name))
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(archive.read(name))
            manifest = load(folder / "kata.yaml")
            grader = Grader(manifest, folder=_state["folder"].path).__enter__()
            kata = manifest.get(kata_id)
            grader.suite(kata)
            _graders[digest] = (grader, kata)
        return _graders[digest]


def close_all() -> None:
    """End this worker process's graders (their fork servers and workers) and remove its folder."""
    with _lock:
        for grader, _ in _graders.values():
            grader.__exit__(None, None, None)
        _graders.clear()
        if _state["folder"] is not None:
            _state["folder"].close()
            _state["folder"] = None


atexit.register(close_all)
