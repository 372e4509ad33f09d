"""kata doctor: what this machine gives kata and the learner code it runs."""

from __future__ import annotations

import click

from .. import settings
from ..workers.client.launchers import default_mode
from ..workers.inside import protections, sandbox
from .context import KataError


@click.command()
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
