"""The learner's experience: diagnoses, numbers that explain, hint, reset, progress, watch, notebook."""

import math
import shutil
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner
from conftest import REPO, SUBMISSIONS, copy_tiny

from grader import checklib
from grader.cli import main

MISCONCEPTIONS = sorted(p.stem for p in (REPO / "katas/10.2-mle/misconceptions").glob("*.py"))


def run(ws, *args, **kwargs):
    return CliRunner().invoke(main, ["--root", str(ws), *args], **kwargs)


def test_kata_ships_at_least_ten_misconceptions():
    assert len(MISCONCEPTIONS) >= 10


def test_correct_code_and_unknown_mistakes_get_no_diagnosis(grader, manifest):
    kata = manifest.get("10.2")
    for name in ("correct_scipy", "integer_division"):
        result = grader.grade(kata, SUBMISSIONS / f"{name}.py", 7)
        assert all(c.diagnosis == "" for c in result.checks if c.passed)
    weird = grader.grade(kata, SUBMISSIONS / "swapped_binomial_args.py", 7)
    assert not all(c.passed for c in weird.checks) and all(c.diagnosis == "" for c in weird.checks)


@pytest.mark.parametrize("actual, expected, options, words", [
    (-3.5, 3.5, {}, "the sign is flipped"),
    (7.0, 3.5, {}, "off by a factor of 2"),
    (3.5 * 10 / 9, 3.5, {"n": 10}, "off by a factor of n/(n-1)"),
    (3.5 * math.sqrt(10 / 9), 3.5, {"n": 10}, "off by a factor of sqrt(n/(n-1))"),
    (0.35, 3.5, {"n": 10}, "off by a factor of 1/n"),
    (12.25, 3.5, {}, "it is the square of the expected value"),
    (float("nan"), 3.5, {}, "nan where a finite value was expected"),
    (float("inf"), 750.0, {}, "inf where a finite value was expected (an overflow, or the log of 0: a product of many probabilities, or one tiny density, underflows to 0; take logs before multiplying)"),
    (3.5 + 9.189, 3.5, {"offsets": {"n/2·ln(2π)": 9.189}}, "off by the constant +n/2·ln(2π)"),
    (3.6, 3.5, {"n": 10}, ""),
])
def test_failed_comparisons_name_recognisable_relations(actual, expected, options, words):
    assert checklib.relation(actual, expected, **options) == words
    with pytest.raises(checklib.CheckFailure) as caught:
        checklib.close(actual, expected, **options)
    assert caught.value.detail.endswith(words) and "expected" in caught.value.detail


def test_swapped_values_are_named():
    with pytest.raises(checklib.CheckFailure, match="the values are swapped; return \\(mu, sigma\\)"):
        checklib.close_values((2.0, 5.0), (5.0, 2.0), ("mu", "sigma"))
    checklib.close_values((5.0, 9.0), (5.0, 2.0), ("mu", "sigma"), only=("mu",))  # sigma not judged


def test_array_failures_name_the_worst_element():
    with pytest.raises(checklib.CheckFailure, match=r"1 of 3 elements wrong; worst at \[2\]: -inf, expected -3"):
        checklib.close_array(checklib.array([0.0, -1.0, -math.inf], (3,)), checklib.array([0.0, -1.0, -3.0], (3,)))
    with pytest.raises(checklib.CheckFailure, match=r"shape \(2,\); expected shape \(3,\)"):
        checklib.array([1.0, 2.0], (3,))


def test_hints_unlock_one_level_per_failed_check(ws):
    first = run(ws, "hint", "10.2", "gaussian_mle")
    assert first.exit_code == 0
    assert first.output.startswith("gaussian_mle, hint 1/3: ")
    assert "hint 2/3" not in first.output
    locked = run(ws, "hint", "10.2", "gaussian_mle", "--level", "2")
    assert locked.exit_code == 1 and "unlocks after another failed check of gaussian_mle" in locked.output
    shutil.copy(SUBMISSIONS / "ddof_one.py", ws / "katas/10.2-mle/mle.py")
    shutil.copy(SUBMISSIONS / "correct_loops_math.py", ws / "katas/10.2-mle/")
    run(ws, "check", "10.2")
    second = run(ws, "hint", "10.2")  # the function that failed last is the default, from its failing check
    ladder = "gaussian_mle (test_gaussian_mle_sigma_divides_by_n), hint"
    assert f"{ladder} 1/5: Compare your sigma with np.std(data)" in second.output
    assert f"{ladder} 2/5" in second.output
    assert run(ws, "hint", "10.2", "gaussian_mle", "--level", "2").exit_code == 0
    again = run(ws, "hint", "10.2", "gaussian_mle")
    assert "hint 3/5" not in again.output  # no new failed check since level 2 unlocked


def test_hint_for_unknown_function_is_a_usage_error(ws):
    result = run(ws, "hint", "10.2", "no_such_function")
    assert result.exit_code == 2 and "has no function 'no_such_function'; its functions: binomial_mle" in result.output


def test_reset_restores_the_stub_and_keeps_a_backup(ws):
    learner = ws / "katas/10.2-mle/mle.py"
    learner.write_text("def binomial_mle(heads, n):\n    return heads / n  # my work\n")
    result = run(ws, "reset", "10.2")
    assert result.exit_code == 0
    assert learner.read_text() == (ws / "katas/10.2-mle/.shipped/mle.py").read_text()
    backups = list((ws / ".kata/backups/10.2").iterdir())
    assert len(backups) == 1 and "# my work" in backups[0].read_text()
    assert "already the stub as shipped" in run(ws, "reset", "10.2").output
    assert len(list((ws / ".kata/backups/10.2").iterdir())) == 1


def test_progress_goes_from_not_started_to_done(ws, tmp_path):
    shipped = run(ws, "progress").output  # the phase as shipped
    assert shipped.count("not started") == 3 and shipped.splitlines()[-1] == "0 of 3 katas done"
    tiny = copy_tiny(tmp_path / "tiny")
    learner, solution = tiny / "katas/0.1-tiny/tiny.py", (tiny / "solutions/0.1-tiny/tiny.py").read_text()
    assert "not started" in run(tiny, "progress").output
    learner.write_text(solution.replace("return a + b", "return a - b"))
    run(tiny, "check", "0.1")
    assert "in progress: last 2/4, best 2" in run(tiny, "progress").output  # a - b costs add's two checks
    learner.write_text(solution)
    run(tiny, "check", "0.1")
    done = run(tiny, "progress").output
    assert "done: last 4/4, best 4" in done and done.splitlines()[-1] == "1 of 1 katas done"
    assert "done: last 4/4" in run(tiny, "list").output


def test_colour_only_when_wanted(tmp_path, monkeypatch):
    tiny = copy_tiny(tmp_path / "tiny")
    coloured = run(tiny, "check", "0.1", color=True)
    assert "\x1b[" in coloured.output
    assert "\x1b[" not in run(tiny, "--no-color", "check", "0.1", color=True).output
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in run(tiny, "check", "0.1", color=True).output
    assert "\x1b[" not in run(tiny, "check", "0.1").output  # not a terminal


def test_watch_rechecks_after_a_real_edit(tmp_path):
    ws = copy_tiny(tmp_path / "tiny")
    learner = ws / "katas/0.1-tiny/tiny.py"
    proc = subprocess.Popen([sys.executable, "-m", "grader", "--root", str(ws), "watch", "0.1", "--max-checks", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = []
    while not any(line.startswith("score ") for line in lines):
        line = proc.stdout.readline()
        assert line, proc.stderr.read()
        lines.append(line)
    assert "score 0/4" in lines[-1]
    time.sleep(0.3)
    learner.write_text((ws / "solutions/0.1-tiny/tiny.py").read_text())
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "score 4/4  all checks pass" in out
    assert "watching tiny.py (every function); Ctrl-C to stop" in out


NOTEBOOK_CELL = """\
import numpy as np
from scipy.optimize import minimize

def gaussian_mle(data):
    if len(data) == 0:
        raise ValueError("empty")
    return _mean(data), np.std(data)

def _mean(data):
    return float(np.mean(data))
"""


def run_cell(source: str, name: str) -> dict:
    """A notebook's namespace after running ``source`` as a cell, as IPython runs it."""
    import linecache

    # IPython keeps each cell's source in linecache, which is how inspect finds it
    linecache.cache[name] = (len(source), None, source.splitlines(True), name)
    namespace = {"__name__": "__main__"}
    exec(compile(source, name, "exec"), namespace)
    return namespace


def test_notebook_check_grades_functions_defined_in_the_notebook(ws, monkeypatch):
    monkeypatch.chdir(ws)
    namespace = run_cell(NOTEBOOK_CELL, "<cell-1>")
    from grader import check

    shown = check("10.2", namespace=namespace, seed=4)
    assert {c.target for c in shown.result.checks if c.passed} == {"gaussian_mle"}
    assert "score 4/32" in repr(shown) and shown._repr_html_().startswith("<pre>")
    assert check("10.2", file=str(ws / "solutions/10.2-mle/mle.py")).result.score == 32


CONSTANT_CELL = """\
import numpy as np
LOG2PI = np.log(2 * np.pi)
LIMITS = {"sigma_min": 0.0, "names": ("mu", "sigma")}

def gaussian_log_likelihood(mu, sigma, data):
    data = np.asarray(data, dtype=float)
    if sigma <= LIMITS["sigma_min"]:
        raise ValueError("sigma must be positive")
    return float(-0.5 * data.size * (LOG2PI + 2 * np.log(sigma)) - np.sum((data - mu) ** 2) / (2 * sigma ** 2))
"""


def test_notebook_check_brings_the_notebook_s_constants(ws, monkeypatch):
    monkeypatch.chdir(ws)
    namespace = run_cell(CONSTANT_CELL, "<cell-2>")
    from grader import check

    shown = check("10.2", namespace=namespace, seed=5)
    passed = {c.name for c in shown.result.checks if c.passed}
    assert {c.name for c in shown.result.checks if c.target == "gaussian_log_likelihood"} <= passed, repr(shown)
