"""Workspaces without the reference solutions, as bytes, and kata itself as a wheel.

What a Dask worker and Gradescope's autograder receive (one kata, grading
only), and what ``kata export workspace`` hands learners (any katas): a
``kata.yaml`` marked ``solutions: false``, and each kata's folder with the
lesson, the stub as shipped, the checks, hints and misconceptions. Never the
reference solutions.
"""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from pathlib import Path

import yaml

from .. import __version__, settings
from .manifest import Kata, Manifest
from .staging import hidden


def workspace_files(manifest: Manifest, kata: Kata) -> dict:
    """``{relative path: bytes}`` of a grading-only workspace for ``kata``: its kata.yaml and its folder."""
    header = f"# Written by kata export for kata {kata.id}: grading only, no reference solutions.\n"
    return learner_files(manifest, [kata], header)


def learner_files(manifest: Manifest, katas: list, header: str) -> dict:
    """``{relative path: bytes}`` of a workspace without the reference solutions: a ``kata.yaml`` (starting
    with ``header``, marked ``solutions: false``) listing ``katas``, and each kata's folder.

    Each folder holds the lesson, the stub as shipped (in place of the
    instructor's working copy, which may be solved) also under ``.shipped/``,
    the checks, hints and misconceptions; never the reference solutions.
    """
    files = {"kata.yaml": _manifest_for(manifest, katas, header).encode()}
    for kata in katas:
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


def _manifest_for(manifest: Manifest, katas: list, header: str) -> str:
    """A kata.yaml holding ``katas`` alone, without solutions."""
    entries = [{"id": kata.id, "title": kata.title, "folder": f"katas/{kata.folder.name}", "files": list(kata.files),
                "check_file": kata.check_file.relative_to(kata.folder).as_posix(),
                "time_limit": kata.time_limit, "import_time_limit": kata.import_time_limit,
                "memory_mb": kata.memory_mb, "submission_time_limit": kata.submission_time_limit,
                "visibility": kata.visibility,
                "checks": [{"name": c.name, "target": c.target, "hint": c.hint, "points": c.points}
                           for c in kata.checks]}
               for kata in katas]
    data = {"format_version": manifest.format_version, "solutions": False, "preload": list(manifest.preload),
            "katas": entries}
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def build_wheel() -> tuple:
    """``(file name, bytes)`` of a pure-Python wheel of the kata package that is running: what an
    autograder or a learner installs kata from, with no path on the author's disk needed."""
    package = Path(__file__).resolve().parents[1]  # grader/
    files = {}
    for path in sorted(package.rglob("*.py")):
        if "__pycache__" not in path.parts:
            files[f"grader/{path.relative_to(package).as_posix()}"] = path.read_bytes()
    info = f"kata-{__version__}.dist-info"
    requirements = settings.requirements()
    files[f"{info}/METADATA"] = ("Metadata-Version: 2.1\nName: kata\n"
                                 f"Version: {__version__}\nRequires-Python: >=3.10\n"
                                 + "".join(f"Requires-Dist: {r}\n" for r in requirements)).encode()
    files[f"{info}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: kata export\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    files[f"{info}/entry_points.txt"] = b"[console_scripts]\nkata = grader.entry:main\n"
    record = "".join(f"{name},sha256={_hash(data)},{len(data)}\n" for name, data in files.items())
    files[f"{info}/RECORD"] = (record + f"{info}/RECORD,,\n").encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), data)
    return f"kata-{__version__}-py3-none-any.whl", buffer.getvalue()


def _hash(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
