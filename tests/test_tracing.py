"""What a worker tells besides its answers: where a timed-out call was, and the learner's warnings.

And what the trusted side never tells: its own warnings about the values it checks.
"""

import contextlib
import json
import warnings

import pytest
from click.testing import CliRunner
from conftest import SUBMISSIONS, copy_tiny

from grader.cli import main
from grader.core import runner
from grader.workers.client import tracing
from grader.workers.wire.channel import ChannelTimeout

HANGS_IN_A_HELPER = '''import numpy as np
from helper import spin


def add(a, b):
    return a + b


def mean(values):
    return spin(values)
'''
HELPER = '''def spin(values):
    total = 0.0
    while True:
        total += 1.0
'''


@pytest.fixture
def hanging(tmp_path):
    """A tiny workspace with a half-second limit, and a learner whose mean hangs in a helper module."""
    ws = copy_tiny(tmp_path / "ws", time_limit=0.5)
    student = tmp_path / "subs" / "alice"
    student.mkdir(parents=True)
    (student / "tiny.py").write_text(HANGS_IN_A_HELPER)
    (student / "helper.py").write_text(HELPER)
    return ws, student


WHERE = "timed out after 0.5 s; your code was at helper.py line 3, in spin: while True:"


def test_a_timeout_shows_the_learner_s_line_in_the_terminal_and_in_json(hanging):
    ws, student = hanging
    shown = CliRunner().invoke(main, ["--root", str(ws), "check", "0.1", "--file", str(student / "tiny.py")])
    assert "mean([" in shown.output and WHERE in shown.output, shown.output
    data = json.loads(CliRunner().invoke(main, ["--root", str(ws), "check", "0.1", "--file",
                                               str(student / "tiny.py"), "--json"]).output)
    timed_out = [c for c in data["checks"] if c["outcome"] == "fault"]
    assert len(timed_out) == 2 and all(c["message"].endswith(WHERE) for c in timed_out)


def test_a_timeout_shows_the_learner_s_line_in_feedback_files_and_gradescope_results(hanging, tmp_path):
    ws, student = hanging
    out = tmp_path / "out"
    done = CliRunner().invoke(main, ["--root", str(ws), "grade", "0.1", str(student.parent), "--jobs", "1",
                                     "--out", str(out / "gs") + "/", "--format", "gradescope",
                                     "--feedback", str(out / "feedback")])
    assert done.exit_code == 0, done.output
    assert WHERE in (out / "feedback" / "alice.txt").read_text()
    results = json.loads(next((out / "gs").rglob("results.json")).read_text())
    assert any(WHERE in test.get("output", "") for test in results["tests"]), results


def test_an_import_that_hangs_shows_its_line(tmp_path):
    ws = copy_tiny(tmp_path / "ws", import_time_limit=0.5)
    (ws / "katas/0.1-tiny/tiny.py").write_text("import time\n\nwhile True:\n    time.sleep(0.01)\n")
    data = json.loads(CliRunner().invoke(main, ["--root", str(ws), "check", "0.1", "--json"]).output)
    assert data["status"] == "error"
    assert "timed out after 0.5 s; your code was at tiny.py line 4, at the top level: time.sleep(0.01)" in data["error"]


class _Silent:
    """A worker that never answers: asked where it is, it says nothing (a long C call, a handler replaced)."""

    class channel:  # noqa: N801
        @staticmethod
        def recv(timeout):
            raise ChannelTimeout()

    @staticmethod
    def nudge():
        return True


def test_asking_a_silent_worker_costs_at_most_the_grace():
    assert tracing.ask_where(_Silent(), grace=0.05) == ""


@pytest.mark.parametrize("forged", [
    None, "mle.py", {"file": "mle.py"}, {"file": "mle.py", "line": "9"}, {"file": 3, "line": 9},
    {"file": "mle.py", "line": True}, {"file": "mle.py", "line": 10**12},
])
def test_a_location_that_is_not_one_is_ignored(forged):
    assert tracing.where_words(forged) == ""


def test_a_location_is_capped_and_on_one_line():
    words = tracing.where_words({"file": "mle.py", "line": 9, "function": "f", "text": "x = 1\n" + "y" * 1000})
    assert "\n" not in words and len(words) < 300


WARNS = '''import numpy as np


def add(a, b):
    np.exp(np.array([1000.0]))
    return a + b + 1


def mean(values):
    if len(values) == 0:
        raise ValueError("no values")
    return sum(values) / len(values)
'''


def test_the_learner_s_warnings_are_warnings_not_printed_output(tiny_grader, tiny_manifest, tmp_path):
    path = tmp_path / "tiny.py"
    path.write_text(WARNS)
    result = tiny_grader.grade(tiny_manifest.get("0.1"), path, 3)
    add = [c for c in result.checks if c.target == "add"]
    assert all(c.warnings == ["RuntimeWarning: overflow encountered in exp, tiny.py line 5"] for c in add)
    assert all(c.output == "" for c in result.checks) and result.output == ""
    from grader.learner import report

    lines = "\n".join(report.check_lines(result, everything=False))
    assert "warning: RuntimeWarning: overflow encountered in exp, tiny.py line 5" in lines
    assert "printed output" not in lines


def test_checks_never_print_warnings_of_their_own(grader, kata, tmp_path, monkeypatch):
    """A fit returning (1e308, -1e308, 1e308) makes the checks compute with inf: NumPy would warn from the
    check file's lines (shown failing with the defence off), and nothing may reach the learner."""
    (tmp_path / "mle.py").write_text((SUBMISSIONS / "correct_scipy.py").read_text()
                                     + "\n\ndef fit_linear_regression_mle(X, y):\n    return (1e308, -1e308, 1e308)\n")

    def check_file_warnings():
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            grader.grade(kata, tmp_path / "mle.py", 5)
        return [w for w in seen if "checks" in w.filename]

    assert check_file_warnings() == []
    monkeypatch.setattr(runner.quiet, "checks", contextlib.nullcontext)
    assert check_file_warnings(), "with the defence off the checks' warnings would reach the learner"
