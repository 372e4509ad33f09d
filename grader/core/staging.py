"""The files of one submission: found, hashed and staged by one definition.

A submission is its learner file and, when the learner file sits in a folder
of the student's own, that folder's other files and subfolders (helper
modules, data). What :func:`collect` returns is exactly what the journal hash
covers (:func:`digest`), what is copied into a private staging folder
(:func:`stage`) and what a sandboxed worker gets a copy of
(:func:`read_all`), so the three can never disagree.

Only regular files are read: a FIFO or device named like a learner file is
never read (a file is opened without blocking and checked to be regular
before anything is read from it). A link is followed only when its real path
stays inside the submission; one that leaves it is refused, at any depth. Walks are
iterative and capped in depth, files and bytes.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

MAX_FILES = 500
MAX_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 16
IGNORED = {"__MACOSX", "__pycache__"}


class SubmissionError(Exception):
    """A submission whose files cannot be graded; the message says why, in the student's terms."""


def hidden(name: str) -> bool:
    """Entries kata never reads: hidden files, archive debris, caches."""
    return name.startswith(".") or name in IGNORED


def collect(root: Path, learner: Path | None = None, boundary: Path | None = None) -> dict:
    """``{relative path: absolute path}`` of the submission's files under ``root``.

    ``learner``, when given, is a single learner file that is the whole
    submission (a flat ``bob.py`` in a submissions folder): its neighbours
    belong to other students and are never looked at. ``boundary`` is the
    student's whole entry (default ``root``): ``root`` itself, and every link
    met below it, must lead to a place inside it, so a folder reached through a
    link (``katas -> ../../solutions``) is refused like a file.
    """
    root = Path(root)
    if learner is not None:
        _regular(Path(learner), Path(learner).name, Path(learner).parent)
        return {Path(learner).name: Path(learner)}
    real_root = os.path.realpath(boundary if boundary is not None else root)
    if boundary is not None and Path(root) != Path(boundary):
        _inside(root, real_root, _relative(root, boundary))
    files: dict = {}
    total = 0
    stack = [(root, 0)]
    while stack:
        folder, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise SubmissionError(f"folders nested deeper than {MAX_DEPTH} levels; submit the code only")
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            raise SubmissionError(f"cannot read folder {_relative(folder, root)}: {exc.strerror}") from None
        for entry in entries:
            if hidden(entry.name):
                continue
            path = Path(entry.path)
            relative = _relative(path, root)
            if entry.is_symlink():
                _inside(path, real_root, relative)
                if os.path.isdir(path):
                    continue  # its files are inside the submission already, reached by their own path
            if entry.is_dir(follow_symlinks=False):
                stack.append((path, depth + 1))
                continue
            size = _regular(path, relative, root)
            if size is None:
                continue
            total += size
            files[relative] = path
            if len(files) > MAX_FILES or total > MAX_BYTES:
                raise SubmissionError(f"the submission holds more than {MAX_FILES} files or "
                                      f"{MAX_BYTES // 2**20} MiB; submit the code only")
    return dict(sorted(files.items()))


def _relative(path: Path, root: Path) -> str:
    return Path(path).relative_to(root).as_posix() if Path(path) != Path(root) else "."


def _inside(path: Path, real_root: str, relative: str) -> None:
    real = os.path.realpath(path)
    if not (real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)):
        raise SubmissionError(f"{relative} is a link to a place outside the submission; "
                              "submit the files themselves")


def _regular(path: Path, relative: str, root: Path) -> int | None:
    """The size of ``path`` if it is a regular file (links inside are resolved), else None."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        if path.name.endswith((".py", ".ipynb")):
            raise SubmissionError(f"{relative} is not a regular file")
        return None
    return info.st_size


def read_file(path: Path, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file, opened without blocking; at most ``limit`` bytes."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise SubmissionError(f"{Path(path).name} is not a regular file")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
            size += len(chunk)
        raise SubmissionError(f"{Path(path).name} is larger than {limit // 2**20} MiB")
    finally:
        os.close(fd)


def digest(files: dict) -> str:
    """Hash of names and contents: a changed submission gets a new one."""
    hasher = hashlib.sha256()
    for relative, path in files.items():
        content = hashlib.sha256(read_file(path)).hexdigest()
        hasher.update(relative.encode("utf-8", "surrogateescape") + b"\0" + content.encode() + b"\n")
    return hasher.hexdigest()


def stage(files: dict, target: Path) -> None:
    """Copy exactly ``files`` into the new folder ``target`` (readable by workers)."""
    target.mkdir(mode=0o755, parents=True)
    for relative, path in files.items():
        destination = target.joinpath(*relative.split("/"))
        destination.parent.mkdir(mode=0o755, parents=True, exist_ok=True)
        destination.write_bytes(read_file(path))
        os.chmod(destination, 0o644)


def read_all(root: Path) -> dict:
    """``{relative path: bytes}`` of a staged submission, for the sandbox's private copy."""
    return {relative: read_file(path) for relative, path in collect(root).items()}
