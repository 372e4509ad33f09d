"""A broken sandbox cannot pass: the plan holds every protection this machine can give, found independently.

Under CI (``CI=true``) a test needing a protection the machine can give but the plan lacks fails instead of
skipping (tests/conftest.py), and turning layers off with ``KATA_SANDBOX``/``KATA_SANDBOX_OFF`` fails here.
"""

import os

import conftest
import pytest
from click.testing import CliRunner
from conftest import CI, LAYERS, PLAN

from grader.cli import main
from grader.workers.inside import protections


def test_the_plan_gives_every_protection_this_machine_can():
    chosen = os.environ.get("KATA_SANDBOX", "full").strip().lower() in ("", "full") and not os.environ.get(
        "KATA_SANDBOX_OFF", "").strip()
    if not chosen:
        assert not CI, "under CI the sandbox is tested whole: unset KATA_SANDBOX and KATA_SANDBOX_OFF"
        pytest.skip("layers turned off on purpose (KATA_SANDBOX, KATA_SANDBOX_OFF)")
    expected = conftest.EXPECTED or conftest._expected()
    missing = sorted(layer for layer, can in expected.items() if can and not LAYERS[layer])
    assert missing == [], f"this machine can give {missing}, but kata's sandbox plan lacks them"


def test_doctor_and_the_grade_header_say_the_same(monkeypatch):
    doctor = CliRunner().invoke(main, ["doctor"])
    assert doctor.exit_code == 0
    summary = protections.summary(PLAN, "fork")
    assert summary in doctor.output
    for name in protections.missing(PLAN, "fork"):
        assert f"[off] {name}" in doctor.output


@pytest.mark.parametrize("value", ["seccomp,landlok", "all", "namespaces;seccomp"])
def test_an_unknown_layer_to_turn_off_is_one_line(monkeypatch, value):
    monkeypatch.setenv("KATA_SANDBOX_OFF", value)
    result = CliRunner().invoke(main, ["doctor"])
    assert result.exit_code == 2 and result.output.count("\n") == 1 and "KATA_SANDBOX_OFF" in result.output


def test_a_layer_turned_off_is_shown_off(monkeypatch):
    if not (LAYERS["seccomp"] and LAYERS["landlock"]):
        pytest.skip("needs seccomp and Landlock to turn off")
    monkeypatch.setenv("KATA_SANDBOX_OFF", "seccomp,landlock")
    output = CliRunner().invoke(main, ["doctor"]).output
    assert "[off] no Unix, netlink or raw sockets at all" in output
    assert "[off] file access limited to Python and the submission" in output


def test_spawned_workers_are_said_to_have_the_process_boundary_and_rlimits_only(monkeypatch):
    monkeypatch.setenv("KATA_WORKER", "spawn")
    output = CliRunner().invoke(main, ["doctor"]).output
    on = {line[8:].split("  ")[0].strip() for line in output.splitlines() if line.startswith("  [on ]")}
    assert on == {"separate worker process, plain-data results", "started isolated: no current folder or PYTHONPATH",
                  "sees its own submission's files only", "time limit per call",
                  *(["resource limits per process (memory, file size, open files)"] if os.name == "posix" else [])}
