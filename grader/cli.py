"""The ``kata`` command line: options, then one function call per command."""

from __future__ import annotations

import errno
import os
import sys
from pathlib import Path

import click

from . import settings
from .authoring import export as export_mod
from .authoring import new as authoring
from .authoring import verify as verify_mod
from .cohort import archive, cluster, layouts, summary
from .cohort import run as cohort
from .cohort.changes import changes
from .cohort.handback import Handback
from .cohort.outputs import (
    FOLDER_FORMATS,
    Output,
    check_layout,
    check_writable,
    parse_outputs,
    write_outputs,
)
from .cohort.report import build as cohort_report
from .cohort.report import plots, similarity
from .core.files import RunFolder, write_atomic
from .core.grading import Grader, new_seed
from .core.manifest import ManifestError
from .core.results import error_result
from .core.runner import ChecksBroken
from .core.show import points
from .learner import hints, live, report, workspace
from .learner import watch as watch_mod
from .platforms import gradescope, lms
from .platforms.roster import MISSING, RosterError
from .workers.client.launchers import WorkerStartError, default_mode
from .workers.inside import protections, sandbox


class KataError(click.ClickException):
    """A usage or configuration error: one line, exit status 2."""

    exit_code = 2


class Context:
    """What every command needs: the workspace root and its manifest, loaded lazily."""

    def __init__(self, root_option: str | None, no_color: bool = False):
        self.root_option = root_option
        self.no_color = no_color
        self._manifest = None

    @property
    def colour(self) -> bool | None:
        """False to strip colour; None lets click decide (colour only on a terminal)."""
        return False if self.no_color or settings.setting("NO_COLOR") else None

    @property
    def manifest(self):
        if self._manifest is None:
            try:
                self._manifest = workspace.load_manifest(workspace.find_root(self.root_option))
            except (workspace.WorkspaceError, ManifestError) as exc:
                raise KataError(str(exc)) from None
        return self._manifest

    def kata(self, kata_id: str):
        kata = self.manifest.get(kata_id)
        if kata is None:
            raise KataError(f"no kata '{kata_id}' in kata.yaml; run 'kata list' to see the ids")
        return kata


def entry() -> None:
    """The ``kata`` console script: run a command, then exit without interpreter teardown.

    Every file kata writes is complete and closed when a command returns; what
    remains is unloading numpy and scipy, about 0.1 s for nothing.
    """
    try:
        main(prog_name="kata")
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


ROOT_HELP = "Folder holding kata.yaml (default: search upwards; or set KATA_ROOT)."
NO_COLOR_HELP = "No colour (also: NO_COLOR, or output that is not a terminal)."


def _late_root(ctx, _param, value):
    if value is not None:
        ctx.find_object(Context).root_option = value


def _late_no_color(ctx, _param, value):
    if value:
        ctx.find_object(Context).no_color = True


STORAGE_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS}
"""A disk that is full, a quota or file size reached, a read-only file system: one line, not a traceback."""


class KataGroup(click.Group):
    """Every command also takes ``--root`` and ``--no-color`` after its name; broken checks are one line."""

    def add_command(self, cmd, name=None):
        cmd.params += [click.Option(["--root"], type=click.Path(file_okay=False), default=None, expose_value=False,
                                    callback=_late_root, help=ROOT_HELP),
                       click.Option(["--no-color"], is_flag=True, expose_value=False, callback=_late_no_color,
                                    help=NO_COLOR_HELP)]
        super().add_command(cmd, name)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except ChecksBroken as exc:
            raise KataError(str(exc)) from None
        except WorkerStartError as exc:
            raise KataError(f"kata could not start a worker: {exc}; the machine is out of processes "
                            "or memory: try again when it has room") from None
        except OSError as exc:
            if exc.errno in STORAGE_ERRORS:
                where = f" {exc.filename}" if exc.filename else ""
                raise KataError(f"cannot write{where}: {exc.strerror}; make room there and run the command again "
                                "(what kata wrote before is kept, and graded work is not graded again)") from None
            if exc.filename:  # a file or folder the machine refused: say which, not a traceback
                raise KataError(f"{exc.strerror}: {exc.filename}") from None
            raise


@click.group(cls=KataGroup)
@click.option("--root", type=click.Path(file_okay=False), default=None, help=ROOT_HELP)
@click.option("--no-color", is_flag=True, help=NO_COLOR_HELP)
@click.version_option(package_name="kata")
@click.pass_context
def main(ctx, root, no_color):
    """kata: numeric Python katas with hidden checks that run your code in isolation."""
    try:
        settings.check_settings()
    except settings.SettingError as exc:
        raise KataError(str(exc)) from None
    ctx.obj = Context(root, no_color)


@main.command("list")
@click.pass_obj
def list_command(obj: Context):
    """List the katas with your last score on each."""
    state = workspace.State(obj.manifest.root)
    for kata in obj.manifest.katas:
        click.echo(f"{kata.id:<8} {kata.title:<40} {state.progress_line(kata.id, kata.max_score)}")


@main.command()
@click.pass_obj
def progress(obj: Context):
    """Your status on each kata: not started, in progress (best score), done."""
    state = workspace.State(obj.manifest.root)
    done = 0
    for kata in obj.manifest.katas:
        line = state.progress_line(kata.id, kata.max_score)
        done += line.startswith("done")
        colour = "green" if line.startswith("done") else ("yellow" if line.startswith("in") else None)
        click.echo(f"{kata.id:<8} {kata.title:<40} " + click.style(line, fg=colour), color=obj.colour)
    click.echo(f"{done} of {len(obj.manifest.katas)} katas done")


@main.command()
@click.argument("kata_id", metavar="ID")
@click.argument("functions", nargs=-1, metavar="[FUNCTION]...")
@click.option("--all", "everything", is_flag=True, help="Show every check and every failure in full.")
@click.option("--file", "file_path", type=click.Path(dir_okay=False), default=None,
              help="Grade this file instead of the kata's learner file.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object and nothing else.")
@click.option("--verbose", "-v", is_flag=True, help="Also show what your code printed.")
@click.option("--seed", type=click.IntRange(min=0), default=None,
              help="Seed for the checks' random data (default: a new one each run, printed).")
@click.pass_obj
def check(obj: Context, kata_id, functions, everything, file_path, as_json, verbose, seed):
    """Grade your solution to kata ID (only FUNCTION's checks, if given)."""
    kata = obj.kata(kata_id)
    only = _functions(kata, functions)
    path = Path(file_path).resolve() if file_path else kata.learner_path
    if not path.exists():
        restore = "" if file_path else f"; restore the stub from {kata.shown_shipped()}"
        raise KataError(f"{path} does not exist{restore}")
    seed = new_seed() if seed is None else seed
    with Grader(obj.manifest) as grader:
        grader.suite(kata)  # a check file that does not load is one line, before any report starts
        if as_json:
            result = _grade_for_json(grader, kata, path, seed, only)
            click.echo(report.to_json(result))
        else:
            result, _ = live.run_check(obj.colour, grader, kata, path, seed, only, everything=everything, verbose=verbose)
    live.record(obj.manifest.root, kata, path, result, only)
    raise SystemExit(0 if result.full_marks else 1)


def _grade_for_json(grader, kata, path, seed, only):
    """The result ``kata check --json`` prints: even a bug of kata's is a JSON object, never a traceback."""
    try:
        return grader.grade(kata, path, seed, only=only)
    except Exception as exc:  # noqa: BLE001 - the one promise of --json is JSON
        worth = float(sum(c.points for c in kata.checks if only is None or c.target in only))
        return error_result(kata.id, worth, f"internal grading error: {type(exc).__name__}: {exc}", seed, retry=True)


def _functions(kata, names) -> set | None:
    """The functions named on the command line, or None for all; an unknown name is a usage error."""
    unknown = [n for n in names if n not in kata.targets]
    if unknown:
        raise KataError(f"kata {kata.id} has no function '{unknown[0]}'; its functions: {', '.join(kata.targets)}")
    return set(names) or None


@main.command("verify")
@click.argument("kata_id", metavar="[ID]", required=False)
@click.pass_obj
def verify_command(obj: Context, kata_id):
    """Check the katas: stubs score zero, solutions full marks, every check has a hint."""
    _authors_workspace(obj, "verify")
    katas = [obj.kata(kata_id)] if kata_id else list(obj.manifest.katas)
    with Grader(obj.manifest) as grader:
        verdicts = verify_mod.verify(obj.manifest, katas, grader)
    stray = [] if kata_id else verify_mod.orphans(obj.manifest)
    for verdict in verdicts:
        count, worth = len(verdict.kata.checks), verdict.kata.max_score
        summary = f"{count} check{'s' if count != 1 else ''}, {points(worth)} point{'s' if worth != 1 else ''}"
        click.echo(f"{'ok  ' if verdict.ok else 'FAIL'}  {verdict.kata.id}  {verdict.kata.title} ({summary})")
        for problem in verdict.problems:
            click.echo(f"      - {problem}")
        for note in verdict.notes:
            click.echo(f"      note: {note}")
    for line in stray:
        click.echo(f"FAIL  {line}")
    raise SystemExit(0 if all(v.ok for v in verdicts) and not stray else 1)


@main.command()
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
@click.option("--layout", type=click.Choice(layouts.LAYOUTS), default=None,
              help="How the LMS named the download (default: detected from the names).")
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
        if place is not None and (place == folder or folder in place.parents):
            raise KataError(f"{option} is inside the submissions folder, which kata never writes to; "
                            "choose another place")
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
            for output in (o for o in outputs if o.kind == ".html"):
                cohort_report.write_report(output.path, obj.manifest, run, grading.source, grading.folder.path,
                                           changes=changes(run.journal))
            for line in summary.summary_lines(run.rows, run.seed, run.graded, run.reused, changes(run.journal),
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
    if path == folder or folder in path.parents:
        raise KataError(f"{option} {text} is inside the submissions folder, which kata never writes to; "
                        "choose another place")
    if path.suffix.lower() not in (".html", ".htm"):
        raise KataError(f"{option} {text}: the report is an HTML file; name it with .html")
    return Output(path, ".html")


@main.command("report")
@click.argument("kata_id", metavar="ID")
@click.argument("submissions", type=click.Path())
@click.option("--out", "out", type=click.Path(dir_okay=False), default="report.html", show_default=True,
              metavar="FILE.html", help="The report to write.")
@click.option("--threshold", type=click.FloatRange(0.0, 1.0), default=similarity.THRESHOLD, show_default=True,
              help="Similarity that flags a pair: the share of the smaller file's code found in the other.")
@click.option("--layout", type=click.Choice(layouts.LAYOUTS), default=None,
              help="How the LMS named the download (default: detected from the names).")
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


@main.command("similar")
@click.argument("kata_id", metavar="ID")
@click.argument("submissions", type=click.Path())
@click.option("--out", "out", type=click.Path(dir_okay=False), required=True, metavar="FILE.csv",
              help="The pairs to write, most similar first.")
@click.option("--threshold", type=click.FloatRange(0.0, 1.0), default=similarity.THRESHOLD, show_default=True,
              help="Similarity that flags a pair: the share of the smaller file's code found in the other.")
@click.option("--layout", type=click.Choice(layouts.LAYOUTS), default=None,
              help="How the LMS named the download (default: detected from the names).")
@click.pass_obj
def similar_command(obj: Context, kata_id, submissions, out, threshold, layout):
    """Pairs of submissions for kata ID more alike than independent work, as CSV (grades nothing)."""
    kata = obj.kata(kata_id)
    folder = _submissions_place(submissions)
    path = Path(out).expanduser().resolve()
    if path == folder or folder in path.parents:
        raise KataError(f"--out {out} is inside the submissions folder, which kata never writes to; choose another place")
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


def _submissions_place(submissions: str) -> Path:
    """The submissions as ``kata grade`` takes them: a folder, or the download zip."""
    folder = Path(submissions).expanduser().resolve()
    if not (folder.is_dir() or archive.is_zip(folder)):
        what = "is neither a folder nor a .zip" if folder.exists() else "does not exist"
        raise KataError(f"submissions {submissions} {what}; pass the folder holding one entry per student, "
                        "or the zip your LMS's download gave")
    return folder


@main.command()
def doctor():
    """Show kata's dependencies and which protections learner code runs under on this machine."""
    import importlib.metadata

    missing = []
    click.echo("dependencies:")
    for package in map(settings.requirement_name, settings.requirements()):
        try:
            version = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            version = None
            missing.append(package)
        click.echo(f"  [{'ok ' if version else 'off'}] {package:<12} {version or 'not installed: pip install ' + package}")
    mode = default_mode()
    plan = sandbox.probe()
    how = ("fork server: workers are forked from a pre-warmed process" if mode == "fork"
           else "subprocess: each worker is a new Python process")
    click.echo(f"workers: {how} (KATA_WORKER={mode})")
    for name, active, detail in protections.describe(plan, mode):
        click.echo(f"  [{'on ' if active else 'off'}] {name:<60} {detail}")
    click.echo(protections.summary(plan, mode))
    if missing:
        raise KataError(f"missing: {', '.join(missing)}; install with: pip install {' '.join(missing)}")


@main.command()
@click.argument("kata_id", metavar="ID")
@click.argument("function", required=False)
@click.option("--level", type=click.IntRange(min=1), default=None, help="Show this level (if unlocked).")
@click.pass_obj
def hint(obj: Context, kata_id, function, level):
    """Progressive hints for kata ID (for FUNCTION, or the first one failing)."""
    kata = obj.kata(kata_id)
    try:
        available = hints.load(kata)
    except ManifestError as exc:
        raise KataError(str(exc)) from None
    state = workspace.State(obj.manifest.root)
    if function is not None and function not in kata.targets:
        raise KataError(f"kata {kata.id} has no function '{function}'; its functions: {', '.join(kata.targets)}")
    target = function or hints.default_target(kata, state.get(kata.id), available)
    title, steps, unlocked = hints.next_hint(kata, state, available, target)
    if not steps:
        known = ", ".join(t for t in kata.targets if hints.ladder(kata, available, t)[1]) or "none"
        raise KataError(f"kata {kata.id} has no hints for '{target}'; functions with hints: {known}")
    if level is not None and level > unlocked:
        click.echo(f"level {level} of {target} unlocks after another failed check of {target}: "
                   f"fix what you can, run 'kata check {kata.id}', then ask again (level {unlocked} is unlocked)")
        raise SystemExit(1)
    shown = [level] if level else range(1, unlocked + 1)
    for number in shown:
        click.echo(f"{title}, hint {number}/{len(steps)}: {steps[number - 1]}")
    if unlocked < len(steps) and not level:
        click.echo(hints.locked_note(kata, target))


@main.group("export")
def export_group():
    """Build what another platform needs to grade a kata."""


@export_group.command("gradescope")
@click.argument("kata_id", metavar="ID")
@click.option("--out", "out", type=click.Path(dir_okay=False), default="autograder.zip", show_default=True,
              help="The zip to write.")
@click.pass_obj
def export_gradescope(obj: Context, kata_id, out):
    """The autograder zip of kata ID for a Gradescope programming assignment."""
    kata = obj.kata(kata_id)
    path = gradescope.gradescope_zip(obj.manifest, kata, Path(out).expanduser().resolve())
    click.echo(f"wrote {path}: upload it as the autograder of a Gradescope programming assignment "
               f"(setup.sh installs kata; run_autograder grades {kata.files[0]} or the only .py or notebook)")


@export_group.command("workspace")
@click.argument("kata_ids", nargs=-1, metavar="[ID]...")
@click.option("--out", "out", type=click.Path(), required=True,
              help="A new folder, or a .zip, for the learners' copy.")
@click.pass_obj
def export_workspace(obj: Context, kata_ids, out):
    """The learners' copy of the katas (all, or ID...): no reference solutions; every learner command works in it."""
    katas = [obj.kata(kata_id) for kata_id in dict.fromkeys(kata_ids)] or list(obj.manifest.katas)
    try:
        path = export_mod.learner_copy(obj.manifest, katas, Path(out).expanduser().resolve())
    except export_mod.ExportError as exc:
        raise KataError(str(exc)) from None
    click.echo(f"wrote {path}: {len(katas)} kata{'s' * (len(katas) != 1)} for learners, without the reference "
               "solutions (kata.yaml says solutions: false); its README says how to install kata and start")


def _authors_workspace(obj: Context, command: str) -> None:
    """The authors' commands need the reference solutions: one line in a learner's copy."""
    if not obj.manifest.solutions:
        raise KataError(f"{obj.manifest.path} is a copy without the reference solutions (solutions: false); "
                        f"run kata {command} in the authors' workspace")


@main.command("new")
@click.argument("kata_id", metavar="ID")
@click.option("--title", required=True, help="The kata's title, e.g. \"Expectation maximisation\".")
@click.option("--file", "file_name", required=True, help="The learner's module, e.g. estimators.py.")
@click.pass_obj
def new_command(obj: Context, kata_id, title, file_name):
    """Create kata ID for authors: folder, stub, checks, hints, solution and kata.yaml entry."""
    _authors_workspace(obj, "new")
    try:
        created = authoring.new_kata(obj.manifest, kata_id, title, file_name)
    except authoring.AuthoringError as exc:
        raise KataError(str(exc)) from None
    for path in created:
        click.echo(f"wrote {path.relative_to(obj.manifest.root)}")
    click.echo(f"next: kata verify {kata_id} (it passes now); then replace the example function, "
               f"its check and its hints with the kata's own")


@main.command()
@click.argument("kata_id", metavar="ID")
@click.pass_obj
def reset(obj: Context, kata_id):
    """Restore kata ID's stub as shipped, keeping your version as a backup."""
    kata = obj.kata(kata_id)
    for line in workspace.restore_stub(kata, obj.manifest.root):
        click.echo(line)


@main.command()
@click.argument("kata_id", metavar="ID")
@click.option("--max-checks", type=click.IntRange(min=1), default=None, hidden=True)
@click.pass_obj
def watch(obj: Context, kata_id, max_checks):
    """Check kata ID again every time you save your file; single keys steer (h, n, a, r, q)."""
    kata = obj.kata(kata_id)
    terminal = sys.stdin.isatty() and sys.stdout.isatty()
    with Grader(obj.manifest) as grader:
        grader.suite(kata)
        try:
            watch_mod.run(watch_mod.WatchSession(obj.manifest.root, obj.colour, grader, kata, terminal), kata.learner_path,
                          terminal=terminal, max_runs=max_checks)
        except KeyboardInterrupt:
            pass
    click.echo("stopped watching", err=True)
