"""The grading journal: results appended as they are produced, so no work is lost.

One JSON object per line: a header line per run with its seed, then one
line per graded submission with the student, the digests of what it was
graded from (the submission, the checks, the environment: :mod:`grader.cohort.inputs`)
and the result record; a student graded again also gets their previous score
and the reasons. Each line is written to the file at once (a run that is
killed loses nothing it recorded) and fsynced at most every
:data:`SYNC_SECONDS` and when the run ends (a machine that loses power loses
at most that much, regraded on the next run: one fsync per submission cost
~1 ms, a fifth of the grader's own time per submission). A line torn by a
crash is ignored on reading. A rerun reuses every entry whose submission and
inputs are unchanged.
"""

from __future__ import annotations

import json
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from ..core.results import KataResult, Outcome
from . import changes

SYNC_SECONDS = 0.5
"""Longest time a recorded line waits for its fsync."""
COMPACT_SLACK = 1000
"""Lines beyond twice the students' before a run rewrites the file with the latest line of each."""


class JournalBusy(Exception):
    """Another run holds the journal; the message says which process."""


@contextmanager
def exclusive(path: Path):
    """Hold the journal at ``path`` for one run. A second ``kata grade`` of the same kata and
    submissions folder would grade everything again beside the first and interleave its lines:
    it raises :class:`JournalBusy` instead, naming the holder's process. The lock is the operating
    system's (``flock``, or ``msvcrt`` on Windows, through filelock), so the hold ends with the
    process, however it ends."""
    from filelock import FileLock, Timeout

    path.parent.mkdir(parents=True, exist_ok=True)
    holder = path.with_name(path.name + ".holder")
    lock = FileLock(str(path.with_name(path.name + ".lock")), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        try:
            who = holder.read_text(encoding="utf-8").strip()[:20]
        except OSError:
            who = ""
        who = f" (process {who})" if who.isdigit() else ""
        raise JournalBusy(f"another kata grade{who} is grading into {path.name}; "
                          "wait for it to finish, then run this command again") from None
    try:
        holder.write_text(str(os.getpid()), encoding="utf-8")
        yield
    finally:
        lock.release()


KINDS = ("submission", "checks", "environment")
"""What a grade is made from, one digest each (:mod:`grader.cohort.inputs`); a journal line keeps all three."""


class Entry(NamedTuple):
    """The index of one student's latest line: where it is, what it was graded from, what it scored."""

    offset: int
    digests: tuple
    """One digest per kind of :data:`KINDS`, in that order (None where an older kata kept none)."""
    score: float
    max_score: float
    kata_fault: bool
    """kata itself kept the result from standing (:attr:`KataResult.kata_fault`)."""


class Journal:
    """Append-only record of one grading job (a kata and a submissions folder).

    Only an index is held in memory (for each student, where their latest
    line starts, what it was graded from and what it scored); records are read
    back from the file when a gradebook is written, so memory does not grow
    with the records. Each run starts with a header line holding its seed;
    a line graded again says what the student's previous line scored and why
    it was graded again (:mod:`grader.cohort.changes` reads them).
    """

    def __init__(self, path: Path):
        self.path = path
        self.seed: int | None = None
        self.entries: dict = {}
        """``{student: Entry}`` of the lines found on disk."""
        self.current: dict = {}
        """``{student: offset}`` of this run's result for each student."""
        self.run_start: int | None = None
        """Where the latest run's header line starts (this run's, once started)."""
        self._lines = 0
        self._why: dict = {}
        """``{student: (previous Entry, reasons)}`` for students :meth:`lookup` found must be graded again."""
        self._torn = False
        self._handle = None
        self._synced = 0.0
        self._load()

    def _load(self) -> None:
        try:
            handle = open(self.path, "rb")
        except OSError:
            return
        with handle:
            offset, last = 0, b""
            for line in handle:
                last = line
                self._index(line, offset)
                offset += len(line)
            self._torn = bool(last) and not last.endswith(b"\n")

    def _index(self, line: bytes, offset: int) -> None:
        try:
            record = json.loads(line)
        except ValueError:
            return  # torn by a crash mid-write
        if not isinstance(record, dict):
            return
        self._lines += 1
        if "seed" in record and "student" not in record:
            self.seed, self.run_start = record["seed"], offset
        elif isinstance(record.get("student"), str) and isinstance(record.get("result"), dict):
            self.entries[record["student"]] = _entry(record, offset)

    def lookup(self, student: str, submission: str, inputs: dict, regrade: str | None = None) -> bool:
        """Whether the journaled result can stand: the submission and every input of the grade are
        unchanged (``inputs``: the other kinds of :data:`KINDS`), kata itself did not keep it from being
        graded (:attr:`KataResult.kata_fault`), and no ``regrade`` reason (:data:`changes.FORCED`,
        :data:`changes.CHOSEN`) asks for it. Otherwise the next :meth:`append` for ``student`` records
        the previous score and the reasons."""
        entry = self.entries.pop(student, None)
        if entry is None:
            return False
        wanted = _digests(submission, inputs)
        reasons = [regrade] if regrade else []
        reasons += [changes.BECAUSE[kind] for kind, old, new in zip(KINDS, entry.digests, wanted) if old != new]
        if entry.kata_fault:
            reasons.append(changes.KATA_FAULT)
        if reasons:
            self._why[student] = (entry, reasons)
            return False
        self.current[student] = entry.offset
        return True

    def read(self, student: str) -> KataResult:
        """This run's result for ``student``, read back from the file."""
        return self._read_at(self.current[student])

    def read_many(self, students):
        """``(student, result)`` for each of ``students``, in that order, read through one open file."""
        with open(self.path, "rb") as handle:
            for student in students:
                handle.seek(self.current[student])
                yield student, KataResult.from_dict(json.loads(handle.readline())["result"])

    def _read_at(self, offset: int) -> KataResult:
        with open(self.path, "rb") as handle:
            handle.seek(offset)
            return KataResult.from_dict(json.loads(handle.readline())["result"])

    def start(self, seed: int) -> None:
        """Begin this run: a header line with its seed. Earlier lines stay: a student's previous score
        is what :mod:`grader.cohort.changes` compares with (a file mostly made of lines graded again
        since is first rewritten with each student's latest line only)."""
        self.close()
        latest = {**{student: entry.offset for student, entry in self.entries.items()}, **self.current}
        if self._lines > 2 * len(latest) + COMPACT_SLACK:
            self._compact(sorted(latest.values()))
        self.seed = seed
        self.current = {}
        self._why = {}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.run_start = self._write((json.dumps({"seed": seed}) + "\n").encode("utf-8"))

    def _compact(self, kept: list) -> None:
        """Rewrite the file with only the lines at ``kept`` (atomically: a reader sees either file)."""
        temporary = self.path.with_name(self.path.name + ".compact")
        with self._naming_the_file(), open(self.path, "rb") as source, open(temporary, "wb") as target:
            for offset in kept:
                source.seek(offset)
                line = source.readline()
                target.write(line if line.endswith(b"\n") else line + b"\n")
            target.flush()
            os.fsync(target.fileno())
        os.replace(temporary, self.path)
        self.entries, self._lines, self._torn = {}, 0, False
        self._load()

    def append(self, student: str, submission: str, inputs: dict, result: KataResult) -> None:
        """Record ``student``'s result, graded from ``submission`` and ``inputs`` (see :meth:`lookup`)."""
        record = {"student": student, "digests": dict(zip(KINDS, _digests(submission, inputs))),
                  "result": result.to_dict()}
        previous, reasons = self._why.pop(student, (None, []))
        if previous is not None:
            record["previous"] = {"score": previous.score, "max_score": previous.max_score}
            record["reasons"] = reasons
        line = json.dumps(record, allow_nan=False, default=str) + "\n"
        if self._torn:  # end the line a crash cut short, so this one stands alone
            line = "\n" + line
            self._torn = False
        data = line.encode("utf-8")
        start = self._write(data)
        if time.monotonic() - self._synced >= SYNC_SECONDS:
            self.sync()
        self.current[student] = start + (1 if data.startswith(b"\n") else 0)

    def _write(self, data: bytes) -> int:
        """Append ``data`` at once; return where it starts."""
        with self._naming_the_file():
            if self._handle is None:
                self._handle = open(self.path, "ab")
            start = self._handle.seek(0, os.SEEK_END)
            try:
                self._handle.write(data)
                self._handle.flush()
            except OSError:
                self._torn = True  # part of the line may be on disk: the next one starts afresh
                raise
        self._lines += 1
        return start

    def records_since_start(self):
        """The raw records of the latest run's lines (its header left out), read one at a time."""
        if self.run_start is None:
            return
        with open(self.path, "rb") as handle:
            handle.seek(self.run_start)
            handle.readline()
            for line in handle:
                try:
                    record = json.loads(line)
                except ValueError:
                    continue
                if isinstance(record, dict) and isinstance(record.get("student"), str):
                    yield record

    def sync(self) -> None:
        """Make every line written so far durable."""
        if self._handle is not None:
            with self._naming_the_file():
                os.fsync(self._handle.fileno())
            self._synced = time.monotonic()

    def close(self) -> None:
        """Sync and close the file (appending opens it again); the handle is let go even if that fails."""
        handle, self._handle = self._handle, None
        if handle is not None:
            with self._naming_the_file():
                try:
                    os.fsync(handle.fileno())
                finally:
                    try:
                        handle.close()
                    except OSError:
                        pass  # its buffer could not be written: the line it held is torn, and ignored

    @contextmanager
    def _naming_the_file(self):
        """An OSError of a write names the journal file (a full disk says where)."""
        try:
            yield
        except OSError as exc:
            if exc.filename:
                raise
            raise OSError(exc.errno, exc.strerror, str(self.path)) from None


def _digests(submission: str, inputs: dict) -> tuple:
    return (submission, *(inputs.get(kind) for kind in KINDS[1:]))


def _entry(record: dict, offset: int) -> Entry:
    """The index entry of a journal line (one written before digests were kept per kind has only two)."""
    result = record["result"]
    if isinstance(record.get("digests"), dict):
        digests = tuple(record["digests"].get(kind) for kind in KINDS)
    else:
        digests = (record.get("digest"), record.get("checks"), None)
    checks = result.get("checks") if isinstance(result.get("checks"), list) else []
    fault = bool(result.get("retry")) or any(isinstance(c, dict) and c.get("outcome") == Outcome.INTERNAL
                                             for c in checks)
    return Entry(offset, tuple(sys.intern(d) if isinstance(d, str) and i else d for i, d in enumerate(digests)),
                 _number(result.get("score")), _number(result.get("max_score")), fault)


def _number(value) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0
