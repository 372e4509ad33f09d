"""``kata check`` on a terminal: each check's line as soon as it is decided, and the score kept."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import report, workspace


def run_check(colour, grader, kata, path: Path, seed: int, only=None, *, everything=False, verbose=False):
    """Grade, writing each check's line as soon as it is decided; return the result and its report."""
    checks = [c for c in kata.checks if only is None or c.target in only]
    live = LiveLines(colour)
    shown = report.CheckReport(kata.id, report.targets_of(checks), live.line, everything=everything,
                               verbose=verbose, style=click.style)
    live.report = shown
    shown.start(seed)
    result = grader.grade(kata, path, seed, only=only, listener=live)
    live.clear()
    shown.finish(result)
    return result, shown


class LiveLines:
    """Lines to the terminal as they come; on a terminal, the check being run shows until it is decided."""

    def __init__(self, colour):
        self.colour = colour
        self.tty = sys.stdout.isatty()
        self.report = None
        self._status = False

    def line(self, text: str) -> None:
        self.clear()
        click.echo(text, color=self.colour)
        sys.stdout.flush()

    def started(self, check) -> None:
        if self.tty:
            click.echo(click.style(f"  ... {check.name}", dim=True), nl=False, color=self.colour)
            sys.stdout.flush()
            self._status = True

    def decided(self, result) -> None:
        self.report.decided(result)

    def explained(self, target: str, diagnosis: str) -> None:
        self.report.explained(target, diagnosis)

    def clear(self) -> None:
        if self._status:
            click.echo("\r\x1b[K", nl=False)
            self._status = False


def record(root: Path, kata, path: Path, result, only=None) -> None:
    """Keep the learner's score in the workspace's state (a check of some functions is not a score)."""
    workspace.State(root).record_result(kata, path, result, complete=only is None)
