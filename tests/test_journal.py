"""The grading journal: every line recorded at once, fsynced in groups, torn lines ignored."""

import json

from grader.cohort import journal as journal_mod
from grader.cohort.journal import Journal
from grader.core.results import KataResult

INPUTS = {"checks": "c", "environment": "e"}


def _result(score: float) -> KataResult:
    return KataResult(kata="t", score=score, max_score=2.0, status="graded", checks=[], seed=1)


def test_lines_are_readable_at_once_and_fsynced_in_groups(tmp_path, monkeypatch):
    synced = []
    monkeypatch.setattr(journal_mod.os, "fsync", lambda fd: synced.append(fd))
    path = tmp_path / "journal.jsonl"
    journal = Journal(path)
    journal.start(7)
    for i in range(50):
        journal.append(f"s{i}", "digest", INPUTS, _result(i % 3))
        # another process (a resumed run, a gradebook) sees the line before the run ends
        assert json.loads(path.read_text().splitlines()[-1])["student"] == f"s{i}"
    assert 1 <= len(synced) < 50
    journal.close()
    assert len(synced) >= 2  # the run's end is made durable
    again = Journal(path)
    assert again.seed == 7 and sorted(again.entries) == sorted(f"s{i}" for i in range(50))
    assert again.lookup("s4", "digest", INPUTS) and again.read("s4").score == 1


def _started(tmp_path, seed: int) -> tuple:
    path = tmp_path / "journal.jsonl"
    journal = Journal(path)
    journal.start(seed)
    return path, journal


def test_a_torn_last_line_is_ignored_and_the_next_stands_alone(tmp_path):
    path, journal = _started(tmp_path, 3)
    journal.append("ada", "d", INPUTS, _result(2))
    journal.close()
    with open(path, "ab") as handle:
        handle.write(b'{"student": "bob", "dig')  # a crash mid-write
    resumed = Journal(path)
    assert sorted(resumed.entries) == ["ada"]
    resumed.append("bob", "d", INPUTS, _result(1))
    resumed.close()
    final = Journal(path)
    assert sorted(final.entries) == ["ada", "bob"]
    assert final.lookup("bob", "d", INPUTS) and final.read("bob").score == 1


def test_a_result_kata_itself_spoiled_is_graded_again(tmp_path):
    from grader.core.results import CheckResult, Outcome, error_result

    path, journal = _started(tmp_path, 5)
    journal.append("ada", "d", INPUTS, _result(2))
    journal.append("bob", "d", INPUTS, error_result("t", 2.0, "kata could not start a worker: could not fork", 5,
                                                 retry=True))
    journal.append("cyd", "d", INPUTS, error_result("t", 2.0, "could not import tiny.py: SyntaxError", 5))
    broken_check = CheckResult(name="test_x", target="x", passed=False, points=0, max_points=1, message="a bug in "
                               "the check", hint="", outcome=Outcome.INTERNAL)
    journal.append("dan", "d", INPUTS, KataResult(kata="t", score=1.0, max_score=2.0, status="graded",
                                               checks=[broken_check], seed=5))
    journal.close()
    resumed = Journal(path)
    # the learner's own grades stand (a syntax error is the learner's); kata's faults are graded again
    assert [s for s in ("ada", "bob", "cyd", "dan") if resumed.lookup(s, "d", INPUTS)] == ["ada", "cyd"]


def test_a_student_graded_again_keeps_their_previous_score_and_why(tmp_path):
    from grader.cohort import changes

    path, journal = _started(tmp_path, 5)
    for student in ("ada", "bob", "cyd", "dan"):
        journal.append(student, "d", INPUTS, _result(1))
    journal.close()
    second = Journal(path)
    second.start(5)
    assert second.lookup("ada", "d", INPUTS)  # unchanged: stands
    assert not second.lookup("bob", "d2", INPUTS)
    assert not second.lookup("cyd", "d", {**INPUTS, "environment": "e2"}, regrade=changes.CHOSEN)
    assert not second.lookup("dan", "d", INPUTS, regrade=changes.FORCED)
    assert not second.lookup("eve", "d", INPUTS)  # new: not a change
    for student, score in (("bob", 2), ("cyd", 0), ("dan", 1), ("eve", 2)):
        second.append(student, "d", INPUTS, _result(score))
    second.close()
    expected = [changes.Change("bob", 1.0, 2.0, 2.0, (changes.SUBMISSION,), 2.0),
                changes.Change("cyd", 1.0, 0.0, 2.0, (changes.ENVIRONMENT, changes.CHOSEN), 2.0)]
    assert changes.changes(second) == expected  # dan was forced, but his score stayed
    assert changes.changes(Journal(path)) == expected  # the same, read from the file afterwards


def test_lines_of_an_older_kata_without_digests_per_kind_are_graded_again(tmp_path):
    from grader.cohort import changes

    path = tmp_path / "journal.jsonl"
    path.write_text(json.dumps({"seed": 3}) + "\n" + json.dumps(
        {"student": "ada", "digest": "d", "checks": "c", "result": _result(1).to_dict()}) + "\n")
    journal = Journal(path)
    journal.start(3)
    assert not journal.lookup("ada", "d", INPUTS)
    journal.append("ada", "d", INPUTS, _result(2))
    journal.close()
    assert changes.changes(Journal(path)) == [changes.Change("ada", 1.0, 2.0, 2.0, (changes.ENVIRONMENT,), 2.0)]


def test_a_journal_of_mostly_superseded_lines_is_compacted_keeping_the_latest(tmp_path, monkeypatch):
    monkeypatch.setattr(journal_mod, "COMPACT_SLACK", 10)
    path, journal = _started(tmp_path, 1)
    for run in range(5):
        journal.start(1)
        for student in ("ada", "bob"):
            journal.lookup(student, "d", INPUTS, regrade="forced")
            journal.append(student, "d", INPUTS, _result(run % 3))
    journal.close()
    before = len(path.read_text().splitlines())
    again = Journal(path)
    again.start(1)
    again.close()
    lines = path.read_text().splitlines()
    assert len(lines) < before and len(lines) == 3  # each student's latest line, and this run's header
    final = Journal(path)
    assert final.lookup("ada", "d", INPUTS) and final.read("ada").score == 4 % 3
