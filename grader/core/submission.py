"""One student's entry, read alone: its learner file and the files around it, or why there are none.

Which files belong to which student is the layout's business
(:mod:`grader.cohort.layouts`: plain, Canvas, Moodle, Blackboard); the same
reading serves one Gradescope upload (:mod:`grader.platforms.autograder`).
An entry is a folder (the learner file at its top, or at the same relative
path as in the repository), a single ``.py`` file or notebook, or a ``.zip``
holding either. When an entry has no file of the learner file's name, its
only ``.py`` file (else its only notebook) is the learner file; two
candidates are that student's error.
Zips are extracted into a private folder with no path outside it, no links,
and caps on member count and uncompressed size. The submissions folder is
only ever read.
"""

from __future__ import annotations

import hashlib
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from . import staging
from .names import student_key
from .staging import SubmissionError
from .staging import hidden as _hidden

MAX_MEMBERS = 2000
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_WRAPPERS = 4
"""Single folders wrapping a submission that are looked through (``alice/alice/solution.py``)."""


@dataclass
class Entry:
    """One student's part of a download."""

    student: str
    """The row's key: the LMS's student key, as the platform imports it back, or for a plain folder
    the entry's name as text (:func:`~grader.core.names.student_key`: one-to-one)."""
    student_id: str
    name: str = ""
    """The student's name as the LMS wrote it, when it did."""
    path: Path | None = None
    """A single entry: a folder, a zip, a notebook or a .py file."""
    files: dict = field(default_factory=dict)
    """Or several files, ``{original name: path}``."""
    late: bool = False
    superseded: list = field(default_factory=list)
    """Earlier attempts not graded (Blackboard), by their names."""
    error: str | None = None
    feedback_name: str = ""
    """The name a bulk feedback upload gives this student's feedback file, as the platform's own
    download named their files (Canvas, Moodle); empty when the platform takes none."""
    unattributed: bool = False
    """No student could be found for this entry (a file the platform did not name, or named as two
    students'): an error row keyed by its file name, kept out of the platform's gradebook."""


@dataclass
class Submission:
    """One student's entry: the files to grade, or why there are none."""

    student: str
    source: Path
    """The entry in the submissions folder."""
    digest: str
    """Hash of what is graded; a changed submission gets a new one."""
    path: Path | None = None
    """The learner file to grade (possibly extracted from a zip): a ``.py`` file or a notebook."""
    error: str | None = None
    files: dict = field(default_factory=dict)
    """The submission's files, ``{relative path: absolute path}`` (:func:`staging.collect`)."""
    student_id: str = ""
    """The LMS's key for the student (user id, participant id, username); the entry's name if none."""
    name: str = ""
    late: bool = False
    superseded: list = field(default_factory=list)
    feedback_name: str = ""
    unattributed: bool = False

    def identity(self) -> dict:
        """The fields of a gradebook :class:`~grader.core.results.Row` besides the student and the result."""
        identity = {"student_id": self.student_id, "name": self.name, "late": self.late,
                    "superseded": list(self.superseded)}
        if self.feedback_name:
            identity["feedback_name"] = self.feedback_name
        if self.unattributed:
            identity["unattributed"] = True
        return identity


def read_entry(entry: Entry, learner_file: str, relative_path: str, scratch: Path,
               folder: Path | None = None) -> Submission:
    """One student's :class:`Submission`; whatever goes wrong is its error, naming the student.
    ``entry.student`` is already a key (:func:`~grader.core.names.student_key`)."""
    student = entry.student
    source = entry.path or next(iter(entry.files.values()), folder)
    try:
        if entry.error:
            sub = Submission(student, source, _digest_text(f"{student}:{entry.error}"), error=entry.error)
        elif entry.path is not None:
            sub = _one(student, entry.path, learner_file, relative_path, scratch)
        else:
            sub = _from_files(student, entry.files, learner_file, relative_path, scratch)
    except SubmissionError as exc:
        sub = Submission(student, source, _digest_text(f"{student}:{exc}"), error=str(exc))
    except Exception as exc:  # noqa: BLE001 - one broken entry is that student's row
        sub = Submission(student, source, _digest_text(f"{student}:{exc}"),
                         error=f"could not read the submission ({type(exc).__name__}: {exc})")
    if sub.error and not sub.error.startswith(f"{student}:"):
        sub.error = f"{student}: {sub.error}"
    return sub


def is_dir(path: Path) -> bool:
    """A real folder (a link to one is not)."""
    try:
        return stat.S_ISDIR(path.lstat().st_mode)
    except OSError:
        return False


LEARNER_SUFFIXES = (".py", ".ipynb")


def _one(student: str, entry: Path, learner_file: str, relative_path: str, scratch: Path) -> Submission:
    if entry.is_symlink():
        return Submission(student, entry, _digest_text(entry.name), error="the submission is a symbolic link")
    if is_dir(entry):
        return _in_folder(student, entry, entry, learner_file, relative_path, scratch)
    if not stat.S_ISREG(entry.lstat().st_mode):
        return Submission(student, entry, _digest_text(entry.name),
                          error=f"{student_key(entry.name)} is not a regular file")
    if entry.suffix.lower() == ".zip":
        return _from_zip(student, entry, learner_file, relative_path, scratch)
    if entry.suffix.lower() in LEARNER_SUFFIXES:
        files = staging.collect(entry.parent, learner=entry)
        return Submission(student, entry, staging.digest(files), path=entry, files=files)
    return Submission(student, entry, _digest_text(entry.name),
                      error=f"{student_key(entry.name)} is neither a .py file, a notebook, a folder nor a .zip")


def _from_files(student: str, named: dict, learner_file: str, relative_path: str, scratch: Path) -> Submission:
    """Several loose files of one student (an LMS download), each under its original name; a zip
    among them, when no learner file is, is opened as the submission."""
    files = {}
    for name, path in named.items():
        if path.is_symlink():  # a download holds files, never links: this one leads elsewhere
            raise SubmissionError(f"{student_key(path.name)} is a link to a place outside the submission; "
                                  "submit the files themselves")
        files.update({name: staging.collect(path.parent, learner=path)[path.name]})
    learner = _learner(list(files), learner_file)
    if learner is None:
        archive = _only_zip(files, learner_file)
        return _from_zip(student, files[archive], learner_file, relative_path, scratch)
    return Submission(student, files[learner], staging.digest(files), path=files[learner], files=files)


def _learner(names: list, learner_file: str) -> str | None:
    """The learner file among ``names``: ``learner_file`` itself, else the only ``.py``, else the only
    notebook; None if there is none; two candidates are the student's error."""
    if learner_file in names:
        return learner_file
    for suffix in LEARNER_SUFFIXES:
        candidates = sorted(n for n in names if n.lower().endswith(suffix) and "/" not in n)
        if len(candidates) == 1:
            return candidates[0]
        if len(candidates) > 1:
            raise SubmissionError(f"no {learner_file}, and {len(candidates)} candidates: "
                                  f"{', '.join(student_key(c) for c in candidates)}; rename the one to grade "
                                  f"{learner_file}")
    return None


def _only_zip(files: dict, looked_for: str) -> str:
    """The one zip at the top of an entry without a learner file (``kim/hw.zip``), or why there is none."""
    zips = sorted(n for n in files if n.lower().endswith(".zip") and "/" not in n)
    if len(zips) == 1:
        return zips[0]
    if zips:
        raise SubmissionError(f"no {looked_for}, and {len(zips)} zip files: "
                              f"{', '.join(student_key(z) for z in zips)}; submit one")
    raise SubmissionError(f"no {looked_for} found, and no other .py file or notebook")


def _in_folder(student, source: Path, folder: Path, learner_file: str, relative_path: str,
               scratch: Path | None = None) -> Submission:
    """The learner file in a student's folder (or an unpacked zip, ``scratch`` None: a zip in it stays
    a file). Every path taken stays inside ``folder``: a link that leaves it is refused."""
    top = folder
    for _ in range(MAX_WRAPPERS):
        candidates = list(dict.fromkeys(p for p in (folder / learner_file, folder / relative_path)
                                        if p.is_symlink() or p.exists()))
        if candidates:
            break
        visible = [p for p in folder.iterdir() if not _hidden(p.name)]
        if not (len(visible) == 1 and is_dir(visible[0])):
            break
        folder = visible[0]
    if len(candidates) > 1:
        return Submission(student, source, _digest_text(f"two:{source.name}"),
                          error=f"both {learner_file} and {relative_path} found; submit one")
    if candidates:
        files = staging.collect(candidates[0].parent, boundary=top)
        learner = candidates[0].name
    else:
        files = staging.collect(folder, boundary=top)
        learner = _learner(list(files), learner_file)
        if learner is None:
            looked_for = f"{learner_file} (nor {relative_path})"
            if scratch is None:
                raise SubmissionError(f"no {looked_for} found, and no other .py file or notebook")
            return _from_zip(student, files[_only_zip(files, looked_for)], learner_file, relative_path,
                             scratch, nested=True)
    if learner not in files:
        raise SubmissionError(f"{learner} is a link to a place outside the submission or not a regular file")
    return Submission(student, source, staging.digest(files), path=files[learner], files=files)


def _from_zip(student: str, entry: Path, learner_file: str, relative_path: str, scratch: Path,
              nested: bool = False) -> Submission:
    """A zip entry, or the one zip in a student's folder (``nested``): unpacked with the same caps
    on members and size, and read as a folder (a zip inside it is not opened again)."""
    digest = hashlib.sha256(staging.read_file(entry, MAX_UNZIPPED_BYTES)).hexdigest()
    target = scratch / f"{hashlib.sha256(student.encode('utf-8', 'surrogateescape')).hexdigest()[:8]}-{digest[:12]}"
    shown = student_key(entry.name)
    try:
        _extract(entry, target)
    except UnsafeZip as exc:
        return Submission(student, entry, digest, error=f"{shown}: {exc}")
    except Exception as exc:  # noqa: BLE001 - zlib.error, LZMAError, BadZipFile, ...: all unreadable
        return Submission(student, entry, digest,
                          error=f"{shown} is not a readable zip file ({type(exc).__name__}: {exc})")
    try:
        found = _in_folder(student, entry, target, learner_file, relative_path)
    except SubmissionError as exc:
        if not nested:
            raise
        raise SubmissionError(f"in {shown}: {exc}") from None
    found.digest = digest
    return found


class UnsafeZip(Exception):
    """A zip that would escape its folder or exhaust the disk."""


def _extract(archive: Path, target: Path) -> None:
    with zipfile.ZipFile(archive) as zipped:
        total = 0
        for member, destination in members_to_unpack(zipped, target, MAX_MEMBERS):
            total = _copy_member(zipped, member, destination, total)


def members_to_unpack(zipped: zipfile.ZipFile, target: Path, max_members: int):
    """Each member of ``zipped`` to unpack, with its destination under ``target`` (its folder made):
    the count capped, a name outside the archive's folder or a link refused (:class:`UnsafeZip`),
    folders, hidden files and archive debris left out."""
    members = zipped.infolist()
    if len(members) > max_members:
        raise UnsafeZip(f"it holds {len(members)} files, more than the {max_members} allowed")
    for member in members:
        relative = member_path(member)
        if relative is None or member.is_dir() or hidden_path(relative):
            continue
        destination = target.joinpath(*relative.parts)
        destination.parent.mkdir(parents=True, exist_ok=True)
        yield member, destination


def member_path(member: zipfile.ZipInfo) -> PurePosixPath | None:
    name = member.filename.replace("\\", "/")
    path = PurePosixPath(name)
    if name.startswith("/") or (len(name) > 1 and name[1] == ":") or ".." in path.parts:
        raise UnsafeZip(f"member '{member.filename}' points outside the archive's folder")
    if stat.S_ISLNK(member.external_attr >> 16):
        raise UnsafeZip(f"member '{member.filename}' is a symbolic link")
    parts = [p for p in path.parts if p not in ("", ".")]
    return PurePosixPath(*parts) if parts else None


def hidden_path(path: PurePosixPath) -> bool:
    return any(_hidden(part) for part in path.parts)


def _copy_member(zipped: zipfile.ZipFile, member, destination: Path, total: int) -> int:
    # Count what actually comes out: header sizes can lie.
    written = 0
    with zipped.open(member) as source, open(destination, "wb") as sink:
        while True:
            chunk = source.read(65536)
            if not chunk:
                return total
            written += len(chunk)
            total += len(chunk)
            if written > MAX_FILE_BYTES or total > MAX_UNZIPPED_BYTES:
                raise UnsafeZip(f"it unpacks to more than {MAX_UNZIPPED_BYTES // 2**20} MiB "
                                f"(or a file over {MAX_FILE_BYTES // 2**20} MiB)")
            sink.write(chunk)


def _digest_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()
