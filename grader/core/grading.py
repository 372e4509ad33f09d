"""Grading one learner file against one kata: worker, checks, result.

A :class:`Grader` is the trusted process's grading context. Entering it imports
the manifest's preload modules and starts the worker launcher (a fork server
on Linux) *before* any check file is loaded, so workers are forked from a
process that holds numpy and scipy but no checks and no solutions.
"""

from __future__ import annotations

import importlib
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

from .. import settings
from ..workers.client import launchers
from ..workers.client.launchers import WorkerStartError
from ..workers.inside import sandbox, syscalls
from . import ipynb, staging
from .files import RunFolder
from .manifest import Kata, Manifest
from .results import CheckResult, KataResult, Outcome, error_result, fault_of_kata
from .runner import CheckSuite
from .session import ImportFailed, LearnerSession


def hide_from_other_processes() -> None:
    """Make this trusted process undumpable: no ptrace, no /proc/<pid>/mem, even by its own uid."""
    if sys.platform.startswith("linux"):
        try:
            syscalls.prctl(syscalls.PR_SET_DUMPABLE, 0)
        except OSError:
            pass


def new_seed() -> int:
    return secrets.randbelow(10**6)


class Grader:
    """The trusted process's grading context: a worker launcher, the checks it has loaded, and a
    temporary folder for staging. Used as a context manager.

    Entering it starts the launcher (a fork server on Linux) before any check
    file is loaded; leaving it ends the launcher (and with it every worker) and
    removes the folder, if the grader made it. One grading job at a time uses
    :attr:`launcher`; a job in another thread or process uses a clone of it of
    its own (:meth:`~grader.workers.client.launchers.Launcher.clone`).
    """

    def __init__(self, manifest: Manifest, mode: str | None = None, harden: bool = True,
                 folder: Path | None = None):
        """``harden``: make this process undumpable, and what it starts single-threaded in its numeric
        libraries, as kata's own processes are (the ``kata`` command sets that before numpy loads, which
        this cannot do after); False in a process that is not kata's (a Jupyter kernel).
        ``folder``: where staging copies and workers' scratch folders go, owned by the caller (a
        grading run's folder); by default the grader makes a :class:`~grader.core.files.RunFolder`."""
        self.manifest = manifest
        self.harden = harden
        self.mode = mode
        self.folder = folder
        self.launcher = None
        self._own_folder: RunFolder | None = None
        self._suites: dict = {}

    def __enter__(self) -> "Grader":
        if self.harden:
            os.environ.update(settings.single_thread_environment())
            hide_from_other_processes()
        if self.folder is None:
            self._own_folder = RunFolder("grader")
            self.folder = self._own_folder.path
        try:
            # The fork server starts first: it imports the preload modules on the
            # other core while this process imports the same ones for its checks.
            self.launcher = launchers.make_launcher(self.mode, self.manifest.preload, scratch=self.folder)
            self.launcher.ensure_started()
        except BaseException:
            self.__exit__()
            raise
        for name in self.manifest.preload:
            try:
                importlib.import_module(name)
            except ImportError:
                pass  # a missing optional library only costs learner import time
        return self

    def __exit__(self, *exc) -> None:
        try:
            if self.launcher is not None:
                self.launcher.stop()
        finally:
            if self._own_folder is not None:
                self._own_folder.close()
                self._own_folder = None

    def suite(self, kata: Kata) -> CheckSuite:
        if kata.id not in self._suites:
            self._suites[kata.id] = CheckSuite.load(kata)
        return self._suites[kata.id]

    def grade(self, kata: Kata, path: Path, seed: int, launcher=None, files: dict | None = None,
              only=None, listener=None) -> KataResult:
        """Grade the learner file at ``path``; never raises for anything the file does.

        ``files`` are the submission's files (:func:`staging.collect`), by
        default those of the learner file's folder. Exactly these are copied
        into a private staging folder, and only that folder reaches a worker.
        ``only``: the stub functions whose checks run (default all).
        ``listener``: told ``started(check)`` and ``decided(check_result)`` as
        each check runs, for reports that show each check as it is decided,
        and ``explained(function, diagnosis)`` once the function's last check
        is decided (the diagnosis is then on each of its failed checks too).
        Paths into the staging folder or the sandbox in what the learner's code
        printed or raised are shown as the learner's own (``path``'s folder).
        """
        started = time.monotonic()
        path = Path(path)
        checks = [c for c in kata.checks if only is None or c.target in only]
        max_score = float(sum(c.points for c in checks))
        with tempfile.TemporaryDirectory(prefix="stage-", dir=self.folder) as scratch:
            try:
                staged = _stage(path, files, Path(scratch) / "submission")
                notebook = staged.suffix.lower() == ".ipynb"
                if notebook:
                    staged = ipynb.write_module(staged, staged.with_name(kata.files[0]))
            except ipynb.NotebookError as exc:
                result = error_result(kata.id, max_score, str(exc), seed)
            except (staging.SubmissionError, OSError) as exc:
                result = error_result(kata.id, max_score, f"cannot grade {path.name}: {exc}", seed)
            else:
                # Staged, the submission's root is scratch/submission; in the sandbox, the
                # learner file's folder is sandbox.SUBMISSION. Either is the learner's own folder.
                depth = len(staged.relative_to(Path(scratch) / "submission").parts)
                renames = [(str(Path(scratch) / "submission") + os.sep, str(path.absolute().parents[depth - 1]) + os.sep),
                           (sandbox.SUBMISSION + "/", str(path.absolute().parent) + os.sep)]
                result = self._grade(kata, staged, seed, launcher or self.launcher, checks, max_score,
                                     _Renaming(listener, renames), notebook)
                for old, new in renames:  # each check's texts were renamed as it was decided
                    result.replace_text(old, new)
        result.duration = time.monotonic() - started
        return result

    def _grade(self, kata: Kata, path: Path, seed: int, launcher, checks: list, max_score: float, listener,
               notebook: bool) -> KataResult:
        problem = unreadable(path)
        if problem:
            return error_result(kata.id, max_score, problem, seed)
        suite = self.suite(kata)
        session = LearnerSession.for_kata(launcher, path, kata)
        try:
            try:
                session.open()
            except ImportFailed as exc:
                return error_result(kata.id, max_score, f"could not import {exc}", seed,
                                    session.take_output())
            except WorkerStartError as exc:
                return fault_of_kata(kata.id, max_score, f"kata could not start a worker: {exc}", seed)
            notes = _notebook_notes(session) if notebook else []
            notes += [f"warning while importing: {warning}" for warning in session.take_warnings()]
            imported_output = session.take_output()
            deadline = time.monotonic() + kata.submission_time_limit
            results, evidence = [], suite.evidence()
            last = {c.target: i for i, c in enumerate(checks)}  # where each target's last check is
            for index, check in enumerate(checks):
                listener.started(check)
                results.append(suite.run(check, session, seed, evidence) if time.monotonic() < deadline
                               else out_of_time(check, kata.submission_time_limit))
                listener.decided(results[-1])
                if last[check.target] == index:
                    listener.explained(check.target, evidence.explain(check.target))
        finally:
            session.close()
        score = float(sum(c.points for c in results))
        return KataResult(kata=kata.id, score=score, max_score=max_score, status="graded",
                          checks=results, seed=seed, output=imported_output, notes=notes)


def _notebook_notes(session: LearnerSession) -> list:
    """The notebook's skipped cells, as notes; nothing if the worker will not say."""
    try:
        return ipynb.skipped_cells(session.call(ipynb.REPORT_FUNCTION))
    except Exception:  # noqa: BLE001 - learner code may have replaced the function; the grade stands
        return []


class _Renaming:
    """Shows the learner their own paths in each check's result, before anyone sees it."""

    def __init__(self, listener, renames: list):
        self.listener, self.renames = listener, renames

    def started(self, check) -> None:
        if self.listener is not None:
            self.listener.started(check)

    def decided(self, result: CheckResult) -> None:
        for old, new in self.renames:
            result.replace_text(old, new)
        if self.listener is not None:
            self.listener.decided(result)

    def explained(self, target: str, diagnosis: str) -> None:
        if self.listener is not None:
            self.listener.explained(target, diagnosis)


def _stage(path: Path, files: dict | None, target: Path) -> Path:
    """Stage the submission; return the staged learner file's path."""
    if files is None:
        try:
            files = staging.collect(path.parent)
        except staging.SubmissionError:
            files = {}  # a learner's crowded folder: grade the file alone
        if path.name not in files:
            files = staging.collect(path.parent, learner=path)
    learner = next((relative for relative, source in files.items() if Path(source) == path), None)
    if learner is None:
        raise staging.SubmissionError(f"{path.name} is not among the submission's files")
    staging.stage(files, target)
    return target.joinpath(*learner.split("/"))


def out_of_time(check, budget: float) -> CheckResult:
    """A check not run because the submission used up its time budget."""
    return CheckResult(name=check.name, target=check.target, passed=False, points=0.0,
                       max_points=check.points, outcome=Outcome.FAULT, hint=check.hint,
                       message=f"not run: this submission used up its {budget:g} s time budget "
                               "(calls that hang use a whole time limit each)")


def unreadable(path: Path) -> str | None:
    """Why ``path`` cannot be graded before running anything, or None."""
    path = Path(path)
    if not path.is_file():
        return f"{path.name} does not exist" if not path.exists() else f"{path.name} is not a file"
    try:
        data = path.read_bytes()
    except OSError as exc:
        return f"cannot read {path.name}: {exc.strerror}"
    if not data.strip():
        return f"{path.name} is empty: there is no code to grade"
    if b"\x00" in data:  # Python refuses it, with words that differ from one version to the next
        return f"{path.name} is not Python source (it holds NUL bytes, as binary files do): save your code as text"
    return None
