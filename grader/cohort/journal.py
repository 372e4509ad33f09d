"""The grading journal: results appended as they are produced, so no work is lost.

One JSON object per line: a header line with the run's seed, then one line
per graded submission with the student, the submission's content hash, the
hash of the kata's checks, and the result record. Each line is written to the
file at once (a run that is killed loses nothing it recorded) and fsynced at
most every :data:`SYNC_SECONDS` and when the run ends (a machine that loses
power loses at most that much, regraded on the next run: one fsync per
submission cost ~1 ms, a fifth of the grader's own time per submission). A
line torn by a crash is ignored on reading. A rerun reuses every entry whose
submission and checks are unchanged.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from contextlib import contextmanager
from pathlib import Path

from .. import __version__
from ..core.manifest import Kata
from ..core.results import KataResult

SYNC_SECONDS = 0.5
"""Longest time a recorded line waits for its fsync."""


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


def kata_digest(kata: Kata, seed: int) -> str:
    """Changes whenever the checks, their points and hints, limits or the seed change."""
    digest = hashlib.sha256()
    digest.update(kata.check_file.read_bytes())
    digest.update(repr((kata.id, kata.files, kata.checks, kata.time_limit, kata.import_time_limit,
                        kata.memory_mb, kata.submission_time_limit, seed, __version__)).encode())
    return digest.hexdigest()


class Journal:
    """Append-only record of one grading job (a kata and a submissions folder).

    Only an index is held in memory (for each student, where their latest
    line starts and what it was graded from); records are read back from the
    file when a gradebook is written, so memory does not grow with the records.
    """

    def __init__(self, path: Path):
        self.path = path
        self.seed: int | None = None
        self.entries: dict = {}
        """``{student: (offset, digest, checks)}`` of the lines found on disk."""
        self.current: dict = {}
        """``{student: offset}`` of this run's result for each student."""
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
                try:
                    record = json.loads(line)
                except ValueError:
                    record = None  # torn by a crash mid-write
                if isinstance(record, dict):
                    if "seed" in record and "student" not in record:
                        self.seed = record["seed"]
                    elif isinstance(record.get("student"), str):
                        self.entries[record["student"]] = (offset, record.get("digest"), record.get("checks"))
                offset += len(line)
            self._torn = bool(last) and not last.endswith(b"\n")

    def lookup(self, student: str, digest: str, checks: str) -> bool:
        """Whether the journaled result can stand: the submission and the checks are unchanged, and kata
        itself did not keep it from being graded (:attr:`KataResult.kata_fault`)."""
        entry = self.entries.pop(student, None)
        if not entry or entry[1] != digest or entry[2] != checks:
            return False
        try:
            if self._read_at(entry[0]).kata_fault:
                return False
        except (KeyError, TypeError, ValueError, OSError):
            return False
        self.current[student] = entry[0]
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

    def start(self, seed: int, fresh: bool = False) -> None:
        """Begin a journal; a fresh one when the seed changed or ``fresh`` is asked."""
        if self.seed != seed or fresh:
            self.close()
            self.seed = seed
            self.entries = {}
            self.current = {}
            self._torn = False
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text(json.dumps({"seed": seed}) + "\n", encoding="utf-8")

    def append(self, student: str, digest: str, checks: str, result: KataResult) -> None:
        record = {"student": student, "digest": digest, "checks": checks, "result": result.to_dict()}
        line = json.dumps(record, allow_nan=False, default=str) + "\n"
        if self._torn:  # end the line a crash cut short, so this one stands alone
            line = "\n" + line
            self._torn = False
        data = line.encode("utf-8")
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
        if time.monotonic() - self._synced >= SYNC_SECONDS:
            self.sync()
        self.current[student] = start + (1 if data.startswith(b"\n") else 0)

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
