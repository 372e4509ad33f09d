"""``kata grade``: a whole folder of submissions into gradebooks.

Submissions are discovered (:mod:`grader.cohort.submissions`), results already in the
journal for unchanged content are reused, the rest are graded several at a
time (:mod:`grader.cohort.executors`) and journaled as they finish. Gradebooks and
feedback files are then written from the journal (:mod:`grader.cohort.outputs`).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..core.files import STATE_DIR
from ..core.grading import Grader, new_seed
from ..core.manifest import Kata, Manifest
from ..core.results import KataResult, Row, error_result
from . import cluster, layouts
from .executors import make_pool
from . import changes
from .inputs import grade_inputs
from .journal import Journal, JournalBusy, exclusive
from .progress import Progress
from .submissions import discover


class GradeError(Exception):
    """Bad input to ``kata grade``; the message names the problem and the fix."""


class JournalRows:
    """The gradebook's rows, read from the journal each time they are iterated: memory stays flat."""

    def __init__(self, journal: Journal, order: list):
        self.journal = journal
        self.order = order
        """``[(student, identity)]`` in student order; identity is None when it says nothing new."""

    def __iter__(self):
        identities = iter(self.order)
        for student, result in self.journal.read_many(student for student, _ in self.order):
            _, identity = next(identities)
            yield Row(student, result, **(identity or {}))

    def __len__(self) -> int:
        return len(self.order)


@dataclass
class CohortRun:
    """What a grading run produced."""

    kata: Kata
    seed: int
    layout: str = "plain"
    """How the LMS named the download (:mod:`grader.cohort.layouts`)."""
    rows: object = ()
    """One :class:`~grader.core.results.Row` per student, in student order (:class:`JournalRows`)."""
    graded: int = 0
    reused: int = 0
    journal: Journal | None = None
    """The run's journal: :func:`grader.cohort.changes.changes` reads what changed since the last run."""


def journal_path(manifest: Manifest, kata: Kata, submissions: Path) -> Path:
    key = hashlib.sha256(str(submissions).encode()).hexdigest()[:12]
    return manifest.root / STATE_DIR / "journal" / f"{kata.id}-{key}.jsonl"


@contextmanager
def hold(manifest: Manifest, kata: Kata, submissions: Path):
    """Hold the journal of ``kata`` and ``submissions`` while grading and writing gradebooks from it;
    GradeError if another run holds it."""
    try:
        with exclusive(journal_path(manifest, kata, submissions)):
            yield
    except JournalBusy as exc:
        raise GradeError(str(exc)) from None


def grade_cohort(manifest: Manifest, kata: Kata, submissions: Path, *, jobs: int, force: bool = False,
                 seed: int | None = None, progress_stream=None, layout: str | None = None,
                 client=None, students=()) -> CohortRun:
    """Grade every submission (reusing unchanged journaled results); return the rows.

    ``client``: a Dask client (:func:`grader.cohort.cluster.connect`); the pending
    submissions are then graded on its cluster instead of ``jobs`` local processes.
    ``students``: keys of students graded again even if nothing changed (``--student``).
    Call it within :func:`hold`.
    """
    journal = Journal(journal_path(manifest, kata, submissions))
    seed = seed if seed is not None else (journal.seed if journal.seed is not None else new_seed())
    journal.start(seed)
    checks = grade_inputs(manifest, kata, seed)
    unmatched = set(students)  # crossed off as each is found
    run = CohortRun(kata, seed, layout or layouts.detect(submissions), journal=journal)
    relative = kata.learner_path.relative_to(manifest.root).as_posix()
    _sweep_stale_runs()
    scratch = Path(tempfile.mkdtemp(prefix=f"{RUN_PREFIX}{os.getpid()}-"))
    outer, tempfile.tempdir = tempfile.tempdir, str(scratch)  # the run's staging and worker folders live here
    try:
        pending, order = [], []
        for sub in discover(submissions, kata.files[0], relative, scratch, run.layout):
            order.append((sub.student, _identity(sub)))
            if journal.lookup(sub.student, sub.digest, checks, _regrade(sub, force, unmatched)):
                run.reused += 1
            elif sub.error:
                journal.append(sub.student, sub.digest, checks, error_result(kata.id, kata.max_score, sub.error, seed))
            else:
                pending.append({"student": sub.student, "path": str(sub.path), "digest": sub.digest,
                                "files": {relative: str(path) for relative, path in sub.files.items()}})
        journal.entries.clear()  # students no longer in the folder
        if unmatched:
            raise GradeError(f"--student {sorted(unmatched)[0]}: no such student in {submissions.name}; "
                             "name one as the gradebook's student column does")
        if pending:
            progress = Progress(len(pending), progress_stream)

            def record(task: dict, result: KataResult) -> None:
                journal.append(task["student"], task["digest"], checks, result)
                progress.advance()

            if client is not None:
                cluster.grade_on_cluster(client, manifest, kata, pending, seed, record)
            else:
                _grade_pending(manifest, kata, pending, seed, jobs, record, progress)
            progress.finish()
            run.graded = len(pending)
    finally:
        tempfile.tempdir = outer
        journal.close()
        shutil.rmtree(scratch, ignore_errors=True)
    order.sort(key=lambda row: row[0])
    run.rows = JournalRows(journal, order)
    return run


RUN_PREFIX = "kata-grade-"
"""A run's temporary folder: ``kata-grade-<pid>-<random>``, holding the unpacked submissions, their
staging copies and (without namespaces) the workers' scratch folders; removed when the run ends."""


def _sweep_stale_runs() -> None:
    """Remove the temporary folders of runs whose process is gone (killed with SIGKILL, a power cut):
    unpacked submissions do not outlive their run for longer than the next one. POSIX only: on
    Windows ``os.kill(pid, 0)`` would end process ``pid`` instead of asking whether it runs."""
    if os.name != "posix":
        return
    for folder in Path(tempfile.gettempdir()).glob(f"{RUN_PREFIX}*-*"):
        pid = folder.name[len(RUN_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and not _running(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # another user's, or cannot tell: leave it
    return True


def _regrade(sub, force: bool, unmatched: set):
    """Why ``sub`` is graded again whatever changed (``--force``, ``--student``), or None; a student
    named with ``--student`` (by key or LMS id) is crossed off ``unmatched``."""
    named = unmatched & ({sub.student, sub.student_id} - {""})
    unmatched -= named
    return changes.FORCED if force else changes.CHOSEN if named else None


def _identity(sub) -> dict | None:
    """A row's identity fields, or None when they only repeat the student's name (most plain folders)."""
    identity = sub.identity()
    plain = {"student_id": "", "name": "", "late": False, "superseded": []}
    return None if identity == plain or identity == {**plain, "student_id": sub.student} else identity


def _grade_pending(manifest, kata, pending, seed, jobs, record, progress) -> None:
    with Grader(manifest, jobs=min(jobs, len(pending))) as grader:
        grader.suite(kata)  # loaded once, before the grading processes fork

        def job(task, launcher):
            files = {relative: Path(path) for relative, path in task["files"].items()}
            return grader.grade(kata, Path(task["path"]), seed, launcher, files=files).to_dict()

        for event in make_pool(job, grader.launchers).run(pending):
            if event is None:
                progress.show()
                continue
            task, result, error = event
            record(task, KataResult.from_dict(result) if result is not None
                   else error_result(kata.id, kata.max_score, error or "internal grading error", seed, retry=True))
