"""The learner's commands: list, progress, check, hint, reset, watch."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..core.grading import Grader, new_seed
from ..core.manifest import ManifestError
from ..core.results import fault_of_kata
from ..learner import hints, live, report, workspace
from ..learner import watch as watch_mod
from .context import Context, KataError


@click.command("list")
@click.pass_obj
def list_command(obj: Context):
    """List the katas with your last score on each."""
    state = workspace.State(obj.manifest.root)
    for kata in obj.manifest.katas:
        click.echo(f"{kata.id:<8} {kata.title:<40} {state.progress_line(kata.id, kata.max_score)}")


@click.command()
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


@click.command()
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
        return fault_of_kata(kata.id, worth, f"internal grading error: {type(exc).__name__}: {exc}", seed)


def _functions(kata, names) -> set | None:
    """The functions named on the command line, or None for all; an unknown name is a usage error."""
    unknown = [n for n in names if n not in kata.targets]
    if unknown:
        raise KataError(f"kata {kata.id} has no function '{unknown[0]}'; its functions: {', '.join(kata.targets)}")
    return set(names) or None


@click.command()
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
        click.echo(hints.locked_note(target))


@click.command()
@click.argument("kata_id", metavar="ID")
@click.pass_obj
def reset(obj: Context, kata_id):
    """Restore kata ID's stub as shipped, keeping your version as a backup."""
    kata = obj.kata(kata_id)
    for line in workspace.restore_stub(kata, obj.manifest.root):
        click.echo(line)


@click.command()
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
