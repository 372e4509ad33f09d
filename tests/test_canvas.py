"""Canvas, end to end: its download as Canvas names it, its gradebook export filled in, read back the
way Canvas's importer and its Re-Upload Submissions read them (tests/platform_rules.py)."""

import csv
import io
import zipfile

import pytest
from conftest import TINY, copy_tiny
from platform_rules import (
    CANVAS_TOTALS,
    canvas_download_name,
    canvas_import,
    canvas_reupload,
    json_rows,
    kata_grade,
)

CORRECT = (TINY / "solutions" / "0.1-tiny" / "tiny.py").read_text()
WRONG = CORRECT.replace("return a + b", "return a - b")
HOMEWORK, KATA = 123456, 123457
ASSIGNMENTS = {HOMEWORK: {"title": "Homework 1"}, KATA: {"title": "Kata 0.1 Tiny"}}
STUDENTS = {  # user id: (sortable name, section)
    98765: ("Lovelace, Ada", "Section A"),
    98766: ("O'Brien, Liam", "Section A"),
    98767: ("van_der Berg, Anne-Marie", "Section B"),
    98768: ("Núñez, José", "Section B"),
    98769: ("Müller, Zoë", "Section B"),
    98770: ("Student, Test", ""),
}
SCORES = {(98765, HOMEWORK): "8.00", (98768, KATA): "3.00", (98766, HOMEWORK): "10.00"}


def export(points=5.0) -> bytes:
    """The gradebook export as ``GradebookExporter`` writes it: ``Title (id)`` columns, the Points
    Possible row (4 leading spaces, read-only totals), ``Last, First`` names, scores with 2 decimals."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Homework 1 (123456)",
                     "Kata 0.1 Tiny (123457)", *CANVAS_TOTALS])
    writer.writerow(["    Points Possible", "", "", "", "", "10.00", f"{points:.2f}",
                     *["(read only)"] * len(CANVAS_TOTALS)])
    for user, (name, section) in STUDENTS.items():
        writer.writerow([name, user, f"S{user}", f"u{user}@example.edu", section, SCORES.get((user, HOMEWORK), ""),
                         SCORES.get((user, KATA), ""), *["0.00"] * len(CANVAS_TOTALS)])
    return out.getvalue().encode("utf-8")


@pytest.fixture
def course(tmp_path):
    """A Canvas download (as content_zipper names it) and the gradebook export, with the tiny kata."""
    ws = copy_tiny(tmp_path / "ws")
    subs = tmp_path / "download"
    subs.mkdir()
    files = {  # user id -> [(attachment id, display name, content, late)]
        98765: [(4455667, "tiny.py", CORRECT, False)],
        98766: [(4455668, "tiny.py", WRONG, True)],
        98767: [(4455669, "tiny.py", WRONG, False), (4455670, "tiny-1.py", CORRECT, False)],  # uploaded again
        98769: [(4455671, "hw.zip", None, False)],
        99999: [(4455672, "tiny.py", CORRECT, False)],  # dropped the course: not in the export
    }
    names = {**{u: n for u, (n, _) in STUDENTS.items()}, 99999: "Gone, Someone"}
    for user, uploads in files.items():
        for attachment, display, content, late in uploads:
            path = subs / canvas_download_name(names[user], user, attachment, display, late)
            if content is None:
                with zipfile.ZipFile(path, "w") as archive:
                    archive.writestr("homework/tiny.py", CORRECT)
            else:
                path.write_text(content)
    (subs / "README.txt").write_text("notes the instructor dropped in")
    (tmp_path / "export.csv").write_bytes(export())
    return ws, subs, tmp_path, {u: {a for a, *_ in up} for u, up in files.items()}


def test_the_export_filled_in_updates_the_assignment_and_nothing_else(course):
    ws, subs, tmp, _ = course
    result = kata_grade(ws, subs, "--roster", str(tmp / "export.csv"), "--out", str(tmp / "import.csv"),
                        "--out", str(tmp / "grades.json"))
    assert result.exit_code == 0, result.output
    imported = canvas_import((tmp / "import.csv").read_bytes(), ASSIGNMENTS, STUDENTS, SCORES)
    assert imported.new_assignments == [] and imported.unknown_students == []
    assert imported.points_possible[KATA] == "5.00"
    # Exactly the graded students' cells of the chosen assignment change; the non-submitter's 3.00 stays.
    assert imported.changes == {(98765, KATA): "5.00", (98766, KATA): "2.50", (98767, KATA): "5.00",
                                (98769, KATA): "5.00"}
    before, after = (list(csv.reader(io.StringIO(text))) for text in
                     (export().decode(), (tmp / "import.csv").read_text(encoding="utf-8")))
    assert [row[:6] + row[7:] for row in before] == [row[:6] + row[7:] for row in after]


def test_every_roster_student_and_every_submission_is_accounted_for(course):
    ws, subs, tmp, _ = course
    result = kata_grade(ws, subs, "--roster", str(tmp / "export.csv"), "--out", str(tmp / "import.csv"),
                        "--out", str(tmp / "grades.json"))
    rows = json_rows(tmp / "grades.json")
    assert {k: r["roster"] for k, r in rows.items() if "roster" in r} == {
        "98765": "matched", "98766": "matched", "98767": "matched", "98769": "matched", "99999": "not in roster",
        "README.txt": "not in roster", "98768": "no submission", "98770": "no submission"}
    assert rows["98766"]["late"] and rows["98766"]["score"] == 2 and not rows["98765"]["late"]
    assert rows["98768"]["status"] == "missing" and rows["98768"]["name"] == "Núñez, José"
    assert rows["README.txt"]["unattributed"] and rows["README.txt"]["status"] == "error"
    assert "6 students" in result.output and "4 graded into 'Kata 0.1 Tiny (123457)'" in result.output
    assert "2 without a submission, left as exported" in result.output and "Núñez, José (98768)" in result.output
    assert "2 submissions no roster student has" in result.output and "99999" in result.output


def test_missing_zero_grades_non_submitters_zero(course):
    ws, subs, tmp, _ = course
    result = kata_grade(ws, subs, "--roster", str(tmp / "export.csv"), "--out", str(tmp / "import.csv"),
                        "--missing", "zero")
    assert result.exit_code == 0, result.output
    imported = canvas_import((tmp / "import.csv").read_bytes(), ASSIGNMENTS, STUDENTS, SCORES)
    assert imported.changes[(98768, KATA)] == "0.00" and imported.changes[(98770, KATA)] == "0.00"


def test_the_column_is_chosen_by_header_or_name_and_scaled_to_its_points(course):
    ws, subs, tmp, _ = course
    (tmp / "export.csv").write_bytes(export(points=20))
    for column in ("Kata 0.1 Tiny (123457)", "Kata 0.1 Tiny"):
        assert kata_grade(ws, subs, "--roster", str(tmp / "export.csv"), "--column", column, "--out",
                          str(tmp / "import.csv")).exit_code == 0
        imported = canvas_import((tmp / "import.csv").read_bytes(), ASSIGNMENTS, STUDENTS, SCORES)
        assert imported.changes[(98766, KATA)] == "10.00" and imported.changes[(98765, KATA)] == "20.00"


@pytest.mark.parametrize("args, message", [
    (["--column", "Quiz 9"], "--column 'Quiz 9' is not a assignment column of the roster; its assignment "
                             "columns: Homework 1 (123456); Kata 0.1 Tiny (123457)"),
    (["--column", "Homework 1 (123456)", "--layout", "moodle"], "--roster is a Canvas gradebook export, but"),
])
def test_bad_roster_input_is_one_line_and_exit_2(course, args, message):
    ws, subs, tmp, _ = course
    result = kata_grade(ws, subs, "--roster", str(tmp / "export.csv"), "--out", str(tmp / "import.csv"), *args)
    assert result.exit_code == 2 and message in result.output and len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize("content, message", [
    (b"name,score\nada,4\n", "is not a gradebook export kata knows: pass Canvas's gradebook export"),
    (b"\xff\xfeS\x00t\x00\xd8", "is neither UTF-8 nor UTF-16 text"),
    (b"Student,ID,SIS Login ID,Section\n", "no assignment column of the roster names kata 0.1"),
    (b"Student,ID,SIS Login ID,Kata 0.1 (5)\n", "Canvas reads the columns before the assignments only up to"),
])
def test_a_roster_that_is_no_platform_export_is_one_line_and_exit_2(course, content, message):
    ws, subs, tmp, _ = course
    (tmp / "roster.csv").write_bytes(content)
    result = kata_grade(ws, subs, "--roster", str(tmp / "roster.csv"), "--out", str(tmp / "import.csv"))
    assert result.exit_code == 2 and message in result.output and len(result.output.strip().splitlines()) == 1
    assert not (tmp / "import.csv").exists()


def test_no_column_naming_the_kata_lists_the_columns(course):
    ws, subs, tmp, _ = course
    (tmp / "export.csv").write_text(export().decode().replace("Kata 0.1 Tiny (123457)", "Week 3 (123457)"))
    result = kata_grade(ws, subs, "--roster", str(tmp / "export.csv"), "--out", str(tmp / "import.csv"))
    assert result.exit_code == 2 and "no assignment column of the roster names kata 0.1" in result.output
    assert "Homework 1 (123456); Week 3 (123457)" in result.output


def test_feedback_zip_attaches_to_each_students_own_submission(course):
    ws, subs, tmp, attachments = course
    result = kata_grade(ws, subs, "--out", str(tmp / "g.json"), "--feedback-zip", str(tmp / "feedback.zip"))
    assert result.exit_code == 0, result.output
    attached, ignored = canvas_reupload((tmp / "feedback.zip").read_bytes(), attachments)
    assert ignored == [] and sorted(attached) == [98765, 98766, 98767, 98769, 99999]
    ((_, text),) = attached[98766]
    assert b"add" in text and b"FAIL" in text


def test_without_a_roster_canvas_makes_a_new_assignment_and_kata_says_so(course):
    ws, subs, tmp, _ = course
    result = kata_grade(ws, subs, "--out", str(tmp / "new.csv"))
    imported = canvas_import((tmp / "new.csv").read_bytes(), ASSIGNMENTS, {**STUDENTS, 99999: ()}, {})
    assert imported.new_assignments == ["kata 0.1 Tiny kata for tests"] and imported.unknown_students == []
    assert "Canvas makes a new assignment" in result.output and "--roster" in result.output


def test_a_name_part_cannot_take_another_students_row(tmp_path):
    """A name Canvas left ending in '_<digits>' (its sanitising allows one) reads, from the left, as that
    number's user: when that user's own files say otherwise, the file is nobody's row."""
    from grader.cohort import layouts

    subs = tmp_path / "d"
    subs.mkdir()
    (subs / canvas_download_name("Victim, Vic", 1001, 700, "tiny.py")).write_text(CORRECT)
    (subs / canvas_download_name("x_1001", 98765, 555, "tiny.py")).write_text(WRONG)
    entries = {e.student: e for e in layouts.entries(subs, "canvas")}
    assert list(entries["1001"].files) == ["tiny.py"] and entries["1001"].error is None
    stray = entries["x_1001_98765_555_tiny.py"]
    assert stray.error and "1001" in stray.error and "98765" in stray.error
