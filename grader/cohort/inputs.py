"""What a grade depends on, as one digest per kind: the checks, and the environment.

A journaled result stands only while everything it was graded from is unchanged.
Besides the submission itself (its files' digest, computed in
:mod:`grader.core.submission`), that is:

- **checks**: the kata's grading-only workspace as Dask workers and Gradescope
  receive it (:func:`grader.core.bundle.workspace_files`): its ``kata.yaml``
  entry (checks, points, hints, limits, visibility, the manifest's preload),
  the whole checks folder, ``hints.yaml`` and the misconceptions; and the seed.
  The lesson (``README.md``) and the stub as shipped are left out: neither is
  read while grading;
- **environment**: kata's own code (every module of the ``grader`` package, so
  a fixed tolerance in :mod:`grader.checklib` regrades), the Python that runs
  the workers, every installed distribution and its version (a library a
  student imports, installed since, regrades them) and the settings that
  choose how workers run (``KATA_WORKER``, ``KATA_SANDBOX``, ``KATA_SANDBOX_OFF``).

The digests are kept per kind in each journal line, so a regrade can say why
(:mod:`grader.cohort.changes`).
"""

from __future__ import annotations

import functools
import hashlib
import os
import platform
import sys
from pathlib import Path

from .. import settings
from ..core.bundle import workspace_files
from ..core.manifest import Kata, Manifest

CHECKS, ENVIRONMENT = "checks", "environment"
"""The kinds of :func:`grade_inputs` (with ``submission``, the journal's three)."""
NOT_READ = ("README.md",)
"""Files at the top of a kata's folder that grading never reads (the lesson)."""


def grade_inputs(manifest: Manifest, kata: Kata, seed: int) -> dict:
    """``{"checks": digest, "environment": digest}`` for grading ``kata`` with ``seed`` here."""
    return {CHECKS: checks_digest(manifest, kata, seed), ENVIRONMENT: environment_digest()}


def checks_digest(manifest: Manifest, kata: Kata, seed: int) -> str:
    """Changes whenever anything of the kata that grading reads changes, or the seed."""
    digest = hashlib.sha256(f"seed {seed}\n".encode())
    base = f"katas/{kata.folder.name}/"
    skipped = {base + name for name in (*NOT_READ, *kata.files)}
    files = dict(workspace_files(manifest, kata))
    checks_folder = kata.check_file.parent
    if kata.folder not in (checks_folder, *checks_folder.parents):  # a checks folder outside the kata's
        files.update({f"checks:{p.relative_to(checks_folder).as_posix()}": p.read_bytes()
                      for p in sorted(checks_folder.rglob("*")) if _source(p)})
    for name in sorted(files):
        if name not in skipped and "__pycache__" not in name:
            _add(digest, name, files[name])
    return digest.hexdigest()


def environment_digest() -> str:
    """Changes whenever kata's code, the Python, an installed distribution or a worker setting changes."""
    digest = hashlib.sha256()
    _add(digest, "python", f"{sys.version} {platform.machine()} {sys.platform}".encode())
    for name in ("KATA_WORKER", "KATA_SANDBOX", "KATA_SANDBOX_OFF"):
        _add(digest, name, settings.setting(name).encode())
    _add(digest, "kata", _package_digest().encode())
    _add(digest, "installed", "\n".join(installed()).encode())
    return digest.hexdigest()


@functools.lru_cache(maxsize=1)
def _package_digest() -> str:
    """Every module of kata's own package (read once per process: it does not change under a run)."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        if "__pycache__" not in path.parts:
            _add(digest, path.relative_to(package).as_posix(), path.read_bytes())
    return digest.hexdigest()


def installed() -> list:
    """``name==version`` of every distribution a worker could import, sorted."""
    import importlib.metadata
    import site
    import sysconfig

    places = {sysconfig.get_path(name) for name in ("purelib", "platlib")} | set(site.getsitepackages())
    found = set()
    for dist in importlib.metadata.distributions(path=sorted(p for p in places if p and os.path.isdir(p))):
        try:
            found.add(f"{dist.metadata['Name']}=={dist.version}")
        except (KeyError, TypeError, ValueError):  # a broken installation's metadata
            continue
    return sorted(found)


def _source(path: Path) -> bool:
    return path.is_file() and "__pycache__" not in path.parts


def _add(digest, name: str, data: bytes) -> None:
    """Add a named part unambiguously: its name's and its data's lengths go first."""
    digest.update(f"{len(name)}:{name}:{len(data)}:".encode())
    digest.update(data)
