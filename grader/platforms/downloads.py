"""What every platform's "download all submissions" reader shares: the visible entries, the entries
no student can be found for, and keys that stay one-to-one.

Each platform module (:mod:`~grader.platforms.canvas`, :mod:`~grader.platforms.moodle`,
:mod:`~grader.platforms.blackboard`) reads whose each file is from what the platform wrote,
never from a part of the name a student chose; a file it cannot attribute is an error row
of its own, keyed by its file name, so it never lands on a student's row.
"""

from __future__ import annotations

from pathlib import Path

from ..core.names import student_key
from ..core.staging import hidden
from ..core.submission import Entry

# re-exported: the platform readers, layouts and archive import is_dir from here
from ..core.submission import is_dir as is_dir


def visible(folder: Path) -> list:
    """The folder's entries kata reads (hidden files and archive debris left out), by name."""
    return sorted(p for p in folder.iterdir() if not hidden(p.name))


def unmatched(path: Path, why: str) -> Entry:
    """An entry no student can be found for: an error row keyed by its file name, naming why."""
    key = student_key(path.name)
    return Entry(key, key, path=path, unattributed=True, error=f"{why}; grade it apart, or rename it as the platform names "
                                            "submissions if it is a student's")


def ambiguous(path: Path, first: str, second: str, platform: str) -> Entry:
    """A file whose name reads as two students' (a name part a student chose mimics the platform's):
    an error row keyed by the file name that names both, so neither student's row is touched."""
    return unmatched(path, f"its name reads as {platform} student {first} and as {second}: kata cannot tell "
                           "whose it is")


def unique_keys(students: list, strays: list) -> list:
    """Students' entries and unattributed ones (``strays``, keyed by file name) with every key distinct:
    a stray whose name equals a student's key gets ``(unmatched)`` appended, so a stray file named
    ``12345`` never shares user 12345's row."""
    taken = {e.student for e in students}
    for entry in strays:
        key = entry.student
        while key in taken:
            key += " (unmatched)"
        taken.add(key)
        entry.student = entry.student_id = key
    return students + strays


def single_zip(entry: Entry) -> None:
    """An entry of one zip is that zip itself, as in the plain layout (``bob_1_2_hw.zip``)."""
    if entry.path is None and len(entry.files) == 1:
        (name, path), = entry.files.items()
        if name.lower().endswith(".zip"):
            entry.path, entry.files = path, {}
