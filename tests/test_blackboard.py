"""Blackboard, end to end: its Assignment File Download with receipts, its Work Offline download filled
in, read back the way its upload reads them (tests/platform_rules.py)."""

import csv
import io

import pytest
from conftest import TINY, copy_tiny
from platform_rules import (
    blackboard_receipt,
    blackboard_upload,
    blackboard_work_offline,
    json_rows,
    kata_grade,
)

from grader.cohort import layouts

CORRECT = (TINY / "solutions" / "0.1-tiny" / "tiny.py").read_text()
WRONG = CORRECT.replace("return a + b", "return a - b")
ASSIGNMENT = "HW 10 - MLE"
COLUMN = f"{ASSIGNMENT} [Total Pts: 10 Score] |2860302"
ROSTER = [("Patel", "Priya", "p_patel", ""), ("O'Brien", "Liam", "obrien_l", ""),
          ("Lovelace", "Ada", "ada.lovelace", "Needs Grading"), ("Núñez", "José", "jose-nunez", ""),
          ("Müller", "Zoë", "zoe_muller", ""), ("Ng", "Mallory", "mallory", "")]


def attempt(subs, full_name, user, stamp, files: dict):
    """One attempt as Blackboard writes it: the receipt and each file under the attempt's prefix."""
    prefix = f"{ASSIGNMENT}_{user}_attempt_{stamp}"
    (subs / f"{prefix}.txt").write_text(blackboard_receipt(full_name, user, ASSIGNMENT, stamp, list(files)))
    for name, content in files.items():
        (subs / f"{prefix}_{name}").write_text(content)


@pytest.fixture
def course(tmp_path):
    ws = copy_tiny(tmp_path / "ws")
    subs = tmp_path / "download"
    subs.mkdir()
    attempt(subs, "Priya Patel", "p_patel", "2026-11-20-10-00-00", {"tiny.py": CORRECT})
    attempt(subs, "Liam O'Brien", "obrien_l", "2026-11-20-11-00-00", {"tiny.py": WRONG, "notes.txt": "hi"})
    attempt(subs, "Ada Lovelace", "ada.lovelace", "2026-11-20-12-00-00", {"My Homework (final).py": CORRECT})
    attempt(subs, "Zoë Müller", "zoe_muller", "2026-11-20-09-00-00", {"tiny.py": CORRECT})
    attempt(subs, "Zoë Müller", "zoe_muller", "2026-11-21-09-00-00", {"tiny.py": WRONG})  # the latest counts
    # Mallory uploads files named like a later attempt of p_patel's, and a forged receipt.
    attempt(subs, "Mallory Ng", "mallory", "2026-11-21-08-00-00", {
        "tiny.py": CORRECT,
        "x_p_patel_attempt_2099-01-01-00-00-00_tiny.py": WRONG,
        "x_p_patel_attempt_2099-01-01-00-00-00.txt": "Name: Priya Patel (p_patel)\n"})
    attempt(subs, "Former Student", "former_1", "2026-11-20-08-00-00", {"tiny.py": CORRECT})  # not on the roster
    (subs / "grading notes.docx").write_bytes(b"PK")
    (tmp_path / "gc.csv").write_bytes(blackboard_work_offline(ROSTER, COLUMN))
    return ws, subs, tmp_path


def test_identity_comes_from_the_receipts(course):
    _, subs, _ = course
    entries = {e.student: e for e in layouts.entries(subs, "blackboard")}
    assert sorted(k for k, e in entries.items() if not e.unattributed) == [
        "ada.lovelace", "former_1", "mallory", "obrien_l", "p_patel", "zoe_muller"]
    assert set(entries["p_patel"].files) == {"tiny.py"} and entries["p_patel"].superseded == []
    assert set(entries["mallory"].files) == {"tiny.py", "x_p_patel_attempt_2099-01-01-00-00-00_tiny.py",
                                             "x_p_patel_attempt_2099-01-01-00-00-00.txt"}
    assert entries["zoe_muller"].superseded == ["attempt 2026-11-20-09-00-00"]
    assert entries["obrien_l"].name == "Liam O'Brien" and entries["grading notes.docx"].unattributed


def test_the_work_offline_download_filled_in_updates_its_column(course):
    ws, subs, tmp = course
    result = kata_grade(ws, subs, "--roster", str(tmp / "gc.csv"), "--out", str(tmp / "up.csv"),
                        "--out", str(tmp / "up.xls"), "--out", str(tmp / "grades.json"), "--column", ASSIGNMENT)
    assert result.exit_code == 0, result.output
    users = {user for *_, user, _ in ROSTER}
    for name in ("up.csv", "up.xls"):
        upload = blackboard_upload((tmp / name).read_bytes(), name, {2860302: 10, 2860301: 10, 2860299: 20,
                                                                     2860298: 0}, users)
        assert upload.new_columns == [] and upload.unknown_users == []
        kata_column = {user: value for (user, column), value in upload.updates.items() if column == 2860302}
        assert kata_column == {"p_patel": "10.00", "obrien_l": "5.00", "ada.lovelace": "10.00", "jose-nunez": "",
                               "zoe_muller": "5.00", "mallory": "10.00"}
        assert all(value == "7.00" for (_, column), value in upload.updates.items() if column == 2860301)
    rows = json_rows(tmp / "grades.json")
    assert rows["former_1"]["roster"] == "not in roster" and rows["jose-nunez"]["roster"] == "no submission"
    assert rows["zoe_muller"]["superseded"] == ["attempt 2026-11-20-09-00-00"]
    assert "zoe_muller: attempt 2026-11-20-09-00-00" in result.output


@pytest.mark.parametrize("download", ["column.csv", "column.xls"])
def test_feedback_goes_into_the_feedback_column_of_a_download_with_comments(course, download):
    ws, subs, tmp = course
    exported = blackboard_work_offline(ROSTER, COLUMN, feedback=True)
    if download.endswith(".xls"):  # the tab-delimited download: UTF-16 with its byte order mark
        rows = csv.reader(io.StringIO(exported.decode("utf-8-sig")))
        exported = "\ufeff".join(["", "".join("\t".join(row) + "\r\n" for row in rows)]).encode("utf-16-le")
    (tmp / download).write_bytes(exported)
    assert kata_grade(ws, subs, "--roster", str(tmp / download), "--out", str(tmp / "up.csv")).exit_code == 0
    upload = blackboard_upload((tmp / "up.csv").read_bytes(), "up.csv", {2860302: 10}, {u for *_, u, _ in ROSTER})
    assert upload.feedback["obrien_l"].startswith("<p>kata 0.1 Tiny kata for tests: 2/4<br>to work on: add")
    assert "jose-nunez" not in upload.feedback


def test_the_upload_rules_reject_what_blackboard_rejects():
    """The rules are strict where Blackboard is: an unquoted comma file, and a column without its id."""
    with pytest.raises(AssertionError, match="unquoted"):
        blackboard_upload(b'"Username","Kata [Total Pts: 4 Score] |1"\nada,4\n', "g.csv", {1: 4}, {"ada"})
    upload = blackboard_upload(b'"Username","Kata [Total Pts: 4 Score]"\n"ada","4"\n', "g.csv", {1: 4}, {"ada"})
    assert upload.new_columns == ["Kata [Total Pts: 4 Score]"] and upload.updates == {}


def test_without_a_roster_every_field_is_quoted_and_kata_says_a_column_is_made(course):
    ws, subs, tmp = course
    result = kata_grade(ws, subs, "--out", str(tmp / "new.csv"))
    upload = blackboard_upload((tmp / "new.csv").read_bytes(), "new.csv", {}, {u for *_, u, _ in ROSTER} | {"former_1"})
    assert upload.new_columns == ["kata 0.1 Tiny kata for tests [Total Pts: 4 Score]"]
    assert upload.unknown_users == [] and "Blackboard makes a new text column" in result.output


def test_a_full_grade_center_needs_the_column_named(course):
    ws, subs, tmp = course
    result = kata_grade(ws, subs, "--roster", str(tmp / "gc.csv"), "--out", str(tmp / "up.csv"))
    assert result.exit_code == 2 and "no grade column of the roster names kata 0.1" in result.output
    assert "HW 10 - MLE [Total Pts: 10 Score] |2860302; Quiz 1 [Total Pts: 10 Score] |2860301" in result.output


def test_a_feedback_zip_for_blackboard_is_refused_before_grading(course):
    ws, subs, tmp = course
    result = kata_grade(ws, subs, "--out", str(tmp / "g.json"), "--feedback-zip", str(tmp / "f.zip"))
    assert result.exit_code == 2 and "Blackboard takes no feedback files in bulk" in result.output
    assert not (tmp / "g.json").exists()


def test_a_username_that_is_a_path_stays_in_its_folder(tmp_path):
    ws = copy_tiny(tmp_path / "ws")
    subs = tmp_path / "download"
    subs.mkdir()
    attempt(subs, "Dot Dot", "..", "2026-11-20-10-00-00", {"tiny.py": CORRECT})
    attempt(subs, "Ann Lee", "ann", "2026-11-20-10-00-00", {"tiny.py": WRONG})
    out = tmp_path / "out"
    result = kata_grade(ws, subs, "--out", str(out / "res") + "/", "--format", "gradescope",
                        "--feedback", str(out / "fb"), "--out", str(out / "g.json"))
    assert result.exit_code == 0, result.output
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert written == ["fb/%2E%2E.txt", "fb/ann.txt", "g.json", "res/%2E%2E/results.json", "res/ann/results.json"]
