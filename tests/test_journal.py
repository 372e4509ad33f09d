"""The grading journal: every line recorded at once, fsynced in groups, torn lines ignored."""

import json

from grader.cohort import journal as journal_mod
from grader.cohort.journal import Journal
from grader.core.results import KataResult


def _result(score: float) -> KataResult:
    return KataResult(kata="t", score=score, max_score=2.0, status="graded", checks=[], seed=1)


def test_lines_are_readable_at_once_and_fsynced_in_groups(tmp_path, monkeypatch):
    synced = []
    monkeypatch.setattr(journal_mod.os, "fsync", lambda fd: synced.append(fd))
    path = tmp_path / "journal.jsonl"
    journal = Journal(path)
    journal.start(7)
    for i in range(50):
        journal.append(f"s{i}", "digest", "checks", _result(i % 3))
        # another process (a resumed run, a gradebook) sees the line before the run ends
        assert json.loads(path.read_text().splitlines()[-1])["student"] == f"s{i}"
    assert 1 <= len(synced) < 50
    journal.close()
    assert len(synced) >= 2  # the run's end is made durable
    again = Journal(path)
    assert again.seed == 7 and sorted(again.entries) == sorted(f"s{i}" for i in range(50))
    assert again.lookup("s4", "digest", "checks") and again.read("s4").score == 1


def _started(tmp_path, seed: int) -> tuple:
    path = tmp_path / "journal.jsonl"
    journal = Journal(path)
    journal.start(seed)
    return path, journal


def test_a_torn_last_line_is_ignored_and_the_next_stands_alone(tmp_path):
    path, journal = _started(tmp_path, 3)
    journal.append("ada", "d", "c", _result(2))
    journal.close()
    with open(path, "ab") as handle:
        handle.write(b'{"student": "bob", "dig')  # a crash mid-write
    resumed = Journal(path)
    assert sorted(resumed.entries) == ["ada"]
    resumed.append("bob", "d", "c", _result(1))
    resumed.close()
    final = Journal(path)
    assert sorted(final.entries) == ["ada", "bob"]
    assert final.lookup("bob", "d", "c") and final.read("bob").score == 1


def test_a_result_kata_itself_spoiled_is_graded_again(tmp_path):
    from grader.core.results import CheckResult, Outcome, error_result

    path, journal = _started(tmp_path, 5)
    journal.append("ada", "d", "c", _result(2))
    journal.append("bob", "d", "c", error_result("t", 2.0, "kata could not start a worker: could not fork", 5,
                                                 retry=True))
    journal.append("cyd", "d", "c", error_result("t", 2.0, "could not import tiny.py: SyntaxError", 5))
    broken_check = CheckResult(name="test_x", target="x", passed=False, points=0, max_points=1, message="a bug in "
                               "the check", hint="", outcome=Outcome.INTERNAL)
    journal.append("dan", "d", "c", KataResult(kata="t", score=1.0, max_score=2.0, status="graded",
                                               checks=[broken_check], seed=5))
    journal.close()
    resumed = Journal(path)
    # the learner's own grades stand (a syntax error is the learner's); kata's faults are graded again
    assert [s for s in ("ada", "bob", "cyd", "dan") if resumed.lookup(s, "d", "c")] == ["ada", "cyd"]
