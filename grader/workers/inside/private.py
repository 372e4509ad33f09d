"""A worker's private files: a size-capped tmpfs over ``/tmp``, and empty ``/run``, ``/var/run``, ``/dev/shm``.

Made in the worker's own mount namespace (root's, or one in a user namespace
of its own: :mod:`grader.workers.inside.sandbox`). ``/tmp`` becomes a tmpfs of
:data:`SCRATCH_MB` MiB holding the scratch folder (the working directory,
``HOME``, ``TMPDIR``: the only writable place) and a copy of the submission;
whatever a worker writes lives in memory, is capped in total, and ends with
the worker, never on the disk where the journal and the gradebooks are.
Folders an unprivileged user cannot enter on the way to the Python
installation (``/root`` here) are covered by an empty tmpfs with only the
needed paths bound back in.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from . import syscalls as linux

SCRATCH_MOUNT = "/tmp"
SCRATCH = SCRATCH_MOUNT + "/scratch"
SUBMISSION = SCRATCH_MOUNT + "/submission"
SCRATCH_MB = 16
PRIVATE_FOLDERS = ("/run", "/var/run", "/dev/shm")


def make(read_roots, owner: int | None = None) -> None:
    """Make the private files in this process's (new, not yet shared) mount namespace.

    ``owner``: the uid the scratch folder is given (root's workers drop to
    a uid of their own); None keeps this process's. Python paths among
    ``read_roots`` that lie in a covered folder are bound back in.
    """
    linux.mount("none", "/", None, linux.MS_REC | linux.MS_PRIVATE)
    if owner is not None:
        for folder, keep in _blocked_folders(read_roots).items():
            _cover(folder, keep, size="1m")
    for folder in PRIVATE_FOLDERS:
        if os.path.isdir(folder) and not os.path.islink(folder):
            _cover(folder, [], size="1m")
    _cover(SCRATCH_MOUNT, _outermost([r for r in read_roots if _under(r, SCRATCH_MOUNT)]), size=f"{SCRATCH_MB}m")
    os.mkdir(SUBMISSION, 0o755)
    os.mkdir(SCRATCH, 0o700)
    if owner is not None:
        os.chown(SCRATCH, owner, owner)


def write_submission(files: dict) -> None:
    """Write the submission's files (``{relative path: bytes}``) into :data:`SUBMISSION`."""
    for name, data in files.items():
        target = os.path.join(SUBMISSION, *name.split("/"))
        os.makedirs(os.path.dirname(target), mode=0o755, exist_ok=True)
        with open(target, "wb") as handle:
            handle.write(data)


def _blocked_folders(read_roots) -> dict:
    """Folders an unprivileged user cannot enter on the way to (or at) a Python path, each with
    the paths to bind back in: the Python path, or, when it is that folder itself (a virtual
    environment made by ``mktemp -d`` is ``0700``), everything in it."""
    blocked: dict = {}
    for root in read_roots:
        parts = Path(root).parts
        for depth in range(2, len(parts) + 1):
            folder = str(Path(*parts[:depth]))
            if not os.stat(folder).st_mode & stat.S_IXOTH:
                inside = [os.path.join(root, name) for name in os.listdir(root)] if folder == root else [root]
                blocked.setdefault(folder, []).extend(inside)
                break
    return {folder: _outermost(roots) for folder, roots in blocked.items()}


def _outermost(paths: list) -> list:
    """Drop paths that lie inside another path of the list."""
    return [p for p in paths if not any(q != p and _under(p, q) for q in paths)]


def _cover(folder: str, keep: list, size: str) -> None:
    """Mount an empty tmpfs over ``folder``, then bind the ``keep`` paths back in (symbolic links made again)."""
    links = {path: os.readlink(path) for path in keep if os.path.islink(path)}
    held = {path: os.open(path, os.O_PATH) for path in keep if path not in links}
    linux.mount("tmpfs", folder, "tmpfs", linux.MS_NOSUID | linux.MS_NODEV, f"size={size},mode=755")
    for path, target in links.items():
        os.makedirs(os.path.dirname(path), exist_ok=True)
        os.symlink(target, path)
    for path, fd in held.items():
        if os.path.isdir(f"/proc/self/fd/{fd}"):
            os.makedirs(path, exist_ok=True)
        else:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            open(path, "a").close()
        linux.mount(f"/proc/self/fd/{fd}", path, None, linux.MS_BIND | linux.MS_REC)
        os.close(fd)


def _under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")
