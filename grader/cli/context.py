"""What every command shares: the workspace it works in, one-line usage errors, and the options every
command takes after its name."""

from __future__ import annotations

import errno

import click

from .. import settings
from ..core.manifest import ManifestError
from ..core.runner import ChecksBroken
from ..learner import workspace
from ..workers.client.launchers import WorkerStartError


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
