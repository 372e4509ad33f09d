"""Finding each student's learner file in a folder of submissions.

Each visible entry of the folder is one student, named by the entry without
its extension: a folder (the learner file at its top, or at the same relative
path as in the repository), a single ``.py`` file, or a ``.zip`` holding either.
Zips are extracted into a private folder with no path outside it, no links,
and caps on member count and uncompressed size. The submissions folder is
only ever read.
"""

from __future__ import annotations

import hashlib
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

MAX_MEMBERS = 2000
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024
MAX_FILE_BYTES = 5 * 1024 * 1024
IGNORED = {"__MACOSX", "__pycache__"}


@dataclass
class Submission:
    """One student's entry: the learner file to grade, or why there is none."""

    student: str
    source: Path
    """The entry in the submissions folder."""
    digest: str
    """Hash of what is graded; a changed submission gets a new one."""
    path: Path | None = None
    """The learner file to grade (possibly extracted from a zip)."""
    error: str | None = None


def discover(folder: Path, learner_file: str, relative_path: str, scratch: Path) -> list:
    """One :class:`Submission` per student, sorted by student id."""
    entries: dict = {}
    for entry in sorted(folder.iterdir()):
        if _hidden(entry.name):
            continue
        student = entry.name if entry.is_dir() else entry.stem
        entries.setdefault(student, []).append(entry)
    found = []
    for student, paths in sorted(entries.items()):
        if len(paths) > 1:
            names = ", ".join(p.name for p in paths)
            found.append(Submission(student, paths[0], _digest_many(paths),
                                    error=f"several submissions for {student}: {names}; keep one"))
        else:
            found.append(_one(student, paths[0], learner_file, relative_path, scratch))
    return found


def _hidden(name: str) -> bool:
    return name.startswith(".") or name in IGNORED


def _one(student: str, entry: Path, learner_file: str, relative_path: str, scratch: Path) -> Submission:
    if entry.is_symlink():
        return Submission(student, entry, _digest_text(entry.name), error="the submission is a symbolic link")
    if entry.is_dir():
        return _in_folder(student, entry, entry, learner_file, relative_path)
    if entry.suffix.lower() == ".zip":
        return _from_zip(student, entry, learner_file, relative_path, scratch)
    if entry.suffix == ".py":
        return Submission(student, entry, _digest_file(entry), path=entry)
    return Submission(student, entry, _digest_file(entry),
                      error=f"{entry.name} is neither a .py file, a folder nor a .zip")


def _in_folder(student, source: Path, folder: Path, learner_file: str, relative_path: str) -> Submission:
    candidates = [p for p in (folder / learner_file, folder / relative_path)
                  if p.is_file() and not p.is_symlink()]
    candidates = list(dict.fromkeys(candidates))
    if not candidates:
        nested = [p for p in folder.iterdir() if p.is_dir() and not _hidden(p.name)]
        if len(nested) == 1 and not any(p.is_file() for p in folder.iterdir() if not _hidden(p.name)):
            return _in_folder(student, source, nested[0], learner_file, relative_path)
    digest = _digest_tree(candidates[0].parent) if len(candidates) == 1 else (
        _digest_many(candidates) if candidates else _digest_text(f"none:{source.name}"))
    if not candidates:
        return Submission(student, source, digest,
                          error=f"no {learner_file} found (looked for {learner_file} and {relative_path})")
    if len(candidates) > 1:
        return Submission(student, source, digest,
                          error=f"both {learner_file} and {relative_path} found; submit one")
    return Submission(student, source, digest, path=candidates[0])


def _from_zip(student: str, entry: Path, learner_file: str, relative_path: str, scratch: Path) -> Submission:
    digest = _digest_file(entry)
    target = scratch / f"{student}-{digest[:12]}"
    try:
        _extract(entry, target)
    except UnsafeZip as exc:
        return Submission(student, entry, digest, error=f"{entry.name}: {exc}")
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
        return Submission(student, entry, digest, error=f"{entry.name} is not a readable zip file ({exc})")
    found = _in_folder(student, entry, target, learner_file, relative_path)
    found.digest = digest
    return found


class UnsafeZip(Exception):
    """A zip that would escape its folder or exhaust the disk."""


def _extract(archive: Path, target: Path) -> None:
    with zipfile.ZipFile(archive) as zipped:
        members = zipped.infolist()
        if len(members) > MAX_MEMBERS:
            raise UnsafeZip(f"it holds {len(members)} files, more than the {MAX_MEMBERS} allowed")
        total = 0
        for member in members:
            relative = _safe_name(member)
            if relative is None or member.is_dir() or _hidden_path(relative):
                continue
            destination = target.joinpath(*relative.parts)
            destination.parent.mkdir(parents=True, exist_ok=True)
            total = _copy_member(zipped, member, destination, total)


def _safe_name(member: zipfile.ZipInfo) -> PurePosixPath | None:
    name = member.filename.replace("\\", "/")
    path = PurePosixPath(name)
    if name.startswith("/") or (len(name) > 1 and name[1] == ":") or ".." in path.parts:
        raise UnsafeZip(f"member '{member.filename}' points outside the archive's folder")
    if stat.S_ISLNK(member.external_attr >> 16):
        raise UnsafeZip(f"member '{member.filename}' is a symbolic link")
    parts = [p for p in path.parts if p not in ("", ".")]
    return PurePosixPath(*parts) if parts else None


def _hidden_path(path: PurePosixPath) -> bool:
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


def _digest_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _digest_many(paths) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode() + b"\0")
        if path.is_file():
            digest.update(_digest_file(path).encode())
    return digest.hexdigest()


def _digest_tree(folder: Path) -> str:
    """Hash of every visible file under ``folder``: helpers and data are graded too."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()
                       and not any(_hidden(part) for part in p.relative_to(folder).parts)):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + _digest_file(path).encode())
    return digest.hexdigest()


def _digest_text(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
