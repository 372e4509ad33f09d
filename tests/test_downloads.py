"""The download as the platform gives it, and whose each row is: the zip itself, zips inside a
student's folder, keys that stay one-to-one, and links that leave a submission."""

import os
import zipfile

import pytest
from conftest import TINY, copy_tiny
from platform_rules import (
    canvas_download_name,
    json_rows,
    kata_grade,
    moodle_download_prefix,
)

from grader.core import names, staging

CORRECT = (TINY / "solutions" / "0.1-tiny" / "tiny.py").read_text()
WRONG = CORRECT.replace("return a + b", "return a - b")


@pytest.fixture
def ws(tmp_path):
    return copy_tiny(tmp_path / "ws")


def zip_folder(folder, target, wrap=""):
    with zipfile.ZipFile(target, "w") as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, f"{wrap}{path.relative_to(folder).as_posix()}")


def test_the_download_zip_is_graded_as_given(ws, tmp_path):
    subs = tmp_path / "download"
    subs.mkdir()
    (subs / canvas_download_name("Lovelace, Ada", 98765, 1, "tiny.py")).write_text(CORRECT)
    (subs / canvas_download_name("Müller, Zoë", 98766, 2, "tiny.py", late=True)).write_text(WRONG)
    zip_folder(subs, tmp_path / "course-kata_submissions.zip")
    result = kata_grade(ws, tmp_path / "course-kata_submissions.zip", "--out", str(tmp_path / "g.json"))
    assert result.exit_code == 0, result.output
    assert "(canvas layout)" in result.output
    rows = json_rows(tmp_path / "g.json")
    assert {k: r["score"] for k, r in rows.items()} == {"98765": 4, "98766": 2} and rows["98766"]["late"]
    assert rows["98766"]["name"] == "müllerzoë"
    again = kata_grade(ws, tmp_path / "course-kata_submissions.zip", "--out", str(tmp_path / "g.json"))
    assert "0 graded now, 2 unchanged" in again.output  # the journal knows the zip's entries


def test_a_moodle_zip_with_folders_and_a_zip_inside_a_folder(ws, tmp_path):
    subs = tmp_path / "download"
    ada = subs / (moodle_download_prefix("Ada Lovelace", 101) + "_assignsubmission_file")
    liam = subs / (moodle_download_prefix("Liam O'Brien", 107) + "_assignsubmission_file_")
    ada.mkdir(parents=True)
    liam.mkdir()
    (ada / "tiny.py").write_text(CORRECT)
    with zipfile.ZipFile(liam / "hw.zip", "w") as archive:
        archive.writestr("hw/tiny.py", WRONG)
    zip_folder(subs, tmp_path / "moodle.zip", wrap="CS101-Kata-42/")  # zipped again, in one folder
    result = kata_grade(ws, tmp_path / "moodle.zip", "--out", str(tmp_path / "g.json"))
    assert result.exit_code == 0, result.output
    rows = json_rows(tmp_path / "g.json")
    assert rows["101"]["score"] == 4 and rows["107"]["score"] == 2 and rows["107"]["name"] == "Liam O'Brien"


def test_a_zip_in_a_plain_folder_is_opened_with_a_zips_limits(ws, tmp_path):
    subs = tmp_path / "subs"
    for student in ("kim", "lee", "max"):
        (subs / student).mkdir(parents=True)
    with zipfile.ZipFile(subs / "kim" / "hw.zip", "w") as archive:
        archive.writestr("tiny.py", CORRECT)
    (subs / "kim" / "notes.txt").write_text("my notes")
    with zipfile.ZipFile(subs / "lee" / "hw.zip", "w") as archive:
        archive.writestr("../escape.py", CORRECT)
    for name in ("a.zip", "b.zip"):
        with zipfile.ZipFile(subs / "max" / name, "w") as archive:
            archive.writestr("tiny.py", CORRECT)
    result = kata_grade(ws, subs, "--out", str(tmp_path / "g.json"))
    rows = json_rows(tmp_path / "g.json")
    assert rows["kim"]["score"] == 4
    assert rows["lee"]["status"] == "error" and "hw.zip: member '../escape.py' points outside" in rows["lee"]["error"]
    assert rows["max"]["status"] == "error" and "2 zip files: a.zip, b.zip" in rows["max"]["error"]
    assert result.exit_code == 0


@pytest.mark.parametrize("content, message", [
    (b"PK\x03\x04 not a zip", "is not a readable zip file"),
    (None, "points outside the archive's folder"),
])
def test_a_bad_download_zip_is_one_line_and_exit_2(ws, tmp_path, content, message):
    target = tmp_path / "download.zip"
    if content is None:
        with zipfile.ZipFile(target, "w") as archive:
            archive.writestr("../../evil.py", CORRECT)
    else:
        target.write_bytes(content)
    result = kata_grade(ws, target, "--out", str(tmp_path / "g.json"))
    assert result.exit_code == 2 and message in result.output and len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "evil.py").exists() and not (tmp_path.parent / "evil.py").exists()


def test_a_file_that_is_not_a_zip_is_refused(ws, tmp_path):
    (tmp_path / "grades.csv").write_text("x")
    result = kata_grade(ws, tmp_path / "grades.csv", "--out", str(tmp_path / "g.json"))
    assert result.exit_code == 2 and "is neither a folder nor a .zip" in result.output


def test_two_names_one_byte_apart_are_two_students(ws, tmp_path):
    """``m\\xfcller`` and ``m\\xffller`` (Latin-1 names) once both became ``m\\ufffdller`` and shared a row."""
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / os.fsdecode(b"m\xfcller.py")).write_text(CORRECT)
    (subs / os.fsdecode(b"m\xffller.py")).write_text(WRONG)
    (subs / "m\\xfcller.py").write_text(WRONG)  # the escaped spelling, literally: a third student
    result = kata_grade(ws, subs, "--out", str(tmp_path / "g.json"), "--feedback", str(tmp_path / "fb"))
    assert result.exit_code == 0, result.output
    rows = json_rows(tmp_path / "g.json")
    assert {k: r["score"] for k, r in rows.items()} == {"m\\xfcller": 4, "m\\xffller": 2, "m\\\\xfcller": 2}
    assert len(list((tmp_path / "fb").iterdir())) == 3


def test_keys_and_file_names_are_one_to_one():
    raw = [os.fsdecode(b"m\xfcller"), os.fsdecode(b"m\xffller"), "m\\xfcller", "müller", "mu\u0308ller", "Müller"]
    keys = [names.student_key(n) for n in raw]
    assert len(set(keys)) == len(keys)
    files = names.path_components(keys + ["..", ".", "a/b", "a%2Fb", "CON", "x" * 300, "x" * 301])
    assert len(set(files.values())) == len(files)
    folded = {names.unicodedata.normalize("NFC", f).casefold() for f in files.values()}
    assert len(folded) == len(files)  # apart on a case-insensitive, normalising file system too
    for name in files.values():
        assert "/" not in name and "\\" not in name and name not in (".", "..") and not name.startswith(".")
        assert len(name.encode()) <= 220


@pytest.mark.parametrize("defence", [True, False])
def test_a_linked_folder_to_the_solutions_is_refused(ws, tmp_path, monkeypatch, defence):
    """A student folder holding ``katas -> ../../solutions`` (a git download keeps links) was graded as
    the reference solution. With the boundary check off, the attack succeeds: the test can fail."""
    subs = tmp_path / "subs"
    (subs / "eve").mkdir(parents=True)
    os.symlink(os.path.relpath(ws / "solutions", subs / "eve"), subs / "eve" / "katas")
    (subs / "honest").mkdir()
    (subs / "honest" / "tiny.py").write_text(WRONG)
    if not defence:
        monkeypatch.setattr(staging, "_inside", lambda *args: None)
    result = kata_grade(ws, subs, "--out", str(tmp_path / "g.json"))
    rows = json_rows(tmp_path / "g.json")
    assert rows["honest"]["score"] == 2
    if defence:
        assert rows["eve"]["status"] == "error" and "link to a place outside the submission" in rows["eve"]["error"]
        assert rows["eve"]["score"] == 0
    else:
        assert rows["eve"]["score"] == 4  # graded as the reference solution
    assert result.exit_code == 0


def test_a_linked_file_in_a_canvas_download_is_refused(ws, tmp_path):
    subs = tmp_path / "download"
    subs.mkdir()
    (subs / canvas_download_name("Lovelace, Ada", 98765, 1, "tiny.py")).write_text(CORRECT)
    os.symlink(ws / "solutions" / "0.1-tiny" / "tiny.py", subs / canvas_download_name("Eve, Eve", 98766, 2, "tiny.py"))
    result = kata_grade(ws, subs, "--out", str(tmp_path / "g.json"))
    rows = json_rows(tmp_path / "g.json")
    assert rows["98765"]["score"] == 4 and rows["98766"]["status"] == "error" and "link" in rows["98766"]["error"]
    assert result.exit_code == 0
