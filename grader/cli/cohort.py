"""The instructor's commands: grade a cohort, its report, similar pairs."""

from __future__ import annotations

import os
from pathlib import Path

import click

from .. import settings
from ..cohort import archive, cluster, layouts, summary
from ..cohort import run as cohort
from ..cohort.changes import changes
from ..cohort.handback import Handback
from ..cohort.outputs import (
    FOLDER_FORMATS,
    Output,
    check_layout,
    check_writable,
    inside,
    parse_outputs,
    write_outputs,
)
from ..cohort.report import build as cohort_report
from ..cohort.report import plots, similarity
from ..core.files import RunFolder, write_atomic
from ..platforms import lms
from ..platforms.roster import MISSING, RosterError
from ..workers.client.launchers import default_mode
from ..workers.inside import protections, sandbox
from .context import Context, KataError

layout_option = click.option("--layout", type=click.Choice(layouts.LAYOUTS), default=None,
                             help="How the LMS named the download (default: detected from the names).")
threshold_option = click.option("--threshold", type=click.FloatRange(0.0, 1.0), default=similarity.THRESHOLD,
                                show_default=True, help="Similarity that flags a pair: the share of the smaller "
                                                        "file's code found in the other.")


@click.command()
@click.argument("kata_id", metavar="ID")
@click.argument("submissions", type=click.Path())
@click.option("--out", "outs", multiple=True, required=True,
              help="Gradebook to write: FILE.csv, FILE.json, FILE.xml (JUnit), or DIR/ with --format. Repeatable.")
@click.option("--format", "folder_format", type=click.Choice(FOLDER_FORMATS), default=None,
              help="What a folder --out holds: one results.json per student for this platform.")
@click.option("--jobs", type=click.IntRange(min=1), default=os.cpu_count() or 1, show_default="the number of cores",
              help="Submissions graded at a time.")
@click.option("--feedback", "feedback_dir", type=click.Path(file_okay=False), default=None,
              help="Write one feedback file per student into this folder.")
@click.option("--force", is_flag=True, help="Grade every submission again, even unchanged ones.")
@click.option("--student", "students", multiple=True, metavar="ID",
              help="Grade this student again, even if unchanged (as the gradebook's student column names them). "
                   "Repeatable.")
@click.option("--seed", type=click.IntRange(min=0), default=None,
              help="Seed for the checks' data (default: the previous run's, else a new one).")
@layout_option
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Grade on the Dask cluster of this scheduler, e.g. tcp://host:8786 (or set KATA_SCHEDULER).")
@click.option("--roster", type=click.Path(dir_okay=False), default=None,
              help="The gradebook your LMS exported (Canvas, Moodle, Blackboard): --out FILE.csv is this file "
                   "with kata's grades filled in, ready to import.")
@click.option("--column", default=None, help="The roster's column to fill: its full header or its name.")
@click.option("--missing", type=click.Choice(MISSING), default="blank", show_default=True,
              help="What a roster student without a submission gets: the cell as exported, or 0.")
@click.option("--feedback-zip", "feedback_zip", type=click.Path(dir_okay=False), default=None,
              help="A zip of feedback files named as your LMS's bulk feedback upload reads them (Canvas, Moodle).")
@click.option("--report", "report_path", type=click.Path(dir_okay=False), default=None, metavar="FILE.html",
              help="Also write the cohort report: one HTML file with plots, misconceptions, changes and similarity.")
@click.pass_obj
def grade(obj: Context, kata_id, submissions, outs, folder_format, jobs, feedback_dir, force, students, seed, layout,
          scheduler, roster, column, missing, feedback_zip, report_path):
    """Grade a folder (or the download zip) of submissions for kata ID into gradebooks."""
    kata = obj.kata(kata_id)
    folder = _submissions_place(submissions)
    if column is not None and roster is None:
        raise KataError("--column names a column of --roster; pass the gradebook your LMS exported with --roster")
    try:
        back = Handback(lms.load_roster(Path(roster).expanduser().resolve(), kata, column) if roster else None,
                        missing, Path(feedback_zip).expanduser().resolve() if feedback_zip else None)
        outputs = parse_outputs(outs, folder_format, folder, back.roster)
    except (cohort.GradeError, RosterError) as exc:
        raise KataError(str(exc)) from None
    feedback = Path(feedback_dir).expanduser().resolve() if feedback_dir else None
    for option, place in (("--feedback", feedback), ("--feedback-zip", back.feedback_zip)):
        if place is not None:
            _outside_submissions(place, folder, option)
    try:
        report_output = _report_output(report_path, folder)
        check_writable(outputs + report_output, feedback, back.feedback_zip)
        _grade_into(obj, kata, folder, outputs + report_output, feedback, back, jobs, (force, students), seed, layout,
                    scheduler)
    except (cohort.GradeError, cluster.ClusterError, archive.DownloadError) as exc:
        raise KataError(str(exc)) from None


def _grade_into(obj, kata, folder, outputs, feedback, back, jobs, regrade, seed, layout, scheduler) -> None:
    scheduler = scheduler or settings.setting("KATA_SCHEDULER") or None
    if scheduler:
        where = f"on the Dask cluster at {scheduler}"
    else:
        plan = sandbox.probe()
        lacking = protections.missing(plan, default_mode())
        where = f"with {jobs} job{'s' if jobs != 1 else ''}; {protections.summary(plan, default_mode())}"
    try:
        with cohort.GradingRun(obj.manifest, kata, folder, jobs=jobs, force=regrade[0], students=regrade[1],
                               seed=seed, layout=layout, scheduler=scheduler) as grading:  # one run per journal
            check_layout(back, grading.layout)
            if grading.client is not None:
                lacking = cluster.missing_protections(grading.client)
                where += "; its workers " + (f"lack: {', '.join(lacking)} (see kata doctor there)" if lacking
                                             else "have every protection")
            click.echo(f"grading kata {kata.id} in {folder} ({grading.layout} layout) {where}", err=True)
            run = grading.grade()
            notes = write_outputs(run, [o for o in outputs if o.kind != ".html"], feedback, back)
            changed = changes(run.journal)
            for output in (o for o in outputs if o.kind == ".html"):
                cohort_report.write_report(output.path, obj.manifest, run, grading.source, grading.folder.path,
                                           changes=changed)
            for line in summary.summary_lines(run.rows, run.seed, run.graded, run.reused, changed,
                                              lacking) + notes:
                click.echo(line)
    except KeyboardInterrupt:
        raise click.ClickException("interrupted: every result so far is journaled; run the same command "
                                   "again to grade only what is missing") from None
    for output in outputs:
        click.echo(f"wrote {output.path}{'/' if output.kind in FOLDER_FORMATS else ''}")


def _report_output(report_path, folder: Path, option: str = "--report") -> list:
    """``--report`` as a one-item list of outputs (none without it); its libraries are checked before grading."""
    if report_path is None:
        return []
    try:
        plots.require()
    except plots.ReportUnavailable as exc:
        raise KataError(str(exc)) from None
    return [_html_place(report_path, folder, option)]


def _html_place(text: str, folder: Path, option: str) -> Output:
    path = Path(text).expanduser().resolve()
    _outside_submissions(path, folder, f"{option} {text}")
    if path.suffix.lower() not in (".html", ".htm"):
        raise KataError(f"{option} {text}: the report is an HTML file; name it with .html")
    return Output(path, ".html")


@click.command("report")
@click.argument("kata_id", metavar="ID")
@click.argument("submissions", type=click.Path())
@click.option("--out", "out", type=click.Path(dir_okay=False), default="report.html", show_default=True,
              metavar="FILE.html", help="The report to write.")
@threshold_option
@layout_option
@click.pass_obj
def report_command(obj: Context, kata_id, submissions, out, threshold, layout):
    """Write the cohort report of kata ID's last grading of SUBMISSIONS, from its journal (grades nothing)."""
    kata = obj.kata(kata_id)
    folder = _submissions_place(submissions)
    output = _report_output(out, folder, "--out")
    try:
        check_writable(output, None)
        with cohort.hold(obj.manifest, kata, folder), RunFolder("report") as scratch:
            source = archive.open_download(folder, scratch.path)
            run, stale, changed = cohort_report.from_journal(obj.manifest, kata, folder, source,
                                                             layout or layouts.detect(source), scratch.path)
            cohort_report.write_report(output[0].path, obj.manifest, run, source, scratch.path, changes=changed,
                                       threshold=threshold, stale=stale)
    except (cohort.GradeError, archive.DownloadError) as exc:
        raise KataError(str(exc)) from None
    if stale:
        click.echo(f"{len(stale)} submission{'s' if len(stale) != 1 else ''} changed since the last kata grade "
                   "and left out: run kata grade to include them", err=True)
    click.echo(f"wrote {output[0].path}")


@click.command("similar")
@click.argument("kata_id", metavar="ID")
@click.argument("submissions", type=click.Path())
@click.option("--out", "out", type=click.Path(dir_okay=False), required=True, metavar="FILE.csv",
              help="The pairs to write, most similar first.")
@threshold_option
@layout_option
@click.pass_obj
def similar_command(obj: Context, kata_id, submissions, out, threshold, layout):
    """Pairs of submissions for kata ID more alike than independent work, as CSV (grades nothing)."""
    kata = obj.kata(kata_id)
    folder = _submissions_place(submissions)
    path = Path(out).expanduser().resolve()
    _outside_submissions(path, folder, f"--out {out}")
    try:
        with RunFolder("similar") as scratch:
            source = archive.open_download(folder, scratch.path)
            pairs, clusters, _ = cohort_report.pairs_for(obj.manifest, kata, source, layout or layouts.detect(source),
                                                         scratch.path, threshold)
    except (similarity.SimilarityUnavailable, archive.DownloadError) as exc:
        raise KataError(str(exc)) from None
    write_atomic(path, cohort_report.pairs_csv(pairs))
    click.echo(f"{len(pairs)} pair{'s' if len(pairs) != 1 else ''} at or above {threshold:.0%} similarity in "
               f"{len(clusters)} group{'s' if len(clusters) != 1 else ''} (a reason to read them, not proof "
               f"of copying); wrote {path}")


def _outside_submissions(path: Path, folder: Path, option: str) -> None:
    """A KataError if ``path`` (named ``option`` in the message) is inside the submissions ``folder``."""
    if inside(path, folder):
        raise KataError(f"{option} is inside the submissions folder, which kata never writes to; "
                        "choose another place")


def _submissions_place(submissions: str) -> Path:
    """The submissions as ``kata grade`` takes them: a folder, or the download zip."""
    folder = Path(submissions).expanduser().resolve()
    if not (folder.is_dir() or archive.is_zip(folder)):
        what = "is neither a folder nor a .zip" if folder.exists() else "does not exist"
        raise KataError(f"submissions {submissions} {what}; pass the folder holding one entry per student, "
                        "or the zip your LMS's download gave")
    return folder
