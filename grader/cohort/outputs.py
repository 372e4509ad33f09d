"""Where ``kata grade`` writes: each ``--out`` parsed and tried before grading, then written from the journal."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..core.files import write_atomic
from ..learner.report import feedback_text
from ..platforms import exercism, gradescope
from . import gradebooks
from .run import CohortRun, GradeError

PER_STUDENT = {"gradescope": gradescope.results_json, "exercism": exercism.results_json}
"""Per-student results files by ``--format``: ``DIR/<student>/results.json``."""
FOLDER_FORMATS = tuple(PER_STUDENT)


@dataclass(frozen=True)
class Output:
    path: Path
    kind: str
    """A suffix of :data:`gradebooks.COHORT` or a name of :data:`PER_STUDENT`."""


def parse_outputs(outs: tuple, folder_format: str | None, submissions: Path) -> list:
    """Each ``--out`` as an :class:`Output`, or a :class:`GradeError` saying what is wrong."""
    parsed = []
    for text in outs:
        path = Path(text).expanduser().resolve()
        if _inside(path, submissions):
            raise GradeError(f"--out {text} is inside the submissions folder, which kata never writes to; "
                             "choose another place")
        if text.endswith(("/", "\\")):
            if folder_format is None:
                raise GradeError(f"--out {text} is a folder: add --format "
                                 f"{'|'.join(FOLDER_FORMATS)} to say which results.json to write")
            parsed.append(Output(path, folder_format))
        elif path.suffix.lower() in gradebooks.COHORT:
            parsed.append(Output(path, path.suffix.lower()))
        else:
            raise GradeError(f"cannot tell the format of --out {text}: use a .csv, .json or .xml file, "
                             f"or a folder ending in / with --format {'|'.join(FOLDER_FORMATS)}")
    if folder_format and not any(o.kind == folder_format for o in parsed):
        raise GradeError(f"--format {folder_format} applies to a folder --out ending in /; none was given")
    return parsed


def check_writable(outputs: list, feedback: Path | None) -> None:
    """Before any grading: a GradeError for each place a gradebook cannot be written (an hour of
    grading must not end in a folder that does not take files)."""
    places = [(o.path if o.kind in FOLDER_FORMATS else o.path.parent, f"--out {o.path}") for o in outputs]
    if feedback is not None:
        places.append((feedback, f"--feedback {feedback}"))
    for output in outputs:
        if output.kind not in FOLDER_FORMATS and output.path.is_dir():
            raise GradeError(f"--out {output.path} is a folder; name a file, or end it with / and add --format")
    for folder, option in places:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, probe = tempfile.mkstemp(prefix=".kata-probe-", dir=folder)
            os.close(fd)
            os.unlink(probe)
        except OSError as exc:
            raise GradeError(f"cannot write {option}: {exc.strerror} ({exc.filename or folder}); "
                             "choose a folder you can write to") from None


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def write_outputs(run: CohortRun, outputs: list, feedback_dir: Path | None) -> None:
    """Every gradebook and feedback file, each replaced atomically."""
    for output in outputs:
        if output.kind in gradebooks.COHORT:
            write_atomic(output.path, gradebooks.COHORT[output.kind](run.rows, run.kata, run.layout))
        else:
            render = PER_STUDENT[output.kind]
            for row in run.rows:
                write_atomic(output.path / row.student / "results.json", render(row.result, run.kata))
    if feedback_dir is not None:
        for row in run.rows:
            write_atomic(feedback_dir / f"{row.student}.txt", feedback_text(row.result))
