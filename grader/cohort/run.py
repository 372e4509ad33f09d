"""``kata grade``: a whole folder of submissions into gradebooks.

Submissions are discovered (:mod:`grader.cohort.submissions`), results already in the
journal for unchanged content are reused, the rest are graded several at a
time (:mod:`grader.cohort.executors`) and journaled as they finish. Gradebooks and
feedback files are then written from the journal (:mod:`grader.cohort.outputs`).
"""

from __future__ import annotations

import hashlib
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..core.files import STATE_DIR, RunFolder
from ..core.grading import new_seed
from ..core.manifest import Kata, Manifest
from ..core.results import Row, error_result
from . import archive, changes, cluster, executors, layouts
from .executors import Executor
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


class GradingRun:
    """One ``kata grade``: the owner of everything the run holds.

    Entered, it holds the journal's lock (a second run of the same kata and
    folder stops with a :class:`GradeError`), the run's temporary folder (the
    unpacked submissions, staging copies, workers' scratch folders), the
    journal, and the Dask client when grading on a cluster; :meth:`grade` opens
    an executor (grading processes and their fork servers, threads, or Dask
    batches) for as long as it grades. Leaving it, however the run ends
    (success, an error, Ctrl-C, or SIGTERM and SIGHUP, which kata turns into
    Ctrl-C), ends every process and removes the folder; what was journaled is kept.
    """

    def __init__(self, manifest: Manifest, kata: Kata, submissions: Path, *, jobs: int = 1, force: bool = False,
                 seed: int | None = None, layout: str | None = None, scheduler: str | None = None,
                 students=(), progress_stream=None):
        """``students``: keys (or LMS ids) of students graded again even if nothing changed (``--student``)."""
        self.manifest, self.kata, self.submissions = manifest, kata, submissions
        self.jobs, self.force, self.seed, self.scheduler = jobs, force, seed, scheduler
        self.students = tuple(students)
        self.layout = layout
        self.source = submissions
        """The folder read: ``submissions``, or the download zip unpacked in the run's folder."""
        self.progress_stream = progress_stream
        self.folder: RunFolder | None = None
        self.journal: Journal | None = None
        self.client = None
        self._stack = ExitStack()

    def __enter__(self) -> "GradingRun":
        try:
            self._stack.enter_context(hold(self.manifest, self.kata, self.submissions))
            self.folder = self._stack.enter_context(RunFolder("grade"))
            self.source = archive.open_download(self.submissions, self.folder.path)
            self.layout = self.layout or layouts.detect(self.source)
            if self.scheduler:
                self.client = cluster.connect(self.scheduler)
                self._stack.callback(self.client.close)
            self.journal = Journal(journal_path(self.manifest, self.kata, self.submissions))
            self._stack.callback(self.journal.close)
        except BaseException:
            self._stack.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self._stack.close()

    def grade(self) -> CohortRun:
        """Grade every submission (reusing unchanged journaled results); return the rows."""
        journal, kata = self.journal, self.kata
        seed = self.seed if self.seed is not None else (journal.seed if journal.seed is not None else new_seed())
        journal.start(seed)
        checks = grade_inputs(self.manifest, kata, seed)
        unmatched = set(self.students)  # crossed off as each is found
        run = CohortRun(kata, seed, self.layout, journal=journal)
        relative = kata.learner_path.relative_to(self.manifest.root).as_posix()
        pending, order = [], []
        for sub in discover(self.source, kata.files[0], relative, self.folder.path, run.layout):
            order.append((sub.student, _identity(sub)))
            if journal.lookup(sub.student, sub.digest, checks, _regrade(sub, self.force, unmatched)):
                run.reused += 1
            elif sub.error:
                journal.append(sub.student, sub.digest, checks, error_result(kata.id, kata.max_score, sub.error, seed))
            else:
                pending.append({"student": sub.student, "path": str(sub.path), "digest": sub.digest,
                                "files": {relative: str(path) for relative, path in sub.files.items()}})
        journal.entries.clear()  # students no longer in the folder
        if unmatched:
            raise GradeError(f"--student {sorted(unmatched)[0]}: no such student in {self.submissions.name}; "
                             "name one as the gradebook's student column does")
        if pending:
            progress = Progress(len(pending), self.progress_stream)
            with self._executor(seed, len(pending)) as executor:
                for event in executor.results(pending):
                    if event is None:
                        progress.show()
                        continue
                    task, result = event
                    journal.append(task["student"], task["digest"], checks, result)
                    progress.advance()
            progress.finish()
            run.graded = len(pending)
        journal.close()
        order.sort(key=lambda row: row[0])
        run.rows = JournalRows(journal, order)
        return run

    def _executor(self, seed: int, pending: int) -> Executor:
        if self.client is not None:
            return cluster.DaskBatches(self.client, self.manifest, self.kata, seed)
        return executors.local(self.manifest, self.kata, seed, min(self.jobs, pending), self.folder.path)


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
