"""Gradescope: the autograder zip (``kata export gradescope``) and the ``results.json`` it writes.

The zip holds, at its top (Gradescope unpacks it into ``/autograder/source``):

- ``setup.sh``: installs kata into the image's ``python3`` from the wheel the
  zip carries, and kata's dependencies (numpy, scipy, ...) from the package index;
- ``run_autograder``: Gradescope copies it to ``/autograder/run_autograder``;
  it grades ``/autograder/submission`` into ``/autograder/results/results.json``
  (:mod:`grader.platforms.autograder`), kata started isolated from a folder
  holding nothing of the upload (``$AUTOGRADER_ROOT`` moves ``/autograder``);
- ``kata-<version>-py3-none-any.whl``: kata itself, built from the code that
  is running (no path on the instructor's disk is needed);
- ``workspace/``: a grading-only ``kata.yaml`` with this one kata, and the
  kata's folder (lesson, shipped stub, checks, hints, misconceptions). Never
  ``solutions/``.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from ..core.bundle import build_wheel, workspace_files
from ..core.manifest import Kata, Manifest
from ..core.results import KataResult
from ..core.show import learner_text, points
from ..learner.report import failure_text
from ..settings import single_thread_environment

SETUP = """#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (Ubuntu, after apt-get update):
# kata and its dependencies go into the image's python3, kata itself from the wheel beside this file.
set -euo pipefail
cd "$(dirname "$0")"
if ! python3 -m pip --version >/dev/null 2>&1; then
    apt-get install -y python3-pip
fi
# pip 23.0 and later refuse a distribution's own Python (PEP 668) unless told; earlier pip ignores this.
export PIP_BREAK_SYSTEM_PACKAGES=1
python3 -m pip install ./{wheel}
cd /
python3 -I -c "import grader; print('kata', grader.__version__, 'installed in', grader.__path__[0])"
"""

RUN = """#!/usr/bin/env bash
# Gradescope copies this file to /autograder/run_autograder and runs it there for each submission, with the
# zip unpacked in /autograder/source and the upload in /autograder/submission (AUTOGRADER_ROOT moves all three).
# kata starts isolated (python3 -I) in a folder holding nothing of the upload's: a grader/ package or a
# sitecustomize.py a student uploads is never imported.
set -uo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
cd /
# One thread for numeric libraries, set before numpy loads, as the kata command sets it (grader/entry.py).
export THREADS
exec python3 -I -m grader.platforms.autograder "$ROOT" "$ROOT/source/workspace"
""".replace("THREADS", " ".join(f"{name}={value}" for name, value in single_thread_environment().items()))


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


def results_json(result: KataResult, kata: Kata, extra: dict | None = None) -> str:
    """Gradescope's ``results.json`` for one student; ``extra`` joins its ``extra_data`` (who submitted)."""
    tests = []
    for number, check in enumerate(result.checks, start=1):
        output = failure_text(check) if not check.passed else ""
        tests.append({"name": check.name, "number": f"1.{number}", "score": check.points,
                      "max_score": check.max_points, "status": "passed" if check.passed else "failed",
                      "output": output, "tags": [check.target], "visibility": kata.visibility})
    rerun = (f"seed {result.seed}: 'kata check {kata.id} --seed {result.seed}' checks your file with the same data"
             if result.seed is not None and result.status == "graded" else "")
    data = {"score": result.score, "execution_time": round(result.duration, 3),
            "output": "\n".join([learner_text(result.error) if result.error
                                  else f"kata {kata.id}: {points(result.score)}/{points(result.max_score)}",
                                  *([rerun] if rerun else []), *(f"note: {learner_text(note)}" for note in result.notes)]),
            "output_format": "text", "test_output_format": "text",  # learner text is never markup
            "visibility": kata.visibility, "stdout_visibility": "hidden",
            "extra_data": {"kata": kata.id, "seed": result.seed, "status": result.status, **(extra or {})},
            "tests": tests}
    if result.status == "error":
        data["tests"] = [{"name": "import", "score": 0.0, "max_score": result.max_score,
                          "status": "failed", "output": learner_text(result.error or ""),
                          "visibility": kata.visibility}]
    return json.dumps(data, indent=2, allow_nan=False) + "\n"
