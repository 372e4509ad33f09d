"""Moodle, end to end: its download as Moodle names it, its grading worksheet filled in, read back the
way Moodle's importers read them (tests/platform_rules.py)."""

import zipfile
from datetime import datetime, timedelta, timezone

import pytest
from conftest import TINY, copy_tiny
from platform_rules import (
    MoodleStudent,
    json_rows,
    kata_grade,
    moodle_download_prefix,
    moodle_feedback_zip,
    moodle_import,
    moodle_worksheet,
)

CORRECT = (TINY / "solutions" / "0.1-tiny" / "tiny.py").read_text()
WRONG = CORRECT.replace("return a + b", "return a - b")
NAMES = {1045893: "Ada Lovelace", 1045871: "Liam O'Brien", 1045902: "Anne_Marie Dupont-Roy",
         1045910: "José Núñez", 1045920: "Zoë Müller", 1045930: "Mallory Ng"}
AN_HOUR_AGO = datetime.now(timezone.utc).replace(second=0, microsecond=0) - timedelta(hours=1)


def students():
    return [MoodleStudent(1045893, 11, grade=50.0, timemodified=int(AN_HOUR_AGO.timestamp()), feedback="<p>old</p>"),
            *(MoodleStudent(p, 11 + i) for i, p in enumerate(list(NAMES)[1:], start=1))]


@pytest.fixture
def course(tmp_path):
    """A Moodle download in both folder forms, a flat file, a zip in a folder, a stray and a folder
    name that mimics a second participant; the worksheet as Moodle writes it (out of 100)."""
    ws = copy_tiny(tmp_path / "ws")
    subs = tmp_path / "download"
    subs.mkdir()

    def folder(participant, source, old=False, name="tiny.py"):
        path = subs / (moodle_download_prefix(NAMES[participant], participant) + "_assignsubmission_file"
                       + ("_" if old else ""))
        path.mkdir()
        (path / name).write_text(source)
        return path

    folder(1045893, CORRECT)                       # Moodle 4.1 and later
    folder(1045871, WRONG, old=True)               # before 4.1: a trailing '_'
    with zipfile.ZipFile(folder(1045902, "notes", name="README.txt") / "hw.zip", "w") as archive:
        archive.writestr("hw/tiny.py", CORRECT)    # a zip inside the student's folder
    (subs / (moodle_download_prefix(NAMES[1045920], 1045920) + "_assignsubmission_file_tiny.py")).write_text(CORRECT)
    (subs / (moodle_download_prefix(NAMES[1045930], 1045930) + "_assignsubmission_onlinetext")).mkdir()
    forged = subs / "Mallory_1045893_assignsubmission_file_1045930_assignsubmission_file"
    forged.mkdir()
    (forged / "tiny.py").write_text(WRONG)         # not as Moodle writes: names read as two participants
    (subs / "marking guide.pdf").write_bytes(b"%PDF")
    marked = {1045893: AN_HOUR_AGO}
    (tmp_path / "worksheet.csv").write_bytes(moodle_worksheet(students(), NAMES, 100.0, marked))
    return ws, subs, tmp_path


def test_the_worksheet_filled_in_is_imported_for_every_graded_participant(course):
    ws, subs, tmp = course
    result = kata_grade(ws, subs, "--roster", str(tmp / "worksheet.csv"), "--out", str(tmp / "upload.csv"),
                        "--out", str(tmp / "grades.json"))
    assert result.exit_code == 0, result.output
    imported = moodle_import((tmp / "upload.csv").read_bytes(), students(), maximum=100.0)
    grades = {p: grade for p, (grade, _) in imported.imported.items()}
    assert grades == {1045893: 100.0, 1045871: 50.0, 1045902: 100.0, 1045920: 100.0, 1045930: 0.0}
    feedback = imported.imported[1045871][1]
    assert feedback.startswith("<p>kata 0.1 Tiny kata for tests: 2/4<br>to work on: add (2 checks)")
    assert "kata check 0.1 --seed" in feedback
    assert 1045910 not in imported.imported  # no submission: left as exported
    rows = json_rows(tmp / "grades.json")
    assert rows["1045930"]["status"] == "error" and "submitted no file" in rows["1045930"]["error"]
    assert rows["1045910"]["roster"] == "no submission" and rows["1045902"]["name"] == "Anne_Marie Dupont-Roy"


def test_a_name_that_mimics_another_participant_is_nobodys_row(course):
    ws, subs, tmp = course
    result = kata_grade(ws, subs, "--out", str(tmp / "grades.json"))
    rows = json_rows(tmp / "grades.json")
    forged = rows["Mallory_1045893_assignsubmission_file_1045930_assignsubmission_file"]
    assert forged["unattributed"] and "1045893" in forged["error"] and "1045930" in forged["error"]
    assert rows["1045893"]["score"] == 4 and rows["1045893"]["status"] == "graded"
    assert "marking guide.pdf" in rows and rows["marking guide.pdf"]["unattributed"]
    assert result.exit_code == 0
    assert "2 files of the download no student could be found for" in result.output
    assert "Mallory_1045893_assignsubmission_file_1045930_assignsubmission_file, marking guide.pdf" in result.output


def test_a_grade_changed_in_moodle_after_kata_wrote_the_file_is_not_overwritten(course):
    ws, subs, tmp = course
    assert kata_grade(ws, subs, "--roster", str(tmp / "worksheet.csv"), "--out", str(tmp / "up.csv")).exit_code == 0
    later = students()
    later[0].timemodified = int((datetime.now(timezone.utc) + timedelta(minutes=5)).timestamp())
    imported = moodle_import((tmp / "up.csv").read_bytes(), later, maximum=100.0)
    assert imported.skipped[1045893] == "modified in Moodle more recently" and 1045893 not in imported.imported


def test_the_importer_rules_reject_what_moodle_rejects():
    """The rules are strict where Moodle is: the worksheet kata wrote before (no Last modified (grade))
    is refused, and a grade above the maximum or a stale row is skipped."""
    old = "\ufeffIdentifier,Full name,Grade,Maximum Grade,Feedback comments\nParticipant 1045893,Ada,32,32,ok\n"
    with pytest.raises(AssertionError, match="invalidgradeimport"):
        moodle_import(old.encode(), students(), maximum=100.0)
    ahead = "Identifier,Grade,Last modified (grade)\nParticipant 1045871,32.00,2099-01-01T00:00:00+00:00\n"
    assert moodle_import(ahead.encode(), students(), maximum=10.0).skipped == {1045871: "out of range"}
    stale = "Identifier,Grade,Last modified (grade)\nParticipant 1045893,7.00,-\n"
    assert moodle_import(stale.encode(), students(), maximum=10.0).skipped == {
        1045893: "modified in Moodle more recently"}


def test_missing_zero_and_a_scale_assignment(course):
    ws, subs, tmp = course
    assert kata_grade(ws, subs, "--roster", str(tmp / "worksheet.csv"), "--out", str(tmp / "up.csv"),
                      "--missing", "zero").exit_code == 0
    imported = moodle_import((tmp / "up.csv").read_bytes(), students(), maximum=100.0)
    assert imported.imported[1045910][0] == 0.0
    text = (tmp / "worksheet.csv").read_text(encoding="utf-8-sig").replace("Maximum Grade", "Scale")
    (tmp / "scale.csv").write_text(text, encoding="utf-8")
    result = kata_grade(ws, subs, "--roster", str(tmp / "scale.csv"), "--out", str(tmp / "up.csv"))
    assert result.exit_code == 2 and "graded on a scale; set its grade type to Point" in result.output


def test_feedback_zip_reaches_each_participant(course):
    ws, subs, tmp = course
    result = kata_grade(ws, subs, "--out", str(tmp / "g.json"), "--feedback-zip", str(tmp / "feedback.zip"))
    assert result.exit_code == 0, result.output
    found = moodle_feedback_zip((tmp / "feedback.zip").read_bytes(), set(NAMES))
    assert sorted(found) == [1045871, 1045893, 1045902, 1045920]
    (name,) = found[1045871]
    assert name == "Liam O'Brien_1045871_assignsubmission_file_/feedback.html"  # the folder as downloaded
    assert found[1045920] == ["Zoë Müller_1045920_assignsubmission_file_feedback.html"]


def test_without_a_roster_the_worksheet_has_the_columns_moodle_requires(course):
    ws, subs, tmp = course
    result = kata_grade(ws, subs, "--out", str(tmp / "upload.csv"))
    imported = moodle_import((tmp / "upload.csv").read_bytes(), students(), maximum=4.0)
    assert {p: g for p, (g, _) in imported.imported.items()} == {1045893: 4.0, 1045871: 2.0, 1045902: 4.0,
                                                                  1045920: 4.0, 1045930: 0.0}
    assert "set it to 4 points (Moodle's default is 100)" in result.output
