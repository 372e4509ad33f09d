"""The grading journal: results appended as they are produced, so no work is lost.

One JSON object per line: a header line with the run's seed, then one line
per graded submission with the student, the submission's content hash, the
hash of the kata's checks, and the result record. Each line is flushed and
fsynced; a line torn by a crash is ignored on reading. A rerun reuses every
entry whose submission and checks are unchanged.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from . import __version__
from .manifest import Kata
from .results import KataResult


def kata_digest(kata: Kata, seed: int) -> str:
    """Changes whenever the checks, their points and hints, limits or the seed change."""
    digest = hashlib.sha256()
    digest.update(kata.check_file.read_bytes())
    digest.update(repr((kata.id, kata.files, kata.checks, kata.time_limit, kata.import_time_limit,
                        kata.memory_mb, kata.submission_time_limit, seed, __version__)).encode())
    return digest.hexdigest()


class Journal:
    """Append-only record of one grading job (a kata and a submissions folder)."""

    def __init__(self, path: Path):
        self.path = path
        self.seed: int | None = None
        self.entries: dict = {}
        self._torn = False
        self._load()

    def _load(self) -> None:
        try:
            text = self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return
        self._torn = bool(text) and not text.endswith("\n")
        for line in text.splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue  # torn by a crash mid-write
            if not isinstance(record, dict):
                continue
            if "seed" in record and "student" not in record:
                self.seed = record["seed"]
            elif isinstance(record.get("student"), str):
                self.entries[record["student"]] = record

    def lookup(self, student: str, digest: str, checks: str) -> KataResult | None:
        """The journaled result, if the submission and the checks are unchanged.

        Each entry is handed out once and then released: a cohort's results
        are held by the caller, not twice.
        """
        record = self.entries.pop(student, None)
        if not record or record.get("digest") != digest or record.get("checks") != checks:
            return None
        try:
            return KataResult.from_dict(record["result"])
        except (KeyError, TypeError):
            return None

    def start(self, seed: int, fresh: bool = False) -> None:
        """Begin a journal; a fresh one when the seed changed or ``fresh`` is asked."""
        if self.seed != seed or fresh:
            self.seed = seed
            self.entries = {}
            self._torn = False
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text(json.dumps({"seed": seed}) + "\n", encoding="utf-8")

    def append(self, student: str, digest: str, checks: str, result: KataResult) -> None:
        record = {"student": student, "digest": digest, "checks": checks, "result": result.to_dict()}
        line = json.dumps(record, allow_nan=False, default=str) + "\n"
        if self._torn:  # end the line a crash cut short, so this one stands alone
            line = "\n" + line
            self._torn = False
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())
