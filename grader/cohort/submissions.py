"""Every student's submission in a download: the layout says whose each file is, each entry is read alone."""

from __future__ import annotations

from pathlib import Path

from ..core.names import display
from ..core.submission import read_entry
from . import layouts


def discover(folder: Path, learner_file: str, relative_path: str, scratch: Path, layout: str | None = None):
    """One :class:`Submission` per student, in order of student key, read one at a time.

    ``layout``: how the LMS named the download (:mod:`grader.cohort.layouts`);
    detected when not given. Nothing one entry holds can stop the others: any
    failure while reading, hashing or unpacking an entry becomes that
    student's error, and the error names the student. A generator: a caller
    that keeps only what it needs of each submission does not hold them all.
    """
    for entry in layouts.entries(folder, layout or layouts.detect(folder)):
        sub = read_entry(entry, learner_file, relative_path, scratch, folder)
        sub.student_id, sub.name = entry.student_id, display(entry.name)
        sub.late, sub.superseded = entry.late, list(entry.superseded)
        sub.feedback_name, sub.unattributed = display(entry.feedback_name), entry.unattributed
        yield sub
