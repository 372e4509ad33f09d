"""Gradescope: the autograder zip (``kata export gradescope``) and the ``results.json`` it writes.

The zip holds, at its top (Gradescope unpacks it into ``/autograder/source``):

- ``setup.sh``: installs kata from the wheel the zip carries, and kata's
  dependencies (numpy, scipy, ...) from the package index;
- ``run_autograder``: grades ``$AUTOGRADER_ROOT/submission`` (default
  ``/autograder``) into ``$AUTOGRADER_ROOT/results/results.json``
  (:mod:`grader.platforms.autograder`);
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
import json
import zipfile
from pathlib import Path

from .. import __version__, settings
from ..core.bundle import workspace_files
from ..core.manifest import Kata, Manifest
from ..core.results import KataResult
from ..core.show import learner_text, points
from ..learner.report import failure_text

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
exec python3 -m grader.platforms.autograder "$AUTOGRADER_ROOT" "$(cd "$(dirname "$0")" && pwd)/workspace"
"""



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


def build_wheel() -> tuple:
    """``(file name, bytes)`` of a pure-Python wheel of the kata package that is running."""
    package = Path(__file__).resolve().parents[1]  # grader/
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


def results_json(result: KataResult, kata: Kata) -> str:
    """Gradescope's ``results.json`` for one student."""
    tests = []
    for number, check in enumerate(result.checks, start=1):
        output = failure_text(check) if not check.passed else ""
        tests.append({"name": check.name, "number": f"1.{number}", "score": check.points,
                      "max_score": check.max_points, "status": "passed" if check.passed else "failed",
                      "output": output, "tags": [check.target], "visibility": kata.visibility})
    data = {"score": result.score, "execution_time": round(result.duration, 3),
            "output": "\n".join([learner_text(result.error) if result.error
                                  else f"kata {kata.id}: {points(result.score)}/{points(result.max_score)}",
                                  *(f"note: {learner_text(note)}" for note in result.notes)]),
            "output_format": "text", "test_output_format": "text",  # learner text is never markup
            "visibility": kata.visibility, "stdout_visibility": "hidden",
            "extra_data": {"kata": kata.id, "seed": result.seed, "status": result.status},
            "tests": tests}
    if result.status == "error":
        data["tests"] = [{"name": "import", "score": 0.0, "max_score": result.max_score,
                          "status": "failed", "output": learner_text(result.error or ""),
                          "visibility": kata.visibility}]
    return json.dumps(data, indent=2, allow_nan=False) + "\n"
