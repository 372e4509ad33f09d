"""The ``kata`` command line: options, then one function call per command."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from . import cohort, hints, report, settings, verify as verify_mod, watch as watch_mod, workspace
from .workers import sandbox
from .workers.launchers import default_mode
from .grading import Grader, new_seed
from .manifest import ManifestError


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
        return False if self.no_color or os.environ.get("NO_COLOR") else None

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


@click.group()
@click.option("--root", type=click.Path(file_okay=False), default=None,
              help="Folder holding kata.yaml (default: search upwards; or set KATA_ROOT).")
@click.option("--no-color", is_flag=True, help="No colour (also: NO_COLOR, or output that is not a terminal).")
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
@click.option("--file", "file_path", type=click.Path(dir_okay=False), default=None,
              help="Grade this file instead of the kata's learner file.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object and nothing else.")
@click.option("--verbose", "-v", is_flag=True, help="Also show what your code printed.")
@click.option("--seed", type=click.IntRange(min=0), default=None,
              help="Seed for the checks' random data (default: a new one each run, printed).")
@click.pass_obj
def check(obj: Context, kata_id, file_path, as_json, verbose, seed):
    """Grade your solution to kata ID."""
    kata = obj.kata(kata_id)
    path = Path(file_path).resolve() if file_path else kata.learner_path
    if not path.exists():
        restore = "" if file_path else f"; restore the stub from {kata.shown_shipped()}"
        raise KataError(f"{path} does not exist{restore}")
    with Grader(obj.manifest) as grader:
        result = grader.grade(kata, path, new_seed() if seed is None else seed)
    _record(obj, kata, path, result)
    if as_json:
        click.echo(report.to_json(result))
    else:
        _show(obj, result, verbose)
    raise SystemExit(0 if result.full_marks else 1)


def _record(obj: Context, kata, path: Path, result) -> None:
    workspace.State(obj.manifest.root).record_result(kata, path, result)


def _show(obj: Context, result, verbose: bool) -> None:
    for line in report.check_lines(result, verbose, style=click.style):
        click.echo(line, color=obj.colour)


@main.command("verify")
@click.argument("kata_id", metavar="[ID]", required=False)
@click.pass_obj
def verify_command(obj: Context, kata_id):
    """Check the katas: stubs score zero, solutions full marks, every check has a hint."""
    katas = [obj.kata(kata_id)] if kata_id else list(obj.manifest.katas)
    with Grader(obj.manifest) as grader:
        verdicts = verify_mod.verify(obj.manifest, katas, grader)
    stray = [] if kata_id else verify_mod.orphans(obj.manifest)
    for verdict in verdicts:
        summary = f"{len(verdict.kata.checks)} checks, {report.points(verdict.kata.max_score)} points"
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
@click.argument("submissions", type=click.Path(file_okay=False))
@click.option("--out", "outs", multiple=True, required=True,
              help="Gradebook to write: FILE.csv, FILE.json, FILE.xml (JUnit), or DIR/ with --format. Repeatable.")
@click.option("--format", "folder_format", type=click.Choice(cohort.FOLDER_FORMATS), default=None,
              help="What a folder --out holds: one results.json per student for this platform.")
@click.option("--jobs", type=click.IntRange(min=1), default=os.cpu_count() or 1, show_default="the number of cores",
              help="Submissions graded at a time.")
@click.option("--feedback", "feedback_dir", type=click.Path(file_okay=False), default=None,
              help="Write one feedback file per student into this folder.")
@click.option("--force", is_flag=True, help="Grade every submission again, even unchanged ones.")
@click.option("--seed", type=click.IntRange(min=0), default=None,
              help="Seed for the checks' data (default: the previous run's, else a new one).")
@click.pass_obj
def grade(obj: Context, kata_id, submissions, outs, folder_format, jobs, feedback_dir, force, seed):
    """Grade a folder of submissions for kata ID into gradebooks."""
    kata = obj.kata(kata_id)
    folder = Path(submissions).expanduser().resolve()
    if not folder.is_dir():
        raise KataError(f"submissions folder {submissions} does not exist; pass the folder holding one entry per student")
    try:
        outputs = cohort.parse_outputs(outs, folder_format, folder)
    except cohort.GradeError as exc:
        raise KataError(str(exc)) from None
    feedback = Path(feedback_dir).expanduser().resolve() if feedback_dir else None
    if feedback is not None and (feedback == folder or folder in feedback.parents):
        raise KataError("--feedback is inside the submissions folder, which kata never writes to; choose another place")
    click.echo(f"grading kata {kata.id} in {folder} with {jobs} job{'s' if jobs != 1 else ''}; "
               f"{sandbox.summary(sandbox.probe(), default_mode())}", err=True)
    try:
        run = cohort.grade_cohort(obj.manifest, kata, folder, jobs=jobs, force=force, seed=seed)
    except KeyboardInterrupt:
        raise click.ClickException("interrupted: every result so far is journaled; run the same command "
                                   "again to grade only what is missing") from None
    cohort.write_outputs(run, outputs, feedback)
    for line in report.summary_lines(run.rows, run.seed, run.graded, run.reused):
        click.echo(line)
    for output in outputs:
        click.echo(f"wrote {output.path}{'/' if output.kind in cohort.FOLDER_FORMATS else ''}")


@main.command()
def doctor():
    """Show which protections learner code runs under on this machine."""
    mode = default_mode()
    plan = sandbox.probe()
    how = ("fork server: workers are forked from a pre-warmed process" if mode == "fork"
           else "subprocess: each worker is a new Python process")
    click.echo(f"workers: {how} (KATA_WORKER={mode})")
    for name, active, detail in sandbox.describe(plan, mode):
        click.echo(f"  [{'on ' if active else 'off'}] {name:<52} {detail}")
    click.echo(sandbox.summary(plan, mode))


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
    entry = state.get(kata.id)
    target = function or hints.default_target(kata, entry, available)
    if target not in available:
        known = ", ".join(available) or "none"
        raise KataError(f"kata {kata.id} has no hints for '{target}'; functions with hints: {known}")
    unlocked = hints.unlock(entry, target, len(available[target]))
    state.katas[kata.id] = entry
    state.save()
    if level is not None and level > unlocked:
        click.echo(f"level {level} of {target} unlocks after another failed check of {target}: "
                   f"fix what you can, run 'kata check {kata.id}', then ask again (level {unlocked} is unlocked)")
        raise SystemExit(1)
    shown = [level] if level else range(1, unlocked + 1)
    for number in shown:
        click.echo(f"{target}, hint {number}/{len(available[target])}: {available[target][number - 1]}")
    if unlocked < len(available[target]) and not level:
        click.echo(f"(the next hint unlocks after another failed check of {target})")


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
@click.option("--interval", type=click.FloatRange(min=0.05), default=0.5, show_default=True,
              help="Seconds between looks when polling.")
@click.option("--max-checks", type=click.IntRange(min=1), default=None, hidden=True)
@click.pass_obj
def watch(obj: Context, kata_id, interval, max_checks):
    """Check kata ID again every time you save your file."""
    kata = obj.kata(kata_id)

    def show(result, how):
        _record(obj, kata, kata.learner_path, result)
        if sys.stdout.isatty():
            click.clear()
        _show(obj, result, verbose=False)
        click.echo(f"watching {kata.learner_path.name} ({how}); Ctrl-C to stop", err=True)
        sys.stdout.flush()

    with Grader(obj.manifest) as grader:
        try:
            watch_mod.run(lambda: grader.grade(kata, kata.learner_path, new_seed()), kata.learner_path,
                          show, interval, max_checks)
        except KeyboardInterrupt:
            click.echo("stopped watching", err=True)
