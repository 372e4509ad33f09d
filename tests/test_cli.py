"""The kata command as learners and authors meet it."""

import json
import os
import re
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import COUNTS_THREADS, REPO, TINY, copy_tiny

from grader.cli import main


def run(ws, *args, **env):
    return CliRunner().invoke(main, ["--root", str(ws), *args], env=env or None)


TINY_SOLUTION = (TINY / "solutions/0.1-tiny/tiny.py").read_text()
WRONG_ADD = TINY_SOLUTION.replace("return a + b", "return a - b")  # fails add's two checks, 2/4


@pytest.fixture
def tiny(tmp_path):
    """A writable copy of the tiny workspace: the machinery of a command, without scipy's cost."""
    return copy_tiny(tmp_path / "tiny")


def learner_file(folder, name, text):
    path = folder / name
    path.write_text(text)
    return str(path)


def test_check_all_on_the_stub_fails_every_check_with_hints(ws):
    result = run(ws, "check", "10.2", "--seed", "4", "--all")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == "kata 10.2, seed 4 (rerun with --seed 4 for the same data)"
    assert lines[1].startswith("FAIL  test_binomial_mle_random_counts") and lines[1].endswith("0/1")
    assert lines[2].strip() == "binomial_mle is not implemented yet (it raises NotImplementedError)"
    assert lines[3].strip().startswith("hint: ")
    assert lines[-1] == "score 0/32  (32 checks to go)"


def test_check_on_a_solution_exits_zero(tiny):
    shutil.copy(tiny / "solutions/0.1-tiny/tiny.py", tiny / "katas/0.1-tiny/tiny.py")
    result = run(tiny, "check", "0.1")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "score 4/4  all checks pass"
    assert result.output.count("PASS  ") == 4


def test_check_json_is_one_object_in_the_documented_shape(tiny, tmp_path):
    result = run(tiny, "check", "0.1", "--file", learner_file(tmp_path, "tiny.py", WRONG_ADD), "--json",
                 "--seed", "9")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert {"kata", "score", "max_score", "status", "error", "checks"} <= set(data)
    assert data["kata"] == "0.1" and data["status"] == "graded" and data["error"] is None
    assert data["max_score"] == 4.0 and data["score"] == 2.0 and data["seed"] == 9
    check = data["checks"][0]
    assert {"name", "target", "passed", "points", "max_points", "message", "hint"} <= set(check)
    failed = [c for c in data["checks"] if not c["passed"]]
    assert {c["target"] for c in failed} == {"add"}
    assert all(c["hint"] and c["message"] for c in failed)


def test_check_json_reports_an_unimportable_file_as_error(tiny, tmp_path):
    broken = learner_file(tmp_path, "tiny.py", TINY_SOLUTION.replace("def mean(values):", "def mean(values)\n"))
    result = run(tiny, "check", "0.1", "--file", broken, "--json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["status"] == "error" and data["score"] == 0 and data["checks"] == []
    line = TINY_SOLUTION.splitlines().index("def mean(values):") + 1
    assert f"line {line}" in data["error"] and "SyntaxError" in data["error"]


def test_same_seed_same_report(tiny, tmp_path):
    args = ("check", "0.1", "--file", learner_file(tmp_path, "tiny.py", WRONG_ADD), "--json")
    first, second = (json.loads(run(tiny, *args, "--seed", "77").output) for _ in range(2))
    assert first["checks"] == second["checks"]
    other = json.loads(run(tiny, *args, "--seed", "78").output)  # the data, and so the report, follow the seed
    assert [c["message"] for c in other["checks"]] != [c["message"] for c in first["checks"]]


def test_verbose_shows_what_the_learner_printed(tiny, tmp_path):
    chatty = ('print("importing my solution")\n\n' +
              TINY_SOLUTION.replace("    return a + b", "    print('add called with', a, b)\n    return a + b"))
    args = ("check", "0.1", "--file", learner_file(tmp_path, "tiny.py", chatty))
    quiet, loud = run(tiny, *args), run(tiny, *args, "--verbose")
    assert "importing my solution" not in quiet.output and "add called with" not in quiet.output
    assert "importing my solution" in loud.output and "| add called with 2 3" in loud.output
    assert quiet.exit_code == loud.exit_code == 0


@pytest.mark.parametrize("args, message", [
    (("check", "10.9"), "Error: no kata '10.9' in kata.yaml; run 'kata list' to see the ids"),
    (("check", "10.2", "--file", "nowhere.py"), "does not exist"),
    (("check", "10.2", "--seed", "-1"), "Invalid value for '--seed'"),
])
def test_usage_errors_exit_2_with_one_line(ws, args, message):
    result = run(ws, *args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_missing_learner_file_says_how_to_restore_it(ws):
    (ws / "katas/10.2-mle/mle.py").unlink()
    result = run(ws, "check", "10.2")
    assert result.exit_code == 2
    assert "restore the stub from 10.2-mle/.shipped/mle.py" in result.output


def test_broken_manifest_is_one_line_with_file_and_line(ws):
    (ws / "kata.yaml").write_text((ws / "kata.yaml").read_text().replace("    title:", "    titel:", 1))
    result = run(ws, "list")
    assert result.exit_code == 2
    assert result.output.strip() == (f"Error: {ws / 'kata.yaml'}:10: unknown key 'titel' in a kata; allowed keys: "
                                     "check_file, checks, files, folder, id, import_time_limit, memory_mb, "
                                     "solution, submission_time_limit, time_limit, title, visibility")


def test_kata_finds_its_root_from_a_subfolder_or_env(ws, tmp_path, monkeypatch):
    monkeypatch.chdir(ws / "katas/10.2-mle")
    assert CliRunner().invoke(main, ["list"]).exit_code == 0
    monkeypatch.chdir(tmp_path)
    lost = CliRunner().invoke(main, ["list"], env={"KATA_ROOT": ""})
    assert lost.exit_code == 2 and "no kata.yaml found" in lost.output
    assert CliRunner().invoke(main, ["list"], env={"KATA_ROOT": str(ws)}).exit_code == 0


def test_list_shows_last_and_best_score(ws, tiny):
    shipped = run(ws, "list")  # the phase as shipped: every kata listed, in order, not started
    assert [line.split()[0] for line in shipped.output.splitlines()[:3]] == ["10.1", "10.2", "10.3"]
    assert "not started (0/32)" in shipped.output.splitlines()[1]
    before = run(tiny, "list")
    assert before.output.splitlines()[0].split()[0] == "0.1" and "not started (0/4)" in before.output
    learner = tiny / "katas/0.1-tiny/tiny.py"
    learner.write_text(WRONG_ADD)
    run(tiny, "check", "0.1")
    shutil.copy(tiny / "katas/0.1-tiny/.shipped/tiny.py", learner)
    run(tiny, "check", "0.1")
    after = run(tiny, "list")
    assert "Tiny kata for tests" in after.output and "last 0/4, best 2" in after.output
    state = json.loads((tiny / ".kata/state.json").read_text())
    assert state["katas"]["0.1"]["best_score"] == 2.0


def test_check_of_another_file_does_not_touch_progress(tiny, tmp_path):
    result = run(tiny, "check", "0.1", "--file", learner_file(tmp_path, "tiny.py", TINY_SOLUTION))
    assert result.exit_code == 0 and "score 4/4" in result.output  # graded...
    assert not (tiny / ".kata/state.json").exists()  # ...and not counted as the kata's progress


def test_verify_passes_on_the_repository(manifest):
    result = CliRunner().invoke(main, ["--root", str(manifest.root), "verify"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["ok    10.1  Bayesian thinking (26 checks, 26 points)",
                                          "ok    10.2  Maximum likelihood estimation (32 checks, 32 points)",
                                          "ok    10.3  MAP estimation (19 checks, 19 points)"]


def test_verify_is_not_fooled_by_an_edited_stub(tiny):
    shutil.copy(tiny / "solutions/0.1-tiny/tiny.py", tiny / "katas/0.1-tiny/tiny.py")
    result = run(tiny, "verify", "0.1")
    assert result.exit_code == 0, result.output
    assert "note: tiny.py has been edited" in result.output


def test_verify_reports_a_wrong_solution_and_a_passing_stub(tiny):
    (tiny / "solutions/0.1-tiny/tiny.py").write_text(WRONG_ADD)
    (tiny / "solutions/0.1-tiny/helper.py").write_text("X = 1\n")  # a file of the solution's, not a solution
    stub = tiny / "katas/0.1-tiny/.shipped/tiny.py"
    stub.write_text(stub.read_text().replace('none."""\n    raise NotImplementedError',
                                             'none."""\n    if not values:\n        raise ValueError("empty")\n'
                                             '    return sum(values) / len(values)'))
    result = run(tiny, "verify")
    assert result.exit_code == 1
    assert "the reference solution fails 'test_add_random' with seed" in result.output
    assert "the shipped stub passes 'test_mean_values' (seed" in result.output
    assert "helper" not in result.output


def test_verify_reports_checks_the_manifest_does_not_know(tiny):
    checks = tiny / "katas/0.1-tiny/checks/test_tiny.py"
    checks.write_text(checks.read_text() + "\n\ndef test_extra(learner):\n    pass\n")
    (tiny / "katas/stray").mkdir()
    result = run(tiny, "verify")
    assert result.exit_code == 1
    assert "test_tiny.py defines 'test_extra', which kata.yaml does not list" in result.output
    assert "FAIL  katas/stray belongs to no kata in kata.yaml" in result.output


def test_verify_reports_a_target_the_stub_lacks(tiny):
    text = (tiny / "kata.yaml").read_text()
    (tiny / "kata.yaml").write_text(text.replace("target: mean", "target: meen", 1))
    result = run(tiny, "verify")
    assert result.exit_code == 1
    assert "check 'test_mean_values' targets 'meen', which the stub does not define" in result.output


THREADS_AFTER = """
import os, sys
sys.argv = ["kata", "--help"]
leave = os._exit


def count_then_leave(code):  # numpy is loaded by now, with the command line: its BLAS has started its threads
    print("threads", len(os.listdir("/proc/self/task")), flush=True)
    leave(code)


os._exit = count_then_leave
if {entry}:
    from grader.entry import main
else:
    from grader.cli import entry as main
main()
"""


@COUNTS_THREADS
def test_the_kata_command_starts_no_blas_threads():
    """kata's trusted process forks grading processes and computes on small arrays: its BLAS runs on one thread.
    Without the console script's setting, numpy (loaded with the command line) starts a thread per core."""
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}

    def threads(entry: bool) -> int:
        done = subprocess.run([sys.executable, "-c", THREADS_AFTER.format(entry=entry)], env=env, cwd=REPO,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return int(done.stdout.rsplit("threads ", 1)[1])

    assert threads(entry=True) == 1
    assert threads(entry=False) > 1  # the command line without the console script: what the setting prevents


@pytest.mark.parametrize("mode", ["fork", "spawn"])
def test_real_subprocess_json_is_the_only_stdout(tiny, tmp_path, mode):
    env = {**os.environ, "KATA_WORKER": mode}
    exits = TINY_SOLUTION.replace("    return a + b", "    print('bye')\n    os._exit(3)")
    proc = subprocess.run([sys.executable, "-m", "grader", "check", "0.1", "--json", "--file",
                           learner_file(tmp_path, "tiny.py", "import os\n" + exits)],
                          cwd=tiny, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    data = json.loads(proc.stdout)
    assert data["score"] == 2.0
    assert all("ended the process" in c["message"] for c in data["checks"] if not c["passed"])
    assert beyond_warnings(proc.stderr) == []  # nothing of kata's or the learner's; a library may warn


WARNING_LINE = re.compile(r"^.*:\d+: \w*Warning: ")


def beyond_warnings(stderr: str) -> list:
    """The lines of ``stderr`` that are not Python warnings (each a ``file:line: XWarning: text`` line and
    the indented source line after it): a dependency's deprecation notice is not kata writing to stderr."""
    lines, kept = stderr.splitlines(), []
    skip_source = False
    for line in lines:
        if WARNING_LINE.match(line):
            skip_source = True
        elif skip_source and line.startswith(" "):
            skip_source = False
        else:
            skip_source = False
            kept.append(line)
    return kept


def test_beyond_warnings_keeps_everything_else():
    warned = "/x/scipy/a.py:3: DeprecationWarning: old\n  import thing\n"
    assert beyond_warnings(warned) == []
    assert beyond_warnings(warned + "Traceback (most recent call last):\n") == ["Traceback (most recent call last):"]
    assert beyond_warnings("Error: no kata '10.9'\n") == ["Error: no kata '10.9'"]


def test_checks_run_under_plain_pytest(tmp_path):
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "0"]
    good = subprocess.run(command + ["katas/10.2-mle/checks"], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert good.returncode == 0 and "32 passed" in good.stdout, good.stdout[-2000:]
    # --kata-file, on the tiny kata: its checks folder gets the conftest.py every kata has
    tiny = copy_tiny(tmp_path / "tiny")
    (tiny / "katas/0.1-tiny/checks/conftest.py").write_text("from grader.pytest_plugin import *  # noqa: F401,F403\n")
    wrong = tmp_path / "wrong.py"
    wrong.write_text((tiny / "solutions/0.1-tiny/tiny.py").read_text().replace("return a + b", "return a - b"))
    bad = subprocess.run(command + ["katas/0.1-tiny/checks", "--kata-file", str(wrong)], cwd=tiny,
                         capture_output=True, text=True, timeout=300)
    assert bad.returncode == 1 and "2 failed, 2 passed" in bad.stdout, bad.stdout[-2000:]


def test_doctor_lists_protections(monkeypatch):
    result = CliRunner().invoke(main, ["doctor"])
    assert result.exit_code == 0
    assert "[on ] separate worker process, plain-data results" in result.output
    assert "protections active" in result.output.splitlines()[-1]
    monkeypatch.setenv("KATA_WORKER", "spawn")
    fallback = CliRunner().invoke(main, ["doctor"])
    assert "workers: subprocess" in fallback.output
    assert "[off] private network" in fallback.output and "missing:" in fallback.output


@pytest.mark.parametrize("args, command", [
    (["check", "10.2"], "check"), (["--root", "check", "grade", "10.2"], "grade"),
    (["--no-color", "watch", "10.2"], "watch"), (["--help"], ""), (["list"], "list"),
])
def test_entry_point_recognises_commands_that_need_workers(args, command):
    from grader import entry

    assert entry._command(args) == command


def test_early_fork_server_is_adopted_only_for_the_default_preload():
    from grader.settings import DEFAULT_PRELOAD
    from grader.workers.client import start as early

    early._started["server"] = early.spawn_fork_server(DEFAULT_PRELOAD)
    assert early.take(("numpy",)) is None and early.take(DEFAULT_PRELOAD) is None
    early._started["server"] = server = early.spawn_fork_server(DEFAULT_PRELOAD)
    assert early.take(DEFAULT_PRELOAD) is server
    server[0].close()
    assert server[1].wait(timeout=30) == 0
