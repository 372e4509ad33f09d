"""A broken sandbox cannot pass: the plan holds every protection this machine can give, found independently.

Under CI (``CI=true``) a test needing a protection the machine can give but the plan lacks fails instead of
skipping (tests/conftest.py), and turning layers off with ``KATA_SANDBOX``/``KATA_SANDBOX_OFF`` fails here.
"""

import os
import re

import conftest
import pytest
from click.testing import CliRunner
from conftest import CI, LAYERS, PLAN, copy_tiny, needs

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


def test_doctor_and_the_grade_header_say_the_same(tmp_path):
    doctor = CliRunner().invoke(main, ["doctor"])
    assert doctor.exit_code == 0, doctor.output
    summary = protections.summary(PLAN, "fork")
    assert summary in doctor.output
    for name in protections.missing(PLAN, "fork"):
        assert f"[off] {name}" in doctor.output
    (said,) = [line for line in doctor.output.splitlines() if re.match(r"\d+/\d+ protections active", line)]
    ws = copy_tiny(tmp_path / "ws")
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "ada.py").write_text((ws / "solutions" / "0.1-tiny" / "tiny.py").read_text())
    graded = CliRunner().invoke(main, ["--root", str(ws), "grade", "0.1", str(subs), "--out", str(tmp_path / "g.csv"),
                                       "--jobs", "1"])
    assert graded.exit_code == 0, graded.output
    (header,) = [line for line in graded.output.splitlines() if line.startswith("grading kata")]
    assert header.endswith(f"; {said}"), (header, said)  # the header's summary is doctor's, word for word


@pytest.mark.parametrize("value", ["seccomp,landlok", "all", "namespaces;seccomp"])
def test_an_unknown_layer_to_turn_off_is_one_line(monkeypatch, value):
    monkeypatch.setenv("KATA_SANDBOX_OFF", value)
    result = CliRunner().invoke(main, ["doctor"])
    assert result.exit_code == 2 and result.output.count("\n") == 1 and "KATA_SANDBOX_OFF" in result.output


@needs("seccomp", "landlock")
def test_a_layer_turned_off_is_shown_off(monkeypatch):
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
