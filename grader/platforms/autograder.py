"""The autograder's ``run_autograder``: one Gradescope submission into ``results/results.json``.

``python -m grader.platforms.autograder ROOT WORKSPACE`` grades ``ROOT/submission``
(the files the student uploaded: the learner file by name, else the only
``.py`` or notebook) against the one kata of ``WORKSPACE/kata.yaml`` and
writes ``ROOT/results/results.json`` in Gradescope's format, with who
submitted (``ROOT/submission_metadata.json``, when present) in its
``extra_data``. Whatever
happens, that file is written, complete and valid: a submission that cannot
be graded scores 0 with the reason as its output. Nothing else is printed
into it.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from ..core.files import write_atomic
from ..core.grading import Grader, new_seed
from ..core.manifest import ManifestError, load
from ..core.results import error_result, fault_of_kata
from ..core.submission import Entry, read_entry
from .gradescope import results_json


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    root = Path(argv[0] if argv else "/autograder")
    workspace = Path(argv[1]) if len(argv) > 1 else root / "source" / "workspace"
    results = root / "results" / "results.json"
    try:
        manifest = load(workspace / "kata.yaml")
    except ManifestError as exc:
        write_atomic(results, json.dumps({"score": 0.0, "output": f"the autograder is broken: {exc}",
                                          "tests": []}, indent=2) + "\n")
        print(f"kata: {exc}", file=sys.stderr)
        return 2
    kata = manifest.katas[0]
    with tempfile.TemporaryDirectory(prefix="kata-gradescope-") as scratch:
        try:
            result = _grade(manifest, kata, root / "submission", Path(scratch))
        except Exception as exc:  # noqa: BLE001 - kata's own failure: still a valid results.json
            result = fault_of_kata(kata.id, kata.max_score, f"the autograder could not grade this submission "
                                   f"({type(exc).__name__}: {exc}); submit again, or tell your instructor", new_seed())
    write_atomic(results, results_json(result, kata, submitted_by(root / "submission_metadata.json")))
    print(f"kata {kata.id}: {result.score:g}/{result.max_score:g} ({result.status})")
    return 0


def submitted_by(path: Path) -> dict:
    """``extra_data`` from Gradescope's ``submission_metadata.json``: the submission's id and its students
    (id, name, email, sid). Gradescope says its fields may change, so every one is optional, and a file
    that is missing or unreadable gives nothing."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    students = [{key: user[key] for key in ("id", "name", "email", "sid") if isinstance(user.get(key), (str, int))}
                for user in data.get("users") or [] if isinstance(user, dict)]
    extra = {"submission_id": data["id"]} if isinstance(data.get("id"), (str, int)) else {}
    return {**extra, **({"students": students} if students else {})}


def _grade(manifest, kata, submission: Path, scratch: Path):
    """The submission folder is one student's entry, read as ``kata grade`` reads a folder."""
    seed = new_seed()
    if not submission.is_dir():
        return error_result(kata.id, kata.max_score, "no submission folder: nothing was uploaded", seed)
    relative = f"katas/{kata.folder.name}/{kata.files[0]}"
    entry = read_entry(Entry("submission", "submission", path=submission), kata.files[0], relative, scratch)
    if entry.error:
        return error_result(kata.id, kata.max_score, entry.error.removeprefix("submission: "), seed)
    with Grader(manifest) as grader:
        return grader.grade(kata, entry.path, seed, files=entry.files)


if __name__ == "__main__":
    sys.exit(main())
