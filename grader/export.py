"""``kata export gradescope``: the zip a Gradescope programming assignment expects.

The zip holds, at its top (Gradescope unpacks it into ``/autograder/source``):

- ``setup.sh``: installs kata from the wheel the zip carries, and kata's
  dependencies (numpy, scipy, ...) from the package index;
- ``run_autograder``: grades ``$AUTOGRADER_ROOT/submission`` (default
  ``/autograder``) into ``$AUTOGRADER_ROOT/results/results.json``
  (:mod:`grader.gradescope`);
- ``kata-<version>-py3-none-any.whl``: kata itself, built from the code that
  is running (no path on the instructor's disk is needed);
- ``workspace/``: a grading-only ``kata.yaml`` with this one kata, and the
  kata's folder (lesson, shipped stub, checks, hints, misconceptions). Never
  ``solutions/``.
"""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from pathlib import Path

import yaml

from . import __version__, settings
from .manifest import Kata, Manifest
from .staging import hidden

SETUP = """#!/usr/bin/env bash
# Gradescope runs this once, as root, to build the autograder's image.
set -euo pipefail
cd "$(dirname "$0")"
pip3 install ./{wheel}
"""

RUN = """#!/usr/bin/env bash
# Gradescope runs this for each submission. AUTOGRADER_ROOT lets it run anywhere (default /autograder).
set -uo pipefail
export AUTOGRADER_ROOT="${AUTOGRADER_ROOT:-/autograder}"
exec python3 -m grader.gradescope "$AUTOGRADER_ROOT" "$(cd "$(dirname "$0")" && pwd)/workspace"
"""



class ExportError(Exception):
    """The export cannot be built; the message names the problem and the fix."""


def gradescope_zip(manifest: Manifest, kata: Kata, out: Path) -> Path:
    """Write the autograder zip for ``kata`` at ``out``; return ``out``."""
    wheel_name, wheel = build_wheel()
    entries = {
        "setup.sh": SETUP.format(wheel=wheel_name).encode(),
        "run_autograder": RUN.encode(),
        wheel_name: wheel,
    }
    entries.update({f"workspace/{name}": data for name, data in workspace_files(manifest, kata).items()})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = (0o755 if name in ("setup.sh", "run_autograder") else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(buffer.getvalue())
    return out


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


def build_wheel() -> tuple:
    """``(file name, bytes)`` of a pure-Python wheel of the kata package that is running."""
    package = Path(__file__).resolve().parent
    files = {}
    for path in sorted(package.rglob("*.py")):
        if "__pycache__" not in path.parts:
            files[f"grader/{path.relative_to(package).as_posix()}"] = path.read_bytes()
    info = f"kata-{__version__}.dist-info"
    requirements = settings.requirements()
    files[f"{info}/METADATA"] = ("Metadata-Version: 2.1\nName: kata\n"
                                 f"Version: {__version__}\nRequires-Python: >=3.9\n"
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
