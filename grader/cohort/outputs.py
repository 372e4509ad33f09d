"""Where ``kata grade`` writes: each ``--out`` parsed and tried before grading, then written from the journal.

Files named by a student (``--feedback DIR/<student>.txt``, ``--format
gradescope DIR/<student>/results.json``) are named by a safe file name of the
student's key (:func:`grader.core.names.path_components`): a key such as
``..`` or ``a/b`` never leaves its folder, and no two students share a file.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..core.files import write_atomic
from ..core.names import path_components
from ..learner.report import feedback_text
from ..platforms import exercism, gradescope, lms
from . import gradebooks, handback
from .handback import Handback
from .run import CohortRun, GradeError

PER_STUDENT = {"gradescope": gradescope.results_json, "exercism": exercism.results_json}
"""Per-student results files by ``--format``: ``DIR/<student>/results.json``."""
FOLDER_FORMATS = tuple(PER_STUDENT)
ROSTER_SUFFIXES = (".csv", ".xls")


@dataclass(frozen=True)
class Output:
    path: Path
    kind: str
    """A suffix of :data:`gradebooks.COHORT` (or ``.xls``, a Blackboard roster), or a name of :data:`PER_STUDENT`."""


def parse_outputs(outs: tuple, folder_format: str | None, submissions: Path, roster=None) -> list:
    """Each ``--out`` as an :class:`Output`, or a :class:`GradeError` saying what is wrong."""
    parsed = []
    for text in outs:
        path = Path(text).expanduser().resolve()
        if inside(path, submissions):
            raise GradeError(f"--out {text} is inside the submissions folder, which kata never writes to; "
                             "choose another place")
        suffix = path.suffix.lower()
        if text.endswith(("/", "\\")):
            if folder_format is None:
                raise GradeError(f"--out {text} is a folder: add --format "
                                 f"{'|'.join(FOLDER_FORMATS)} to say which results.json to write")
            parsed.append(Output(path, folder_format))
        elif suffix in gradebooks.COHORT or (suffix == ".xls" and getattr(roster, "platform", "") == "blackboard"):
            parsed.append(Output(path, suffix))
        else:
            raise GradeError(f"cannot tell the format of --out {text}: use a .csv, .json or .xml file, "
                             f"or a folder ending in / with --format {'|'.join(FOLDER_FORMATS)}")
    if folder_format and not any(o.kind == folder_format for o in parsed):
        raise GradeError(f"--format {folder_format} applies to a folder --out ending in /; none was given")
    return parsed


def check_writable(outputs: list, feedback: Path | None, feedback_zip: Path | None = None) -> None:
    """Before any grading: a GradeError for each place a gradebook cannot be written (an hour of
    grading must not end in a folder that does not take files)."""
    places = [(o.path if o.kind in FOLDER_FORMATS else o.path.parent, f"--out {o.path}") for o in outputs]
    if feedback is not None:
        places.append((feedback, f"--feedback {feedback}"))
    if feedback_zip is not None:
        places.append((feedback_zip.parent, f"--feedback-zip {feedback_zip}"))
    for path, option in [(o.path, f"--out {o.path}") for o in outputs if o.kind not in FOLDER_FORMATS] + \
            ([(feedback_zip, f"--feedback-zip {feedback_zip}")] if feedback_zip is not None else []):
        if path.is_dir():
            raise GradeError(f"{option} is a folder; name a file (a folder --out ends with / and takes --format)")
    for folder, option in places:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, probe = tempfile.mkstemp(prefix=".kata-probe-", dir=folder)
            os.close(fd)
            os.unlink(probe)
        except OSError as exc:
            raise GradeError(f"cannot write {option}: {exc.strerror} ({exc.filename or folder}); "
                             "choose a folder you can write to") from None


def check_layout(back: Handback, layout: str) -> None:
    """Before any grading: the roster and the feedback zip must fit the download's platform."""
    roster = back.roster
    if roster is not None and roster.platform != layout:
        raise GradeError(f"--roster is a {roster.title}, but the submissions are not named as "
                         f"{roster.platform.capitalize()} names a download ({layout} layout); pass that platform's "
                         f"download of the same assignment, or --layout {roster.platform} if it is one")
    if back.feedback_zip is not None and layout == "blackboard":
        raise GradeError("--feedback-zip: Blackboard takes no feedback files in bulk; kata writes feedback into "
                         "the 'Feedback to Learner' column of a Work Offline download of the one column with its "
                         "comments: pass that file with --roster")


def inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` is ``folder`` or below it (kata never writes into the submissions)."""
    return path == folder or folder in path.parents


def write_outputs(run: CohortRun, outputs: list, feedback_dir: Path | None, back: Handback | None = None) -> list:
    """Every gradebook and feedback file, each replaced atomically; return the summary's lines about them."""
    back = back or Handback()
    lines = _unattributed(run)
    names = path_components(_students(run))
    if back.roster is not None:
        back.filled = back.roster.fill(run.rows, back.missing, run.kata)
        lines += handback.roster_lines(back)
    for output in outputs:
        if output.kind in FOLDER_FORMATS:
            render = PER_STUDENT[output.kind]
            for row in run.rows:
                write_atomic(output.path / names[row.student] / "results.json", render(row.result, run.kata))
        elif back.roster is not None and output.kind in ROSTER_SUFFIXES:
            table = handback.roster_table(back.roster, output.kind)
            write_atomic(output.path, table.text(), encoding=table.encoding)
        elif output.kind == ".json":
            write_atomic(output.path, gradebooks.json_lines(handback.with_roster(run.rows, back, run.kata), run.kata))
        else:
            write_atomic(output.path, gradebooks.COHORT[output.kind](run.rows, run.kata, run.layout))
            lines += _without_roster(run.layout, output, run.kata)
    if feedback_dir is not None:
        for row in run.rows:
            write_atomic(feedback_dir / f"{names[row.student]}.txt", feedback_text(row.result))
    if back.feedback_zip is not None:
        written, without = handback.write_feedback_zip(run.rows, run.layout, back.feedback_zip, names)
        lines += ["", f"feedback zip {back.feedback_zip.name}: {written} feedback file{'s' * (written != 1)}"
                  + (f"; {len(without)} students submitted no file to attach one to: "
                     + handback.listed(without) if without else "")]
    return lines


def _students(run: CohortRun) -> list:
    """Every row's key, in order, without reading the results (:class:`~grader.cohort.run.JournalRows`)."""
    return [student for student, _ in run.rows.order]


def _unattributed(run: CohortRun) -> list:
    """The summary's list of the files no student could be found for: each is an error row of its own."""
    strays = [student for student, identity in run.rows.order if identity and identity.get("unattributed")]
    if not strays:
        return []
    return ["", f"{len(strays)} file{'s' * (len(strays) != 1)} of the download no student could be found for "
                "(error rows of their own, in no LMS file): " + handback.listed(strays)]


def _without_roster(layout: str, output: Output, kata) -> list:
    """What an LMS does with the file kata writes when it has no export to fill (docs/PLATFORMS.md)."""
    if output.kind != ".csv" or layout not in lms.GRADEBOOKS:
        return []
    effect = {"canvas": f"Canvas makes a new assignment '{lms.assignment(kata)}' of it",
              "moodle": f"Moodle takes a grade only up to the assignment's maximum grade: set it to "
                        f"{kata.max_score:g} points (Moodle's default is 100)",
              "blackboard": "Blackboard makes a new text column worth 0 points of it"}[layout]
    return ["", f"{output.path.name}: {effect}; to fill the assignment's own column, scaled to its points, pass "
                "the gradebook the LMS exports with --roster"]
