"""``kata grade``: a whole folder of submissions into gradebooks.

Submissions are discovered (:mod:`grader.submissions`), results already in the
journal for unchanged content are reused, the rest are graded several at a
time (:mod:`grader.parallel`) and journaled as they finish. Gradebooks and
feedback files are then written atomically from the records.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from . import cluster, formats, layouts
from .grading import Grader, new_seed
from .journal import Journal, JournalBusy, exclusive, kata_digest
from .manifest import Kata, Manifest
from .parallel import make_pool
from .progress import Progress
from .results import KataResult, Row, error_result
from .submissions import discover
from .workspace import STATE_DIR, write_atomic

FOLDER_FORMATS = tuple(formats.PER_STUDENT)


class GradeError(Exception):
    """Bad input to ``kata grade``; the message names the problem and the fix."""


@dataclass(frozen=True)
class Output:
    path: Path
    kind: str
    """A suffix of :data:`formats.COHORT` or a name of :data:`formats.PER_STUDENT`."""


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
    """How the LMS named the download (:mod:`grader.layouts`)."""
    rows: object = ()
    """One :class:`~grader.results.Row` per student, in student order (:class:`JournalRows`)."""
    graded: int = 0
    reused: int = 0


def parse_outputs(outs: tuple, folder_format: str | None, submissions: Path) -> list:
    """Each ``--out`` as an :class:`Output`, or a :class:`GradeError` saying what is wrong."""
    parsed = []
    for text in outs:
        path = Path(text).expanduser().resolve()
        if _inside(path, submissions):
            raise GradeError(f"--out {text} is inside the submissions folder, which kata never writes to; "
                             "choose another place")
        if text.endswith(("/", "\\")):
            if folder_format is None:
                raise GradeError(f"--out {text} is a folder: add --format "
                                 f"{'|'.join(FOLDER_FORMATS)} to say which results.json to write")
            parsed.append(Output(path, folder_format))
        elif path.suffix.lower() in formats.COHORT:
            parsed.append(Output(path, path.suffix.lower()))
        else:
            raise GradeError(f"cannot tell the format of --out {text}: use a .csv, .json or .xml file, "
                             f"or a folder ending in / with --format {'|'.join(FOLDER_FORMATS)}")
    if folder_format and not any(o.kind == folder_format for o in parsed):
        raise GradeError(f"--format {folder_format} applies to a folder --out ending in /; none was given")
    return parsed


def check_writable(outputs: list, feedback: Path | None) -> None:
    """Before any grading: a GradeError for each place a gradebook cannot be written (an hour of
    grading must not end in a folder that does not take files)."""
    places = [(o.path if o.kind in FOLDER_FORMATS else o.path.parent, f"--out {o.path}") for o in outputs]
    if feedback is not None:
        places.append((feedback, f"--feedback {feedback}"))
    for output in outputs:
        if output.kind not in FOLDER_FORMATS and output.path.is_dir():
            raise GradeError(f"--out {output.path} is a folder; name a file, or end it with / and add --format")
    for folder, option in places:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, probe = tempfile.mkstemp(prefix=".kata-probe-", dir=folder)
            os.close(fd)
            os.unlink(probe)
        except OSError as exc:
            raise GradeError(f"cannot write {option}: {exc.strerror} ({exc.filename or folder}); "
                             "choose a folder you can write to") from None


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


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
                 client=None) -> CohortRun:
    """Grade every submission (reusing unchanged journaled results); return the rows.

    ``client``: a Dask client (:func:`grader.cluster.connect`); the pending
    submissions are then graded on its cluster instead of ``jobs`` local processes.
    Call it within :func:`hold`.
    """
    journal = Journal(journal_path(manifest, kata, submissions))
    seed = seed if seed is not None else (journal.seed if journal.seed is not None else new_seed())
    journal.start(seed, fresh=force)
    checks = kata_digest(kata, seed)
    run = CohortRun(kata, seed, layout or layouts.detect(submissions))
    relative = kata.learner_path.relative_to(manifest.root).as_posix()
    _sweep_stale_runs()
    scratch = Path(tempfile.mkdtemp(prefix=f"{RUN_PREFIX}{os.getpid()}-"))
    outer, tempfile.tempdir = tempfile.tempdir, str(scratch)  # the run's staging and worker folders live here
    try:
        pending, order = [], []
        for sub in discover(submissions, kata.files[0], relative, scratch, run.layout):
            order.append((sub.student, _identity(sub)))
            if not force and journal.lookup(sub.student, sub.digest, checks):
                run.reused += 1
            elif sub.error:
                journal.append(sub.student, sub.digest, checks, error_result(kata.id, kata.max_score, sub.error, seed))
            else:
                pending.append({"student": sub.student, "path": str(sub.path), "digest": sub.digest,
                                "files": {relative: str(path) for relative, path in sub.files.items()}})
        journal.entries.clear()  # students no longer in the folder
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


def _identity(sub) -> dict | None:
    """A row's identity fields, or None when they only repeat the student's name (most plain folders)."""
    identity = sub.identity()
    plain = {"student_id": "", "name": "", "late": False, "superseded": []}
    return None if identity == plain or identity == {**plain, "student_id": sub.student} else identity


def _grade_pending(manifest, kata, pending, seed, jobs, record, progress) -> None:
    with Grader(manifest, launchers=min(jobs, len(pending))) as grader:
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


def write_outputs(run: CohortRun, outputs: list, feedback_dir: Path | None) -> None:
    """Every gradebook and feedback file, each replaced atomically."""
    for output in outputs:
        if output.kind in formats.COHORT:
            write_atomic(output.path, formats.COHORT[output.kind](run.rows, run.kata, run.layout))
        else:
            render = formats.PER_STUDENT[output.kind]
            for row in run.rows:
                write_atomic(output.path / row.student / "results.json", render(row.result, run.kata))
    if feedback_dir is not None:
        for row in run.rows:
            write_atomic(feedback_dir / f"{row.student}.txt", formats.feedback(row.result))
