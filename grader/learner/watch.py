"""``kata watch``: check again on every save, steered by single keys.

File events come from watchfiles (native events on Linux, macOS and
Windows). On a terminal the screen is cleared for each run and single keys
steer the loop: ``h`` the next hint for the current function, ``n`` focus
the next function, ``a`` all checks, ``r`` run again, ``q`` quit. Without a
terminal it re-runs on each save and takes no keys.

Everything slow is done once: the grader (fork server, loaded checks) stays
up between runs, so a run after a save costs one worker and the checks.
"""

from __future__ import annotations

import os
import queue
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

import click

from ..core.grading import new_seed
from ..core.manifest import ManifestError
from . import hints, live, workspace

KEYS = "h hint · n next function · a all checks · r run again · q quit"


class Events:
    """One queue for what the loop waits on: ``("saved", None)`` and ``("key", "h")``."""

    def __init__(self, path: Path, keys: bool):
        self.queue: queue.Queue = queue.Queue()
        self._stop = threading.Event()
        threading.Thread(target=self._watch_file, args=(Path(path),), daemon=True).start()
        if keys:
            threading.Thread(target=self._read_keys, daemon=True).start()

    def _watch_file(self, path: Path) -> None:
        import watchfiles

        def ours(_change, changed: str) -> bool:
            return Path(changed).name == path.name

        # step: how long a burst of writes may pause and still count as one save (watchfiles' 50 ms
        # default is a third of a warm re-run here); debounce: the longest burst grouped.
        for _ in watchfiles.watch(path.parent, watch_filter=ours, stop_event=self._stop,
                                  debounce=400, step=20, raise_interrupt=False):
            self.queue.put(("saved", None))

    def _read_keys(self) -> None:
        fd = sys.stdin.fileno()
        while not self._stop.is_set():
            try:
                data = os.read(fd, 1)
            except OSError:
                return
            if not data:
                return
            self.queue.put(("key", data.decode(errors="replace").lower()))

    def next(self) -> tuple:
        """The next event; a burst of saves counts as one."""
        event = self.queue.get()
        if event[0] == "saved":
            while True:
                try:
                    more = self.queue.get(timeout=0.02)
                except queue.Empty:
                    break
                if more[0] != "saved":
                    self.queue.put(more)
                    break
        return event

    def close(self) -> None:
        self._stop.set()


@contextmanager
def single_keys(enabled: bool):
    """The terminal in cbreak mode (each key arrives at once, not echoed), restored afterwards."""
    if not enabled:
        yield
        return
    import termios
    import tty

    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd)
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


class Focus:
    """What the next run shows: every function (focused report), one function, or all checks in full."""

    def __init__(self, targets: list):
        self.targets = targets
        self.function: str | None = None
        self.everything = False
        self.hint_levels: dict = {}

    @property
    def only(self):
        return {self.function} if self.function else None

    def next_function(self, failing: str | None) -> None:
        """Focus the function after the current one (or after the one failing first)."""
        current = self.function or failing
        index = self.targets.index(current) + 1 if current in self.targets else 0
        self.function = self.targets[index % len(self.targets)]
        self.everything = False

    def toggle_all(self) -> None:
        self.everything = not self.everything
        self.function = None


def run(session, path: Path, *, terminal: bool, max_runs: int | None = None) -> None:
    """The watch loop. ``session`` runs a check (``session.check(focus)``), shows hints and messages."""
    focus = Focus(session.targets)
    events = Events(path, keys=terminal)
    runs = 0
    try:
        with single_keys(terminal):
            while True:
                failing = session.check(focus)
                runs += 1
                if max_runs and runs >= max_runs:
                    return
                while True:
                    kind, key = events.next()
                    if kind == "saved" or key == "r":
                        break
                    if key == "q":
                        return
                    if key == "a":
                        focus.toggle_all()
                        break
                    if key == "n":
                        focus.next_function(failing)
                        break
                    if key == "h":
                        session.hint(focus.function or failing, focus)
    finally:
        events.close()


class WatchSession:
    """What ``kata watch`` does on each event: run the focused check, show a hint."""

    def __init__(self, root: Path, colour, grader, kata, terminal: bool):
        self.root, self.colour, self.grader, self.kata, self.terminal = root, colour, grader, kata, terminal
        self.targets = list(kata.targets)

    def check(self, focus) -> str | None:
        """Run the checks in focus; return the function to work on (the first failing or not started)."""
        if self.terminal:
            click.clear()
        path = self.kata.learner_path
        if not path.exists():
            click.echo(f"{path.name} does not exist; restore the stub from {self.kata.shown_shipped()}")
            return None
        result, shown = live.run_check(self.colour, self.grader, self.kata, path, new_seed(), focus.only,
                                  everything=focus.everything)
        live.record(self.root, self.kata, path, result, focus.only)
        scope = f"only {focus.function}" if focus.function else ("all checks" if focus.everything else "every function")
        keys = f"; keys: {KEYS}" if self.terminal else "; Ctrl-C to stop"
        click.echo(click.style(f"watching {path.name} ({scope}){keys}", dim=True), color=self.colour)
        sys.stdout.flush()
        return shown.focus or (shown.todo[0] if shown.todo else None)

    def hint(self, target: str | None, focus) -> None:
        """The next hint of ``target``'s ladder (starting from its failing check)."""
        if target is None:
            click.echo("no function to hint at: every check passes")
            return
        try:
            available = hints.load(self.kata)
        except ManifestError as exc:
            click.echo(str(exc))
            return
        entry = workspace.State(self.root).get(self.kata.id)
        title, steps = hints.ladder(self.kata, available, target, entry.get("failed_checks", []))
        if not steps:
            click.echo(f"kata {self.kata.id} has no hints for {target}")
            return
        level = min(focus.hint_levels.get(target, 0) + 1, len(steps))
        focus.hint_levels[target] = level
        click.echo(click.style(f"{title}, hint {level}/{len(steps)}: {steps[level - 1]}", fg="yellow"),
                   color=self.colour)
        sys.stdout.flush()
