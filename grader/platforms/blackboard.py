"""Blackboard Learn (Original course view): whose each file of an "Assignment File Download" is, and
its Grade Center "Work Offline" download filled in. Rules and sources: docs/PLATFORMS.md.

A download holds, per attempt, a receipt ``<assignment>_<username>_attempt_<stamp>.txt`` whose first
line is ``Name: <full name> (<username>)``, and the attempt's files, each
``<assignment>_<username>_attempt_<stamp>_<original name>``. A username may hold ``_`` and a student
chooses the original name (``x_victim_attempt_2099-01-01-00-00-00_mle.py``), so no split of a name on
``_`` tells whose a file is: the username comes from the receipt, and a file belongs to the attempt
whose receipt's name, less ``.txt``, begins its own. Of several attempts the latest is graded.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..core.manifest import Kata
from ..core.names import student_key
from ..core.staging import read_file
from ..core.submission import Entry
from .downloads import ambiguous, is_dir, single_zip, unique_keys, unmatched, visible
from .roster import (
    Gradebook,
    RosterError,
    Table,
    cell,
    choose,
    feedback_html,
    number_text,
    parse_number,
    scaled,
)

STAMP = r"\d{4}(?:-\d{2}){5}"
RECEIPT = re.compile(rf"^(?P<head>.+)_attempt_(?P<stamp>{STAMP})\.txt$", re.S)
ATTEMPT = re.compile(rf"_attempt_(?P<stamp>{STAMP})(?=_|\.txt$|$)")
PREFIX = re.compile(rf"_attempt_{STAMP}_")
NAME_LINE = re.compile(r"^[^:]*:[ \t]*(?P<full>.*?)[ \t]*\((?P<user>[^()]+)\)[ \t]*$")
RECEIPT_BYTES = 1024 * 1024


def looks_like(name: str) -> bool:
    return ATTEMPT.search(name) is not None


class Receipt:
    """One attempt's receipt: whose attempt it is, read from inside it."""

    def __init__(self, head: str, stamp: str, user: str, full_name: str):
        self.stamp, self.user, self.full_name = stamp, user, full_name
        self.prefix = f"{head}_attempt_{stamp}_"
        self.files: dict = {}


def download_entries(folder: Path) -> list:
    """One :class:`Entry` per username (its latest attempt graded, the others listed as superseded),
    and one error entry per file no receipt claims, or two do."""
    paths, strays = [], []
    for path in visible(folder):
        if is_dir(path):
            strays.append(unmatched(path, "a folder, where Blackboard writes only files"))
        else:
            paths.append(path)
    receipts, claimed = _receipts(paths, strays)
    for path in paths:
        if path.name in claimed:
            continue
        owners = [receipts[p] for p in _prefixes(path.name) if p in receipts]
        if not owners:
            why = ("no receipt (.txt) of its attempt is in the download, and kata takes a Blackboard username "
                   "only from the receipt; download the submissions again with the receipts") \
                if looks_like(path.name) else "not named as Blackboard names submissions"
            strays.append(unmatched(path, why))
        elif len(owners) > 1:
            strays.append(ambiguous(path, owners[0].user, owners[1].user, "Blackboard"))
        else:
            owners[0].files[path.name[len(owners[0].prefix):]] = path
    return unique_keys(_by_user(receipts.values()), strays)


def _receipts(paths: list, strays: list) -> tuple:
    """``({prefix: Receipt}, {names of receipt files})``. A receipt-like .txt whose name begins with a
    shorter receipt's prefix is that attempt's file (a student may upload ``notes_attempt_<stamp>.txt``)."""
    receipts: dict = {}
    claimed = set()
    for path in sorted((p for p in paths if RECEIPT.match(p.name)), key=lambda p: len(p.name)):
        if any(prefix in receipts for prefix in _prefixes(path.name)):
            continue
        match = RECEIPT.match(path.name)
        claimed.add(path.name)
        user, full_name = _whose(path)
        if user is None or not match["head"].endswith(f"_{user}"):
            strays.append(unmatched(path, "a receipt whose first line does not name, as 'Name: Full Name "
                                          "(username)', the username its file name holds"))
            continue
        receipt = Receipt(match["head"], match["stamp"], user, full_name)
        receipts[receipt.prefix] = receipt
    return receipts, claimed


def _prefixes(name: str) -> list:
    """Every ``<head>_attempt_<stamp>_`` a file name begins with."""
    return [name[:m.end()] for m in PREFIX.finditer(name)]


def _whose(path: Path) -> tuple:
    """``(username, full name)`` from the receipt's first line, ``Name: Full Name (username)``; the
    username is the last parenthesis (a full name may hold one)."""
    try:
        text = read_file(path, RECEIPT_BYTES).decode("utf-8-sig", "replace")
    except Exception:  # noqa: BLE001 - unreadable or too large: not a receipt kata can use
        return None, ""
    first = next((line for line in text.splitlines() if line.strip()), "")
    match = NAME_LINE.match(first)
    return (match["user"].strip(), match["full"]) if match else (None, "")


def _by_user(receipts) -> list:
    attempts: dict = {}
    for receipt in receipts:
        attempts.setdefault(receipt.user, []).append(receipt)
    found = []
    for user, mine in attempts.items():
        mine.sort(key=lambda r: r.stamp)
        latest = mine[-1]
        key = student_key(user)
        entry = Entry(key, key, name=latest.full_name, files=dict(latest.files),
                      superseded=[f"attempt {r.stamp}" for r in mine[:-1]])
        if not entry.files:
            entry.error = f"{key}'s latest attempt ({latest.stamp}) holds only its receipt, no file"
        single_zip(entry)
        found.append(entry)
    return sorted(found, key=lambda e: e.student)


# --- the Grade Center's Work Offline download -------------------------------------------------

COLUMN = re.compile(r"^(?P<title>.*?) \[Total Pts: (?P<points>[0-9.,]+)(?: [^\]]*)?\] \|(?P<id>\d+)$", re.S)
FEEDBACK = ("Feedback to Learner", "Feedback to User")


class BlackboardGradebook(Gradebook):
    """Blackboard's Grade Center download (Work Offline), read as its upload reads it: students by
    ``Username``, the column by the ``|<column id>`` that ends its header (without it the upload makes a
    new text column worth 0 points), every field of a comma file quoted. Feedback goes into
    ``Feedback to Learner`` when the download carries it (one column, downloaded with its comments)."""

    platform = "blackboard"
    title = "Blackboard Grade Center download"

    @staticmethod
    def recognises(header: list) -> bool:
        return "Username" in header

    def __init__(self, table: Table, path: Path, kata: Kata, column: str | None):
        super().__init__(table, path)
        header = table.header
        columns = [(i, h, COLUMN.match(h)["title"]) for i, h in enumerate(header) if COLUMN.match(h)]
        self.column = choose(columns, column, kata, "grade column", "'Name [Total Pts: N Score] |id' or its name")
        self.possible = parse_number(COLUMN.match(header[self.column])["points"]) or 0.0
        if self.possible <= 0:
            raise RosterError(f"--roster {path}: the column {header[self.column]!r} is worth 0 points; give it "
                              "points in the Grade Center, or choose another with --column")
        found = [i for i, h in enumerate(header) if h in FEEDBACK]
        self.feedback = found[0] if found and len(columns) == 1 else None
        self.format = header.index("Feedback Format") if "Feedback Format" in header else None
        user = header.index("Username")
        first = header.index("First Name") if "First Name" in header else None
        last = header.index("Last Name") if "Last Name" in header else None
        for number, line in enumerate(table.rows[1:], start=1):
            if len(line) > user and line[user].strip():
                name = " ".join(line[i] for i in (first, last) if i is not None and i < len(line)).strip()
                self.add(line[user].strip(), number, name or line[user])

    def write(self, line: list, result, kata: Kata) -> None:
        cell(line, self.column, number_text(scaled(result, self.possible) if result else 0.0))
        if self.feedback is not None and result is not None:
            cell(line, self.feedback, feedback_html(result, kata))
            if self.format is not None:
                cell(line, self.format, "HTML")
