"""``kata watch``: check again on every save, steered by single keys.

File events come from watchfiles (native events on Linux, macOS and
Windows). On a terminal the screen is cleared for each run and single keys
steer the loop: ``h`` the hint now unlocked for the current function (the
rule of ``kata hint``: the next level after another failed check), ``n``
focus the next function not yet passing, ``a`` all checks, ``r`` run again,
``q`` quit. Without a
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
        self.passing: set = set()
        """Functions whose checks all passed the last time they ran."""
        self.hints_shown: dict = {}
        """The highest hint level shown per function in this watch."""

    @property
    def only(self):
        return {self.function} if self.function else None

    def seen(self, result) -> None:
        """Remember which functions of a run pass."""
        for target in {c.target for c in result.checks}:
            if all(c.passed for c in result.checks if c.target == target):
                self.passing.add(target)
            else:
                self.passing.discard(target)

    def next_function(self, failing: str | None) -> bool:
        """Focus the next function that is not yet passing, after the current one (or the one failing first);
        False when every function passes."""
        current = self.function or failing
        start = self.targets.index(current) + 1 if current in self.targets else 0
        ahead = [self.targets[(start + i) % len(self.targets)] for i in range(len(self.targets))]
        chosen = next((t for t in ahead if t not in self.passing), None)
        if chosen is None:
            return False
        self.function, self.everything = chosen, False
        return True

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
                        if focus.next_function(failing):
                            break
                        session.say("every function passes: nothing to focus")
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
        focus.seen(result)
        scope = f"only {focus.function}" if focus.function else ("all checks" if focus.everything else "every function")
        keys = f"; keys: {KEYS}" if self.terminal else "; Ctrl-C to stop"
        click.echo(click.style(f"watching {path.name} ({scope}){keys}", dim=True), color=self.colour)
        sys.stdout.flush()
        return shown.focus or (shown.todo[0] if shown.todo else None)

    def hint(self, target: str | None, focus) -> None:
        """The hint of ``target``'s ladder now unlocked (starting from its failing check), as ``kata hint`` has it."""
        if target is None:
            self.say("no function to hint at: every check passes")
            return
        try:
            available = hints.load(self.kata)
        except ManifestError as exc:
            self.say(str(exc))
            return
        title, steps, level = hints.next_hint(self.kata, workspace.State(self.root), available, target)
        if not steps:
            self.say(f"kata {self.kata.id} has no hints for {target}")
            return
        shown = focus.hints_shown.get(target, 0)
        if level <= shown:
            self.say(hints.locked_note(target))
            return
        focus.hints_shown[target] = level
        self.say(click.style(f"{title}, hint {level}/{len(steps)}: {steps[level - 1]}", fg="yellow"))

    def say(self, text: str) -> None:
        click.echo(text, color=self.colour)
        sys.stdout.flush()
