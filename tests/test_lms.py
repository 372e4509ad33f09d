"""Instructors' real inputs: LMS downloads as they come, notebooks as entries.

The layouts and notebook entries are graded on the tiny fixture kata (what is tested is how entries are found,
named and run, not a kata's checks); a notebook is checked on the real kata 10.2 once, as a learner would."""

import csv
import io
import json
import zipfile

import nbformat
import pytest
from click.testing import CliRunner
from conftest import SUBMISSIONS, TINY, copy_tiny
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from grader.cli import main
from grader.cohort import layouts

CORRECT = (TINY / "solutions" / "0.1-tiny" / "tiny.py").read_text()
WRONG_MEAN = CORRECT.replace("return sum(values) / len(values)", "return sum(values) / (len(values) - 1)")
assert WRONG_MEAN != CORRECT  # loses both checks of mean, keeps both of add: 2/4


def notebook(path, *cells):
    nbformat.write(new_notebook(cells=[new_markdown_cell("# Homework"), *map(new_code_cell, cells)]), path)


@pytest.fixture
def tiny(tmp_path):
    """A copy of the tiny workspace (kata 0.1: add and mean, four checks)."""
    return copy_tiny(tmp_path / "tiny")


def grade(ws, subs, tmp_path, *extra):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["--root", str(ws), "grade", "0.1", str(subs), "--out", str(out / "g.csv"),
                                       "--out", str(out / "g.json"), "--seed", "7", *extra])
    assert result.exit_code == 0, result.output
    rows = {row["student"]: row for row in json.loads((out / "g.json").read_text())}
    return rows, (out / "g.csv").read_text(), result.output


def csv_rows(text):
    return list(csv.reader(io.StringIO(text)))


# --- Canvas, with notebooks and zips as entries (the round trips are tests/test_canvas.py, test_moodle.py,
# test_blackboard.py) ---------------------------------------------------------------------------------------

@pytest.fixture
def canvas(tmp_path):
    subs = tmp_path / "canvas"
    subs.mkdir()
    (subs / "doejane_12345_678901_tiny.py").write_text(CORRECT)
    (subs / "smithjohn_LATE_23456_678902_tiny-1.py").write_text(WRONG_MEAN)  # late, uploaded a second time
    (subs / "leeanna_34567_678903_My Homework (final).py").write_text(CORRECT)  # any name the student chose
    with zipfile.ZipFile(subs / "kimbo_45678_678904_submission.zip", "w") as archive:
        archive.writestr("hw/tiny.py", CORRECT)
    notebook(subs / "parkmin_56789_678905_TINY-2.ipynb", "%matplotlib inline", CORRECT)
    (subs / "wuli_67890_678906_a.py").write_text(CORRECT)
    (subs / "wuli_67890_678907_b.py").write_text(WRONG_MEAN)
    return subs


def test_canvas_layout_is_detected_and_keyed_by_user_id(tiny, canvas, tmp_path):
    assert layouts.detect(canvas) == "canvas"
    rows, text, output = grade(tiny, canvas, tmp_path)
    assert "(canvas layout)" in output
    assert sorted(rows) == ["12345", "23456", "34567", "45678", "56789", "67890"]  # nothing lost, nothing twice
    assert rows["12345"]["score"] == 4 and rows["12345"]["name"] == "doejane" and not rows["12345"]["late"]
    assert rows["23456"]["late"] and rows["23456"]["score"] == 2 and rows["23456"]["student_id"] == "23456"
    assert rows["34567"]["score"] == rows["45678"]["score"] == rows["56789"]["score"] == 4
    error = rows["67890"]["error"]
    assert rows["67890"]["status"] == "error" and error.startswith("67890: ") and "a.py, b.py" in error
    table = csv_rows(text)
    assert table[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
                        "kata 0.1 Tiny kata for tests"]
    assert table[1][0] == "    Points Possible" and table[1][-1] == "4"


def test_a_reupload_keeps_the_latest_file_of_that_name(tmp_path):
    subs = tmp_path / "canvas"
    subs.mkdir()
    (subs / "doejane_12345_678901_mle.py").write_text("old")
    (subs / "doejane_12345_678902_mle-1.py").write_text("new")
    (entry,) = layouts.entries(subs, "canvas")
    assert entry.files["mle.py"].name == "doejane_12345_678902_mle-1.py"


def test_layout_can_be_chosen(tiny, canvas, tmp_path):
    rows, text, output = grade(tiny, canvas, tmp_path, "--layout", "plain")
    assert "(plain layout)" in output and "doejane_12345_678901_tiny" in rows
    assert text.startswith("student,student_id,late,score")


def test_an_entry_the_layout_does_not_name_is_its_own_error_row(tiny, canvas, tmp_path):
    (canvas / "notes for the grader.txt").write_text("hello")
    rows, text, _ = grade(tiny, canvas, tmp_path)
    stray = rows["notes for the grader.txt"]
    assert stray["status"] == "error" and "not named as Canvas names submissions" in stray["error"]
    assert stray["unattributed"] and "notes for the grader" not in text  # no line in Canvas's import file


# --- notebooks -----------------------------------------------------------------------------

FUNCTIONS = """
def add(a, b):
    return float(np.add(a, b))


def mean(values):
    if len(values) == 0:
        raise ValueError("no values")
    return float(np.mean(values))
"""
"""The tiny kata's functions, using what an earlier cell imported: a cell that ran apart loses every check."""


def test_notebook_entries_run_like_jupyter(tiny, tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    notebook(subs / "ada.ipynb",
             "%matplotlib inline\n!pip install numpy\nimport numpy as np\nSCALE = 1.0",
             "import matplotlib_is_not_here\nplt.plot([1, 2])",
             "data = open('measurements.csv').read()",
             FUNCTIONS,
             "%%bash\necho this is not Python",
             "from grader import check\ncheck('0.1')",
             "assert SCALE == 1.0\nprint('done')")
    notebook(subs / "ben.ipynb", "def broken(:")  # its only cell does not compile: nothing is defined
    (subs / "cy.ipynb").write_text("{ this is not json")
    rows, _, _ = grade(tiny, subs, tmp_path)
    ada = rows["ada"]
    assert ada["status"] == "graded" and ada["score"] == 4, ada
    assert [note.split(" was skipped")[0] for note in ada["notes"]] == [
        "notebook cell 2", "notebook cell 3", "notebook cell 5"]
    assert "FileNotFoundError" in ada["notes"][1] and "cell magic" in ada["notes"][2]
    assert rows["ben"]["score"] == 0 and "SyntaxError" in rows["ben"]["notes"][0]
    assert rows["cy"]["status"] == "error" and "cy.ipynb is not a readable notebook" in rows["cy"]["error"]


def test_a_folder_with_only_a_notebook_grades_the_notebook(tiny, tmp_path):
    subs = tmp_path / "subs"
    (subs / "dana").mkdir(parents=True)
    notebook(subs / "dana" / "Homework 2.ipynb", CORRECT)
    (subs / "dana" / "data.csv").write_text("1,2,3\n")
    rows, _, _ = grade(tiny, subs, tmp_path)
    assert rows["dana"]["score"] == 4


def test_kata_check_grades_a_notebook(ws, tmp_path):
    # The real kata, as a learner checks a notebook: scipy imported in a cell, 32 checks.
    work = tmp_path / "work.ipynb"
    notebook(work, "import numpy as np", "LOG2PI = np.log(2 * np.pi)", (SUBMISSIONS / "correct_scipy.py").read_text())
    result = CliRunner().invoke(main, ["--root", str(ws), "check", "10.2", "--file", str(work)])
    assert result.exit_code == 0 and "score 32/32  all checks pass" in result.output
