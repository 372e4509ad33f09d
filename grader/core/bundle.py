"""A kata's grading-only workspace as bytes: what a Dask worker and Gradescope's autograder receive.

Its ``kata.yaml`` holds that one kata, marked ``solutions: false``; its folder
holds the lesson, the stub as shipped, the checks, hints and misconceptions.
Never the reference solutions.
"""

from __future__ import annotations

import yaml

from .manifest import Kata, Manifest
from .staging import hidden


def workspace_files(manifest: Manifest, kata: Kata) -> dict:
    """``{relative path: bytes}`` of a grading-only workspace for ``kata``: its kata.yaml and its folder.

    The kata's lesson, shipped stub, checks, hints and misconceptions; never the
    reference solutions, and the stub as shipped in place of the instructor's
    working copy (which may be solved).
    """
    files = {"kata.yaml": _manifest_for(manifest, kata).encode()}
    base = f"katas/{kata.folder.name}"
    for path in sorted(kata.folder.rglob("*")):
        relative = path.relative_to(kata.folder)
        if relative.as_posix() in kata.files:
            continue
        if path.is_file() and not any(hidden(part) and part != ".shipped" for part in relative.parts):
            files[f"{base}/{relative.as_posix()}"] = path.read_bytes()
    for name in kata.files:
        files[f"{base}/{name}"] = kata.shipped(name).read_bytes()
    return files


def _manifest_for(manifest: Manifest, kata: Kata) -> str:
    """A grading-only kata.yaml holding ``kata`` alone."""
    entry = {"id": kata.id, "title": kata.title, "folder": f"katas/{kata.folder.name}", "files": list(kata.files),
             "check_file": kata.check_file.relative_to(kata.folder).as_posix(),
             "time_limit": kata.time_limit, "import_time_limit": kata.import_time_limit,
             "memory_mb": kata.memory_mb, "submission_time_limit": kata.submission_time_limit,
             "visibility": kata.visibility,
             "checks": [{"name": c.name, "target": c.target, "hint": c.hint, "points": c.points}
                        for c in kata.checks]}
    data = {"format_version": manifest.format_version, "solutions": False, "preload": list(manifest.preload),
            "katas": [entry]}
    header = f"# Written by kata export for kata {kata.id}: grading only, no reference solutions.\n"
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
