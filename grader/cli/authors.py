"""The authors' commands: verify, new, and export (Gradescope's autograder, the learners' copy)."""

from __future__ import annotations

from pathlib import Path

import click

from ..authoring import export as export_mod
from ..authoring import new as authoring
from ..authoring import verify as verify_mod
from ..core.grading import Grader
from ..core.show import points
from ..platforms import gradescope
from .context import Context, KataError


@click.command("verify")
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


@click.group("export")
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


@click.command("new")
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
