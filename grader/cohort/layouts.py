"""How a submissions folder is laid out, and one :class:`Entry` per student in it.

A folder is read in one of four layouts, detected from the names or chosen with ``--layout``:

- ``plain``: one entry per student, named by the student (``ada.py``,
  ``ada/``, ``ada.zip``, ``ada.ipynb``); the student's key is that name.
- ``canvas``, ``moodle``, ``blackboard``: the LMS's "download all
  submissions", read by :mod:`grader.platforms.canvas`,
  :mod:`~grader.platforms.moodle` and :mod:`~grader.platforms.blackboard`:
  the key is the platform's own (Canvas user id, Moodle participant id,
  Blackboard username), read only from what the platform wrote. A file that
  names no student, or two, is an error row of its own, never a student's.

Keys are one-to-one with the names they come from (:func:`grader.core.names.student_key`).
Nothing here reads a file's content but Blackboard's receipts.
"""

from __future__ import annotations

from pathlib import Path

from ..core.names import student_key
from ..core.submission import Entry
from ..platforms import blackboard, canvas, moodle
from ..platforms.downloads import is_dir, visible

PLATFORMS = {"canvas": canvas, "moodle": moodle, "blackboard": blackboard}
LAYOUTS = ("plain", *PLATFORMS)


def detect(folder: Path) -> str:
    """The layout most of the folder's visible entries are named in (``plain`` if none is)."""
    return detect_names([p.name for p in visible(folder)])


def detect_names(names: list) -> str:
    """The layout most of ``names`` (a download's top-level names) follow, else ``plain``."""
    if not names:
        return "plain"
    counts = {layout: sum(bool(module.looks_like(n)) for n in names) for layout, module in PLATFORMS.items()}
    layout, count = max(counts.items(), key=lambda item: item[1])
    return layout if count * 2 > len(names) else "plain"


def entries(folder: Path, layout: str) -> list:
    """One :class:`Entry` per student, in the order of their keys; unattributed files after them."""
    if layout in PLATFORMS:
        return PLATFORMS[layout].download_entries(folder)
    return _plain(folder)


def _plain(folder: Path) -> list:
    by_student: dict = {}
    for path in visible(folder):
        student = student_key(path.name if is_dir(path) else path.stem)
        by_student.setdefault(student, []).append(path)
    found = []
    for student, paths in sorted(by_student.items()):
        entry = Entry(student, student, path=paths[0])
        if len(paths) > 1:
            names = ", ".join(student_key(p.name) for p in paths)
            entry.error = f"several submissions for {student}: {names}; keep one"
        found.append(entry)
    return found
