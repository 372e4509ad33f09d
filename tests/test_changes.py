"""Stale grades: every input of a grade regrades when it changes, and the summary says whose score moved."""

import json
import uuid

import pytest
from click.testing import CliRunner
from conftest import TINY, copy_tiny

from grader.cli import main
from grader.cohort import changes, inputs
from grader.cohort.journal import Journal

CORRECT = (TINY / "solutions" / "0.1-tiny" / "tiny.py").read_text()
OFF = CORRECT.replace("return sum(values) / len(values)",
                      "return sum(values) / len(values) + (0.01 if len(values) == 5 else 0.0)")
CHECKS = '''"""Checks of the tiny kata, with a tolerance kept in a module of the checks folder."""

import pytest
from tolerance import TOL


def test_add_small(learner):
    assert learner.add(2, 3) == 5


def test_add_random(learner, rng):
    a, b = (float(x) for x in rng.integers(-100, 100, size=2))
    assert learner.add(a, b) == a + b


def test_mean_values(learner, rng):
    values = [float(x) for x in rng.integers(0, 10, size=5)]
    assert learner.mean(values) == pytest.approx(sum(values) / 5, abs=TOL)


def test_mean_rejects_empty(learner):
    assert learner.mean([1.0, 3.0]) == 2.0
    with pytest.raises(ValueError):
        learner.mean([])
'''


@pytest.fixture
def cohort(tmp_path):
    ws = copy_tiny(tmp_path / "ws")
    checks = ws / "katas" / "0.1-tiny" / "checks"
    (checks / "test_tiny.py").write_text(CHECKS)
    (checks / "tolerance.py").write_text("TOL = 0.001\n")
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "ada.py").write_text(CORRECT)
    (subs / "off.py").write_text(OFF)
    return ws, subs


def grade(ws, subs, *extra):
    out = ws.parent / f"grades-{uuid.uuid4().hex[:6]}.csv"
    result = CliRunner().invoke(main, ["--root", str(ws), "grade", "0.1", str(subs), "--out", str(out),
                                       "--jobs", "1", *extra])
    return result


def graded_now(output: str) -> int:
    return int(output.split(" graded now")[0].rsplit("; ", 1)[1])


def last_reasons(ws) -> dict:
    journal = Journal(next((ws / ".kata" / "journal").glob("*.jsonl")))
    return {record["student"]: record.get("reasons") for record in journal.records_since_start()}


def test_a_module_of_the_checks_folder_regrades_and_the_summary_says_whose_score_moved(cohort):
    ws, subs = cohort
    first = grade(ws, subs)
    assert first.exit_code == 0, first.output
    assert "score changed since the last run" not in first.output  # a first grade is not a change
    assert graded_now(grade(ws, subs).output) == 0  # nothing changed: nothing graded
    (ws / "katas" / "0.1-tiny" / "checks" / "tolerance.py").write_text("TOL = 0.1\n")  # not the check file
    again = grade(ws, subs)
    assert again.exit_code == 0, again.output
    assert graded_now(again.output) == 2
    assert "score changed since the last run: 1 student\n  off: 3 -> 4 of 4 (checks changed)" in again.output
    assert "ada:" not in again.output.split("score changed")[1]  # graded again, same score: not a change


@pytest.mark.parametrize("edit", ["hints", "misconception", "manifest points"])
def test_every_input_of_the_kata_regrades(cohort, edit):
    ws, subs = cohort
    assert grade(ws, subs).exit_code == 0
    folder = ws / "katas" / "0.1-tiny"
    if edit == "hints":
        (folder / "hints.yaml").write_text((folder / "hints.yaml").read_text() + "\n# reworded\n")
    elif edit == "misconception":
        (folder / "misconceptions").mkdir()
        (folder / "misconceptions" / "minus.py").write_text('"""You subtracted."""\n\n\ndef add(a, b):\n'
                                                            "    return a - b\n")
    else:
        yaml = ws / "kata.yaml"
        yaml.write_text(yaml.read_text().replace("      - name: test_add_random\n",
                                                 "      - name: test_add_random\n        points: 2\n"))
    again = grade(ws, subs)
    assert again.exit_code == 0, again.output
    assert graded_now(again.output) == 2
    assert set(map(tuple, last_reasons(ws).values())) == {(changes.CHECKS,)}


def test_the_lesson_is_not_an_input(cohort):
    ws, subs = cohort
    assert grade(ws, subs).exit_code == 0
    lesson = ws / "katas" / "0.1-tiny" / "README.md"
    lesson.write_text(lesson.read_text() + "\nA clearer explanation.\n")
    assert graded_now(grade(ws, subs).output) == 0


def test_kata_code_and_installed_libraries_are_inputs(cohort, monkeypatch):
    ws, subs = cohort
    assert grade(ws, subs).exit_code == 0
    original = inputs.installed
    monkeypatch.setattr(inputs, "installed", lambda: [*original(), "newlib==1.0"])  # a library installed since
    again = grade(ws, subs)
    assert graded_now(again.output) == 2
    assert set(map(tuple, last_reasons(ws).values())) == {(changes.ENVIRONMENT,)}


def test_the_environment_digest_covers_kata_itself_and_what_is_installed(monkeypatch):
    import numpy

    assert f"numpy=={numpy.__version__}" in inputs.installed()
    before = inputs.environment_digest()
    monkeypatch.setenv("KATA_SANDBOX", "off")
    assert inputs.environment_digest() != before  # graded under other protections
    monkeypatch.delenv("KATA_SANDBOX")
    monkeypatch.setattr(inputs, "_package_digest", lambda: "another checklib")
    assert inputs.environment_digest() != before


def test_student_regrades_only_the_chosen_and_force_keeps_previous_scores(cohort):
    ws, subs = cohort
    assert grade(ws, subs).exit_code == 0
    chosen = grade(ws, subs, "--student", "off")
    assert chosen.exit_code == 0, chosen.output
    assert graded_now(chosen.output) == 1
    assert last_reasons(ws) == {"off": [changes.CHOSEN]}
    forced = grade(ws, subs, "--force")
    assert graded_now(forced.output) == 2
    assert last_reasons(ws) == {"ada": [changes.FORCED], "off": [changes.FORCED]}
    lines = [json.loads(line) for line in next((ws / ".kata" / "journal").glob("*.jsonl")).read_text().splitlines()]
    assert [line["previous"]["score"] for line in lines[-2:]] == [4.0, 3.0]


def test_an_unknown_student_is_one_line(cohort):
    ws, subs = cohort
    result = grade(ws, subs, "--student", "nobody")
    assert result.exit_code == 2
    assert "--student nobody: no such student" in result.output and "Traceback" not in result.output
