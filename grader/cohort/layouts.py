"""How an LMS names the files of a "download all submissions", and who each file belongs to.

A submissions folder is read in one of four layouts, detected from the names
or chosen with ``--layout``:

- ``plain``: one entry per student, named by the student (``ada.py``,
  ``ada/``, ``ada.zip``, ``ada.ipynb``).
- ``canvas``: flat files ``lastfirst_[LATE_]userid_attachmentid_original``;
  the original name may carry Canvas's re-upload suffix (``solution-1.py``). The
  student is the user id; a ``late`` flag is kept.
- ``moodle``: folders ``Full Name_id_assignsubmission_file_`` (or files with
  that prefix); the student is the id.
- ``blackboard``: files ``Assignment_username_attempt_YYYY-MM-DD-HH-MM-SS_original``
  with ``.txt`` receipts beside them; the student is the username, and of
  several attempts the latest is graded, the others are listed as superseded.

:func:`entries` turns a folder into one :class:`Entry` per student: either a
single path (a folder, a zip, a file) or a set of files under their original
names. Nothing here reads a file's content.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..core.staging import hidden
from ..core.submission import Entry

LAYOUTS = ("plain", "canvas", "moodle", "blackboard")

CANVAS = re.compile(r"^(?P<name>[^_]+)_(?:(?P<late>(?i:late))_)?(?P<id>\d+)_(?P<attachment>\d+)_(?P<original>.+)$")
MOODLE = re.compile(r"^(?P<name>.+?)_(?P<id>\d+)_assignsubmission_(?P<plugin>[a-z]+)_(?P<original>.*)$")
BLACKBOARD = re.compile(r"^(?P<assignment>.+)_(?P<id>[^_]+)_attempt_(?P<stamp>\d{4}(?:-\d{2}){5})"
                        r"(?:_(?P<original>.+))?$")
REUPLOAD = re.compile(r"-(\d+)(?=\.[A-Za-z0-9]+$)")
"""Canvas's suffix for a file uploaded again under the same name: ``solution-1.py``."""


def detect(folder: Path) -> str:
    """The layout most of the folder's visible entries are named in (``plain`` if none is)."""
    names = [p.name for p in _visible(folder)]
    if not names:
        return "plain"
    counts = {
        "canvas": sum(bool(CANVAS.match(n)) for n in names),
        "moodle": sum(bool(MOODLE.match(n)) for n in names),
        "blackboard": sum(bool(BLACKBOARD.match(_stem_if_receipt(n))) for n in names),
    }
    layout, count = max(counts.items(), key=lambda item: item[1])
    return layout if count * 2 > len(names) else "plain"


def entries(folder: Path, layout: str) -> list:
    """One :class:`Entry` per student, in the order of their keys."""
    grouped = {"plain": _plain, "canvas": _canvas, "moodle": _moodle, "blackboard": _blackboard}[layout](folder)
    return sorted(grouped, key=lambda e: e.student)


def original_name(name: str) -> str:
    """A Canvas original name without its re-upload suffix: ``solution-1.py`` -> ``solution.py``."""
    return REUPLOAD.sub("", name)


def _visible(folder: Path) -> list:
    return sorted(p for p in folder.iterdir() if not hidden(p.name))


def _stem_if_receipt(name: str) -> str:
    return name[:-4] if name.endswith(".txt") else name


def _is_dir(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink()


def _plain(folder: Path) -> list:
    by_student: dict = {}
    for path in _visible(folder):
        student = path.name if _is_dir(path) else path.stem
        by_student.setdefault(student, []).append(path)
    found = []
    for student, paths in by_student.items():
        entry = Entry(student, student, path=paths[0])
        if len(paths) > 1:
            entry.error = f"several submissions for {student}: {', '.join(p.name for p in paths)}; keep one"
        found.append(entry)
    return found


def _unmatched(path: Path, layout: str) -> Entry:
    student = path.name if _is_dir(path) else path.stem
    return Entry(student, student, path=path,
                 error=f"{path.name} is not named as {layout} names submissions; grade it apart or rename it")


def _canvas(folder: Path) -> list:
    by_id: dict = {}
    found = []
    for path in _visible(folder):
        match = CANVAS.match(path.name)
        if match is None:
            found.append(_unmatched(path, "Canvas"))
            continue
        entry = by_id.setdefault(match["id"], Entry(match["id"], match["id"], name=match["name"]))
        entry.late = entry.late or bool(match["late"])
        original = original_name(match["original"])
        previous = entry.files.get(original)
        if previous is None or _reupload(path.name) > _reupload(previous.name):
            entry.files[original] = path  # the latest upload of a name wins
    for entry in by_id.values():
        _single(entry)
    return found + list(by_id.values())


def _reupload(name: str) -> int:
    match = REUPLOAD.search(name)
    return int(match.group(1)) if match else 0


def _moodle(folder: Path) -> list:
    by_id: dict = {}
    found = []
    for path in _visible(folder):
        match = MOODLE.match(path.name)
        if match is None:
            found.append(_unmatched(path, "Moodle"))
            continue
        entry = by_id.setdefault(match["id"], Entry(match["id"], match["id"], name=match["name"]))
        if match["plugin"] != "file":
            continue  # online text, comments: nothing to grade
        if _is_dir(path):
            if entry.path is not None or entry.files:
                entry.error = f"several file submissions for {entry.name} ({entry.student}); keep one"
            entry.path = path
        elif match["original"]:
            entry.files[match["original"]] = path
    for entry in by_id.values():
        if entry.path is not None and entry.files:
            entry.error = f"both a folder and files for {entry.name} ({entry.student}); keep one"
        elif entry.path is None and not entry.files and entry.error is None:
            entry.error = f"{entry.name} ({entry.student}) submitted no file"
        _single(entry)
    return found + list(by_id.values())


def _blackboard(folder: Path) -> list:
    attempts: dict = {}
    found = []
    for path in _visible(folder):
        match = BLACKBOARD.match(_stem_if_receipt(path.name)) if path.name.endswith(".txt") else None
        if match is not None and not match["original"]:
            attempts.setdefault(match["id"], {}).setdefault(match["stamp"], {})
            continue  # a receipt: the attempt exists, the receipt is not code
        match = BLACKBOARD.match(path.name)
        if match is None or not match["original"]:
            found.append(_unmatched(path, "Blackboard"))
            continue
        attempts.setdefault(match["id"], {}).setdefault(match["stamp"], {})[match["original"]] = path
    for user, by_stamp in attempts.items():
        stamps = sorted(by_stamp)
        latest = stamps[-1]
        entry = Entry(user, user, files=by_stamp[latest],
                      superseded=[f"attempt {stamp}" for stamp in stamps[:-1]])
        if not entry.files:
            entry.error = f"{user}'s latest attempt ({latest}) holds only its receipt, no file"
        _single(entry)
        found.append(entry)
    return found


def _single(entry: Entry) -> None:
    """An entry of one zip (or one folder-like file) is that path itself, as in the plain layout."""
    if entry.path is None and len(entry.files) == 1:
        (name, path), = entry.files.items()
        if name.lower().endswith(".zip"):
            entry.path, entry.files = path, {}
