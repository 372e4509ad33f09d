"""The ``kata`` command line: options, then one function call per command.

Commands live by whom they serve: :mod:`.learner` (list, progress, check,
hint, reset, watch), :mod:`.cohort` (grade, report, similar), :mod:`.authors`
(verify, new, export) and :mod:`.doctor`; :mod:`.context` holds what they share.
"""

from __future__ import annotations

import os
import sys

import click

from .. import settings
from . import authors, cohort, doctor, learner
from .context import NO_COLOR_HELP, ROOT_HELP, Context, KataError, KataGroup


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


for command in (learner.list_command, learner.progress, learner.check, learner.hint, learner.reset, learner.watch,
                cohort.grade, cohort.report_command, cohort.similar_command,
                authors.verify_command, authors.new_command, authors.export_group, doctor.doctor):
    main.add_command(command)


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
