"""The learner's loop: a focused report, one function at a time, live lines, watch keys, plain errors."""

import os
import pty
import select
import shutil
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner
from conftest import SUBMISSIONS, TINY, copy_tiny

from grader.cli import main

SOLUTION = (TINY / "solutions/0.1-tiny/tiny.py").read_text()


def run(*args, **kwargs):
    return CliRunner().invoke(main, list(args), **kwargs)


@pytest.fixture
def tiny(tmp_path):
    return copy_tiny(tmp_path / "ws")


def kata_command(*args) -> list:
    return [sys.executable, "-m", "grader", *args]


# --- the focused report --------------------------------------------------------------------

def test_stub_report_fits_25_lines_and_says_where_to_start(ws):
    result = run("--root", str(ws), "--no-color", "check", "10.2")
    lines = result.output.splitlines()
    assert result.exit_code == 1 and len(lines) <= 25, result.output
    assert sum(line.startswith("TODO  ") for line in lines) == 8  # one line per function not started
    assert "binomial_mle (not started)" in lines[1]
    assert lines[-1].startswith("next: start with binomial_mle")
    assert "FAIL" not in result.output and "hint:" not in result.output


def test_all_shows_every_check_in_full(tiny):
    result = run("--root", str(tiny), "check", "0.1", "--all")
    assert result.output.count("FAIL  ") == 4
    assert result.output.count("is not implemented yet (it raises NotImplementedError)") == 4


def test_only_the_first_failing_function_is_shown_in_full(tiny, tmp_path):
    both = tmp_path / "tiny.py"  # add and mean both wrong
    both.write_text(SOLUTION.replace("return a + b", "return a - b").replace("/ len(values)", "/ 2"))
    result = run("--root", str(tiny), "check", "0.1", "--file", str(both), "--seed", "4")
    lines = result.output.splitlines()
    failing = [line.split()[1] for line in lines if line.startswith("FAIL  ")]
    details = [line for line in lines if line.startswith("      hint: ")]
    assert any(name.startswith("test_add") for name in failing) and any(name.startswith("test_mean") for name in failing)
    assert details and len(details) == sum(name.startswith("test_add") for name in failing)
    assert any(line.startswith("next: fix add") for line in lines)
    assert any("also failing: mean" in line for line in lines)


def test_check_of_one_function_runs_only_its_checks(tiny, tmp_path):
    lax = tmp_path / "tiny.py"  # add wrong, mean right but for an empty list (ZeroDivisionError, not ValueError)
    lax.write_text(SOLUTION.replace("return a + b", "return a - b").replace("    if len(values) == 0:\n"
                                                                             "        raise ValueError(\"no values\")\n", ""))
    result = run("--root", str(tiny), "check", "0.1", "mean", "--file", str(lax))
    names = [line.split()[1] for line in result.output.splitlines() if line[:4] in ("PASS", "FAIL")]
    assert names == ["test_mean_values", "test_mean_rejects_empty"]
    assert "score 1/2" in result.output and result.exit_code == 1  # add's checks, which it would fail, never ran


def test_check_of_a_function_the_kata_lacks_is_one_line(tiny):
    result = run("--root", str(tiny), "check", "0.1", "median")
    assert result.exit_code == 2 and result.output.count("\n") == 1
    assert "no function 'median'; its functions: add, mean" in result.output


def test_options_after_the_subcommand(tiny):
    result = run("check", "0.1", "--root", str(tiny), "--no-color")
    assert result.exit_code == 1 and "TODO  add (not started)" in result.output
    assert run("list", "--root", str(tiny)).exit_code == 0


def test_a_check_of_one_function_keeps_the_score_but_counts_failures(tiny):
    learner = tiny / "katas/0.1-tiny/tiny.py"
    learner.write_text(SOLUTION.replace("return a + b", "return a - b"))
    run("--root", str(tiny), "check", "0.1")
    run("--root", str(tiny), "check", "0.1", "add")
    listed = run("--root", str(tiny), "list").output
    assert "last 2/4" in listed  # the one-function check is not a score
    hint = run("--root", str(tiny), "hint", "0.1").output
    assert hint.startswith("add, hint ")


# --- live ----------------------------------------------------------------------------------

def test_each_line_arrives_while_a_later_check_still_hangs(tiny, tmp_path):
    hanging = tmp_path / "tiny.py"
    hanging.write_text(SOLUTION.replace("    if len(values) == 0:", "    while True:\n        pass\n    if len(values) == 0:"))
    proc = subprocess.Popen(kata_command("--root", str(tiny), "check", "0.1", "--file", str(hanging)),
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        seen = [proc.stdout.readline() for _ in range(3)]
        still_running = proc.poll() is None
    finally:
        proc.kill()
        proc.wait()
    assert seen[0].startswith("kata 0.1, seed ")
    assert seen[1].startswith("PASS  test_add_small") and seen[2].startswith("PASS  test_add_random")
    assert still_running  # the mean checks were still hanging when the add lines were read


def test_json_is_still_one_object(tiny):
    result = run("--root", str(tiny), "check", "0.1", "--json")
    assert result.output.lstrip().startswith("{") and result.output.rstrip().endswith("}")


# --- the learner's words -------------------------------------------------------------------

def test_paths_in_learner_output_are_the_learner_s_own(tiny):
    learner = tiny / "katas/0.1-tiny/tiny.py"
    learner.write_text(SOLUTION.replace('        raise ValueError("no values")',
                                        '        raise ValueError(f"no values in {__file__}")')
                       .replace("    return a + b", "    print(__file__)\n    return a + b"))
    result = run("--root", str(tiny), "check", "0.1", "--all", "--verbose", "--json")
    assert "/tmp/submission" not in result.output and "kata-stage-" not in result.output
    assert str(learner) in result.output


FORGED = "\\x1b]0;owned\\x07\\x1b[2J\\rscore 4/4  all checks pass\\u202e"
"""What a learner's text may try on a terminal: retitle it, clear it, overwrite a line, reorder one."""


def _no_raw_controls(text: str) -> None:
    assert not any(char in text for char in "\x1b\x07\r\u202e"), repr(text)


def test_learner_text_cannot_drive_the_terminal(tiny):
    learner = tiny / "katas/0.1-tiny/tiny.py"
    learner.write_text(SOLUTION.replace("    return a + b", f'    print("{FORGED}")\n    raise ValueError("{FORGED}")'))
    result = run("--root", str(tiny), "check", "0.1", "--all", "--verbose")
    _no_raw_controls(result.output)
    assert "\\x1b[2J\\rscore 4/4" in result.output  # shown, as escapes


def test_a_cohort_s_text_cannot_drive_the_instructor_s_terminal(tiny, tmp_path):
    subs = tmp_path / "subs"
    for name, source in [("ada", SOLUTION.replace("    return a + b", f'    raise ValueError("{FORGED}")')),
                         ("eve\x1b[2J\r", "import os\nos._exit(3)\n")]:
        (subs / name).mkdir(parents=True)
        (subs / name / "tiny.py").write_text(source)
    (subs / "bob").mkdir()
    (subs / "bob" / "tiny.py").write_text(f'raise ImportError("{FORGED}")\n')
    result = run("--root", str(tiny), "grade", "0.1", str(subs), "--out", str(tmp_path / "g.csv"), "--jobs", "1")
    assert result.exit_code == 0, result.output
    _no_raw_controls(result.stdout)
    assert "most common failure" in result.stdout and "\\x1b[2J" in result.stdout
    gradebook = (tmp_path / "g.csv").read_text()
    assert "\x1b" not in gradebook and "\x07" not in gradebook and "\\x1b[2J" in gradebook


def test_no_internal_ids_in_a_diagnosis(ws):
    result = run("--root", str(ws), "check", "10.2", "--file", str(SUBMISSIONS / "ddof_one.py"), "--seed", "3")
    assert "why (gaussian_mle): You divided by n - 1" in result.output
    assert "[misconception" not in result.output and "ddof_one" not in result.output


# --- one-line errors for a broken environment ----------------------------------------------

def test_a_check_file_needing_a_missing_module_is_one_line(tiny):
    checks = tiny / "katas/0.1-tiny/checks/test_tiny.py"
    checks.write_text("import kata_no_such_module\n" + checks.read_text())
    result = run("--root", str(tiny), "check", "0.1")
    assert result.exit_code == 2 and result.output.count("\n") == 1, result.output
    assert "'kata_no_such_module', which is not installed" in result.output
    assert "pip install kata_no_such_module" in result.output and "Traceback" not in result.output


def test_a_check_file_with_a_syntax_error_is_one_line_with_its_line(tiny):
    checks = tiny / "katas/0.1-tiny/checks/test_tiny.py"
    checks.write_text(checks.read_text() + "\ndef broken(:\n")
    result = run("--root", str(tiny), "check", "0.1")
    assert result.exit_code == 2 and result.output.count("\n") == 1, result.output
    assert f"{checks}:" in result.output and "syntax error" in result.output


def test_a_missing_dependency_of_kata_itself_is_one_line(tmp_path):
    blocker = tmp_path / "block"
    blocker.mkdir()
    (blocker / "sitecustomize.py").write_text("import sys\nsys.modules['click'] = None\n")
    env = {**os.environ, "PYTHONPATH": str(blocker)}
    done = subprocess.run([sys.executable, "-c", "from grader.entry import main; main()", "list"],
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert "needs the module 'click'" in done.stderr and "pip install click" in done.stderr


def test_doctor_lists_the_dependencies():
    result = run("doctor")
    assert result.exit_code == 0
    for package in ("click", "numpy", "scipy", "watchfiles"):
        assert any(line.split()[2:3] == [package] for line in result.output.splitlines() if "[ok ]" in line)


# --- hints that follow the failure ---------------------------------------------------------

def test_hints_start_from_the_failing_check(tiny):
    learner = tiny / "katas/0.1-tiny/tiny.py"
    learner.write_text(SOLUTION.replace('        raise ValueError("no values")', "        return 0.0"))
    run("--root", str(tiny), "check", "0.1")
    first = run("--root", str(tiny), "hint", "0.1").output
    assert first.startswith("mean (test_mean_rejects_empty), hint 1/3: An empty list has no mean")


# --- a notebook kernel is left as it was ----------------------------------------------------

def test_notebook_check_does_not_harden_the_kernel(tiny):
    # A fresh process stands for the kernel: it must stay dumpable, its thread settings its own.
    kernel = f"""
import ctypes, os
from grader import check
shown = check("0.1", root={str(tiny)!r}, file={str(TINY / "solutions/0.1-tiny/tiny.py")!r})
print("all checks pass" in repr(shown), ctypes.CDLL(None).prctl(3, 0, 0, 0, 0), "OPENBLAS_NUM_THREADS" in os.environ)
"""
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    done = subprocess.run([sys.executable, "-c", kernel], capture_output=True, text=True, env=env, timeout=120)
    assert done.stdout.split() == ["True", "1", "False"], done.stderr


# --- watch, in a real terminal --------------------------------------------------------------

class Terminal:
    """``kata watch`` under a pseudo-terminal: type keys, read the screen's text."""

    def __init__(self, args):
        self.fd_parent, fd_child = pty.openpty()
        self.proc = subprocess.Popen(args, stdin=fd_child, stdout=fd_child, stderr=fd_child,
                                     start_new_session=True, env={**os.environ, "TERM": "xterm"})
        os.close(fd_child)
        self.text = ""

    def wait_for(self, needle: str, timeout: float = 120) -> str:
        """Everything up to and including ``needle`` (which must appear), then consume it."""
        deadline = time.monotonic() + timeout
        while needle not in self.text:
            ready, _, _ = select.select([self.fd_parent], [], [], max(deadline - time.monotonic(), 0))
            assert ready, f"{needle!r} did not appear; the screen so far:\n{self.text}"
            try:
                self.text += os.read(self.fd_parent, 65536).decode(errors="replace")
            except OSError:
                break
        assert needle in self.text, self.text
        before, self.text = self.text.split(needle, 1)
        return before + needle

    def press(self, key: str) -> None:
        os.write(self.fd_parent, key.encode())

    def close(self) -> int:
        try:
            return self.proc.wait(timeout=30)
        finally:
            os.close(self.fd_parent)


def test_watch_takes_single_keys_in_a_terminal(tiny):
    learner = tiny / "katas/0.1-tiny/tiny.py"
    screen = Terminal(kata_command("--root", str(tiny), "--no-color", "watch", "0.1"))
    try:
        first = screen.wait_for("q quit")
        assert "TODO  add (not started)" in first and "watching tiny.py (every function)" in first
        screen.press("a")
        everything = screen.wait_for("q quit")
        assert everything.count("FAIL  test_") == 4 and "(all checks)" in everything
        screen.press("n")
        one = screen.wait_for("q quit")
        assert "(only add)" in one and "test_mean" not in one
        screen.press("h")
        assert "add, hint 1/2: Add the two numbers." in screen.wait_for("numbers.")
        screen.press("h")  # kata hint's rule: the next level only after another failed check of add
        assert "the next hint unlocks after another failed check of add" in screen.wait_for("ask again)")
        learner.write_text(SOLUTION.replace("return a + b", "return a - b"))
        assert "FAIL  test_add_small" in screen.wait_for("q quit")
        screen.press("h")
        assert "add, hint 2/2: return a + b" in screen.wait_for("a + b")
        learner.write_text(SOLUTION)
        saved = screen.wait_for("q quit")
        assert "score 2/2  all checks pass" in saved and "(only add)" in saved
        screen.press("r")
        assert "score 2/2" in screen.wait_for("q quit")
        screen.press("n")  # the next function not yet passing: mean (its last run failed); add passes
        assert "(only mean)" in screen.wait_for("q quit")
        screen.press("n")  # now mean passes too: n goes nowhere
        assert "every function passes: nothing to focus" in screen.wait_for("nothing to focus")
        screen.press("q")
    finally:
        code = screen.close()
    assert code == 0
    assert "\x1b[" in first  # the screen is cleared for each run


def test_watch_without_a_terminal_just_rechecks(tiny):
    proc = subprocess.Popen(kata_command("--root", str(tiny), "watch", "0.1", "--max-checks", "2"),
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first = ""
    while "watching tiny.py" not in first:
        line = proc.stdout.readline()
        assert line, proc.stderr.read()
        first += line
    time.sleep(0.3)
    shutil.copy(TINY / "solutions/0.1-tiny/tiny.py", tiny / "katas/0.1-tiny/tiny.py")
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert "score 4/4  all checks pass" in out and "Ctrl-C to stop" in out


def test_hints_follow_the_last_check_even_a_partial_one(tiny):
    learner = tiny / "katas/0.1-tiny/tiny.py"
    learner.write_text(SOLUTION.replace('        raise ValueError("no values")', "        return 0.0"))
    run("--root", str(tiny), "check", "0.1")  # mean fails
    learner.write_text(SOLUTION.replace("return a + b", "return a - b"))
    run("--root", str(tiny), "check", "0.1", "add")  # then a check of add alone fails
    shown = run("--root", str(tiny), "hint", "0.1").output
    assert shown.startswith("add, hint 1/2: Add the two numbers."), shown
