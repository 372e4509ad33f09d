"""The cohort report and the similarity pairs: inputs gathered, sections built, files written.

``kata grade --report`` builds the report from the rows the run just wrote;
``kata report`` from the journal alone, grading nothing; ``kata similar``
writes the similarity pairs as CSV without grading. Each reads the learner
files of the submissions folder again (as :mod:`grader.cohort.submissions` finds them)
for the similarity section: nothing of them runs here, they are read as text.
"""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from ...core import diagnose
from ...core.files import write_atomic
from ...core.manifest import Kata, Manifest
from ..changes import changes
from ..inputs import grade_inputs
from ..journal import Journal
from ..run import CohortRun, GradeError, JournalRows, _identity, journal_path
from ..submissions import discover
from . import page as html_report
from . import similarity
from .model import collect

SOURCE_CAP = 200_000
"""Characters of one learner file compared and shown (a file past this is cut, and says so)."""


def learner_sources(manifest: Manifest, kata: Kata, folder: Path, layout: str, scratch: Path) -> dict:
    """``{student: learner file as text}`` for every student whose entry has one (notebooks: their code cells)."""
    relative = kata.learner_path.relative_to(manifest.root).as_posix()
    scratch = Path(tempfile.mkdtemp(prefix="sources-", dir=scratch))  # zips unpack afresh, beside the run's own
    sources = {}
    for sub in discover(folder, kata.files[0], relative, scratch, layout):
        if sub.error or sub.path is None:
            continue
        try:
            sources[sub.student] = _source_text(Path(sub.path))
        except Exception:  # noqa: BLE001 - unreadable here means ungradable there: the error row says why
            continue
    return sources


def _source_text(path: Path) -> str:
    if path.suffix.lower() == ".ipynb":
        import nbformat

        from ...core.ipynb import cell_source

        document = nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)
        cells = [cell_source(str(c.get("source", ""))) for c in document.get("cells", []) if c.get("cell_type") == "code"]
        text = "\n\n".join(c for c in cells if c)
    else:
        text = path.read_bytes()[:SOURCE_CAP * 4].decode("utf-8", "replace")
    return text if len(text) <= SOURCE_CAP else text[:SOURCE_CAP] + "\n# ... (cut by kata: the file is longer)\n"


def starting_code(kata: Kata) -> list:
    """What every learner starts from: the stub as shipped and the lesson's code blocks."""
    texts = []
    for name in kata.files:
        shipped = kata.shipped(name)
        if shipped.is_file() and shipped.suffix == ".py":
            texts.append(shipped.read_text(encoding="utf-8"))
    return texts + similarity.lesson_code(kata.folder / "README.md")


def pairs_for(manifest: Manifest, kata: Kata, folder: Path, layout: str, scratch: Path,
              threshold: float = similarity.THRESHOLD):
    """``(pairs, clusters, sources)`` of the submissions in ``folder``."""
    sources = learner_sources(manifest, kata, folder, layout, scratch)
    pairs = similarity.similar_pairs(similarity.Cohort(sources, starting_code(kata)), threshold)
    return pairs, similarity.clusters(pairs), sources


def pairs_csv(pairs: list) -> str:
    """``first,second,similarity,first_share,second_share,shared_tokens``, most similar first."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["first", "second", "similarity", "first_share", "second_share", "shared_tokens"])
    for pair in pairs:
        writer.writerow([_cell(pair.first), _cell(pair.second), f"{pair.similarity:.3f}", f"{pair.shares[0]:.3f}",
                         f"{pair.shares[1]:.3f}", pair.tokens])
    return out.getvalue()


def _cell(value: str) -> str:
    from ...core.show import spreadsheet_cell

    return spreadsheet_cell(value)


def misconception_names(kata: Kata) -> dict:
    """``{explanation: misconception name}`` of the kata's misconceptions, to label the tallies."""
    try:
        return {item.explanation: item.name.replace("_", " ") for item in diagnose.load(kata.misconception_folder)}
    except Exception:  # noqa: BLE001 - a label is a bonus: the explanation is shown either way
        return {}


def build(manifest: Manifest, run: CohortRun, folder: Path, scratch: Path, *, changes=(),
          threshold: float = similarity.THRESHOLD, stale: list = ()) -> str:
    """The report page of ``run`` (its rows are read once)."""
    kata = run.kata
    view = collect(run.rows, kata, run.seed)
    pairs, clusters, sources = pairs_for(manifest, kata, folder, run.layout, scratch, threshold)
    return html_report.render(view, pairs=pairs, clusters=clusters, sources=sources, changes=changes,
                              threshold=threshold, names=misconception_names(kata), stale=list(stale),
                              starting=starting_code(kata))


def write_report(path: Path, manifest: Manifest, run: CohortRun, folder: Path, scratch: Path, **options) -> None:
    write_atomic(path, build(manifest, run, folder, scratch, **options))


def from_journal(manifest: Manifest, kata: Kata, submissions: Path, source: Path, layout: str, scratch: Path):
    """``(run, stale, changes)``: the journal's rows for the submissions as they are now, grading nothing.

    ``submissions``: what ``kata grade`` was given (a folder or the download zip), which names the
    journal; ``source``: the folder its entries are read from (the zip unpacked). ``stale``: students
    whose submission changed (or came in) since it was graded, or whose row kata itself must grade
    again; they are left out of the rows. Call it within :func:`grader.cohort.run.hold`.
    """
    path = journal_path(manifest, kata, submissions)
    if not path.is_file():
        raise GradeError(f"no kata grade of kata {kata.id} has graded {submissions} yet: run "
                         f"kata grade {kata.id} {submissions} --out FILE first")
    journal = Journal(path)
    checks = grade_inputs(manifest, kata, journal.seed)
    relative = kata.learner_path.relative_to(manifest.root).as_posix()
    order, stale = [], []
    for sub in discover(source, kata.files[0], relative, scratch, layout):
        if journal.lookup(sub.student, sub.digest, checks):
            order.append((sub.student, _identity(sub)))
        else:
            stale.append(sub.student)
    run = CohortRun(kata, journal.seed, layout, JournalRows(journal, order), journal=journal)
    return run, stale, changes(journal)

