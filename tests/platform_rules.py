"""The platforms' own rules, as tests apply them to the files kata writes (docs/PLATFORMS.md cites each).

Each reader below is a transcription of the platform's importer, not our idea
of it: Moodle's ``importgradeslib.php`` and ``locallib.php`` (offline grading
worksheet), ``importziplib.php`` (feedback files zip) and ``downloader.php``
(download names); Canvas's ``gradebook_importer.rb``, ``content_zipper.rb``
(download names) and ``assignment.rb`` (Re-Upload Submissions); Blackboard's
Work Offline upload rules from its help pages. The writers build the files the
platforms export, shaped as their exporters write them.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone

# --- Moodle ------------------------------------------------------------------------------------

MOODLE_HEADER = ["Identifier", "Full name", "Email address", "Status", "Grade", "Maximum Grade",
                 "Grade can be changed", "Last modified (submission)", "Last modified (grade)", "Feedback comments"]


def moodle_userdate(moment: datetime) -> str:
    """``userdate()`` with ``strftimedaydatetime`` ('%A, %d %B %Y, %I:%M %p', leading zeros removed)."""
    return f"{moment:%A}, {moment.day} {moment:%B %Y}, {int(moment.strftime('%I'))}:{moment:%M %p}"


def moodle_download_prefix(full_name: str, participant: int) -> str:
    """``downloader.php get_student_prefix()``: every '_' of the name a space, then '_<participant id>'."""
    return moodle_clean_filename(full_name.replace("_", " ") + f"_{participant}")


def moodle_clean_filename(name: str) -> str:
    """``clean_filename()`` (PARAM_FILE): characters a file name cannot hold are removed."""
    return re.sub(r'[\x00-\x1f\x7f/\\:*?"<>|]', "", name)


@dataclass
class MoodleStudent:
    participant: int
    user_id: int
    grade: float | None = None
    """The grade stored in Moodle (None: no grade record)."""
    timemodified: int = 0
    feedback: str = ""


def moodle_worksheet(students: list, names: dict, maximum: float, marked: dict) -> bytes:
    """The worksheet ``gradingtable.php`` writes for download: UTF-8 with a BOM, ``fputcsv`` quoting,
    ``Participant N``, 2-decimal grades, ``userdate`` or '-' for Last modified (grade)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(MOODLE_HEADER)
    for student in students:
        stamp = marked.get(student.participant)
        writer.writerow([f"Participant {student.participant}", names[student.participant],
                         f"s{student.participant}@example.edu", "Submitted for grading",
                         "" if student.grade is None else f"{student.grade:.2f}", f"{maximum:.2f}", "Yes",
                         "Monday, 2 September 2024, 3:05 PM", moodle_userdate(stamp) if stamp else "-",
                         student.feedback])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def php_strtotime(text: str) -> int | None:
    """The ``strtotime()`` formats a worksheet meets: ISO 8601 with an offset, Moodle's ``userdate``
    (read in the server's time zone, UTC here), and anything else false (then 0 in the comparison)."""
    text = text.strip()
    for parse in (datetime.fromisoformat, lambda t: datetime.strptime(t, "%A, %d %B %Y, %I:%M %p")):
        try:
            moment = parse(text)
        except ValueError:
            continue
        return int((moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).timestamp())
    return None


@dataclass
class MoodleImport:
    imported: dict = field(default_factory=dict)
    """``{participant: (grade, feedback)}`` of rows whose grade or feedback was taken."""
    skipped: dict = field(default_factory=dict)
    """``{participant: reason}``."""


def moodle_import(data: bytes, students: list, maximum: float, ignore_modified: bool = False) -> MoodleImport:
    """``assignfeedback_offline``: ``load_csv_content`` (BOM stripped, every row as wide as the header),
    ``init()`` (Grade, Identifier, Last modified (grade) required, exact headers), ``next()``
    (``Participant `` cut off by its length, the id looked up among the participants), and
    ``process_import_grades()`` (skip an unchanged, blank or negative grade, a stale row, a grade
    above the assignment's maximum; feedback only where the row is not stale)."""
    text = data.decode("utf-8")
    text = text[1:] if text.startswith("\ufeff") else text
    rows = list(csv.reader(io.StringIO(text.replace("\r\n", "\n"))))
    header = rows[0]
    assert all(len(row) == len(header) for row in rows), "csvweirdcolumns: a row's column count differs"
    indices = {name: header.index(name) if name in header else -1
               for name in ("Grade", "Identifier", "Last modified (grade)")}
    assert min(indices.values()) >= 0, "invalidgradeimport: Moodle could not read the uploaded worksheet"
    feedback = header.index("Feedback comments") if "Feedback comments" in header else None
    assert feedback != 0, "a feedback column at index 0 is ignored by the importer"
    by_participant = {s.participant: s for s in students}
    outcome = MoodleImport()
    for row in rows[1:]:
        ident = row[indices["Identifier"]][len("Participant "):]
        student = by_participant.get(int(ident)) if ident.isdigit() else None
        if student is None:
            continue  # not a participant of this assignment (or group): skipped without a word
        modified = php_strtotime(row[indices["Last modified (grade)"]]) or 0
        stale = student.grade is not None and student.timemodified > modified + 60
        grade = _unformat_float(row[indices["Grade"]])
        reason = None
        if student.grade is not None and grade is not None and student.grade == grade:
            reason = "grade not modified"
        elif grade is None or grade < 0:
            reason = "no grade"
        elif not ignore_modified and stale:
            reason = "modified in Moodle more recently"
        elif grade > maximum:
            reason = "out of range"
        new_feedback = row[feedback] if feedback is not None and (ignore_modified or not stale) else None
        if reason is None or (new_feedback is not None and new_feedback != student.feedback):
            outcome.imported[student.participant] = (grade if reason is None else student.grade, new_feedback)
        if reason is not None:
            outcome.skipped[student.participant] = reason
    return outcome


def _unformat_float(text: str) -> float | None:
    text = text.strip().replace(" ", "")
    if text == "":
        return None
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None


def moodle_feedback_zip(data: bytes, participants: set, plugins=("assignsubmission_file",)) -> dict:
    """``importziplib.php is_valid_filename_for_import()``: hidden files ignored; a path part of the form
    ``name_participant_plugintype_pluginname[_rest]`` (split on '_' at most 5 ways, at least 4 parts,
    a numeric id among the participants, a known plugin) names the student. ``{participant: [names]}``."""
    found: dict = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.endswith("/") or any(part.startswith((".", "~")) for part in name.split("/")):
                continue
            for part in name.split("/"):
                info = part.split("_", 4)
                if len(info) < 4 or not info[1].isdigit():
                    continue
                if int(info[1]) in participants and f"{info[2]}_{info[3]}" in plugins:
                    found.setdefault(int(info[1]), []).append(name)
                break
    return found


# --- Canvas ------------------------------------------------------------------------------------

CANVAS_TOTALS = ["Assignments Current Points", "Assignments Final Points", "Assignments Current Score",
                 "Assignments Unposted Current Score", "Assignments Final Score", "Assignments Unposted Final Score",
                 "Current Points", "Final Points", "Current Score", "Unposted Current Score", "Final Score",
                 "Unposted Final Score"]


def canvas_user_name(sortable_name: str) -> str:
    """``content_zipper.rb sanitize_user_name``: ``_(\\d+)_`` -> ``\\1``, then lower case."""
    name = re.sub(r"_(\d+)_", r"\1", sortable_name)
    return re.sub(r"^(\d+)$", r"\1", name).lower()


ATTACHMENT_UNSAFE = re.compile(r'[\x00/\\:*?"<>|]+')


def canvas_download_name(sortable_name: str, user_id: int, attachment_id: int, display_name: str,
                         late: bool = False) -> str:
    """``get_filename`` (``[name, LATE, id].join('_')`` with every non-word character removed) and
    ``add_upload_submission``: ``<name>_[LATE_]<user id>_<attachment id>_<file>``."""
    parts = [canvas_user_name(sortable_name)] + (["LATE"] if late else []) + [str(user_id)]
    prefix = re.sub(r"[^\w]", "", "_".join(parts))
    return f"{prefix}_{attachment_id}_{ATTACHMENT_UNSAFE.sub('_', display_name)}"


@dataclass
class CanvasImport:
    new_assignments: list = field(default_factory=list)
    changes: dict = field(default_factory=dict)
    """``{(user id, assignment id): new grade}`` (a grade of '' clears the score)."""
    unknown_students: list = field(default_factory=list)
    points_possible: dict = field(default_factory=dict)


def canvas_import(data: bytes, assignments: dict, students: dict, scores: dict) -> CanvasImport:
    """``GradebookImporter``: the delimiter from the first lines, the header checks (``Student``/``ID``,
    ``Section`` last), non-assignment columns dropped, ``Title (id)`` matched to an existing assignment
    (else the title, else a new one), the Points Possible row, students by ``ID``, and
    ``no_change_to_value?`` (equal at 2 decimals, both blank): everything else is a change."""
    text = data.decode("utf-8")
    text = text[1:] if text.startswith("\ufeff") else text
    lines = text.splitlines()
    delimiter = ";" if _consistent(lines[:3], ";") > _consistent(lines[:3], ",") else ","
    rows = [row for row in csv.reader(io.StringIO(text), delimiter=delimiter) if not re.match(r"^[;, ]*$", delimiter.join(row))]
    header = rows[0]
    assert len(header) > 3 and "Student" in header[0] and "ID" in header[1], "InvalidHeaderRow"
    info = 3
    if re.search(r"SIS\s+Login\s+ID", header[2]):
        info += 1
    elif re.search(r"SIS\s+User\s+ID", header[2]) and re.search(r"SIS\s+Login\s+ID", header[3]):
        info += 2 + bool(re.search(r"Integration\s+ID", header[4] if len(header) > 4 else ""))
    assert "Section" in header[info - 1], "InvalidHeaderRow: Section is not the last student column"
    outcome = CanvasImport()
    columns = {}
    for index, name in enumerate(header[info:], start=info):
        if re.search("Current Score|Current Points|Current Grade|Final Score|Final Points|Final Grade|"
                     "Override Score|Override Grade|Override Status", name):
            continue
        match = re.match(r"\A(.*)\s\((\d+)\)\Z", name)
        assignment = int(match.group(2)) if match and int(match.group(2)) in assignments else None
        if assignment is None:
            assignment = next((a for a, v in assignments.items() if v["title"] == name), None)
        if assignment is None:
            outcome.new_assignments.append(match.group(1) if match else name)
            assignment = -len(outcome.new_assignments)
        columns[index] = assignment
    for row in rows[1:]:
        if "Points Possible" in row[0]:
            outcome.points_possible = {columns[i]: row[i] for i in columns if i < len(row)}
            continue
        if all(re.match(r"^\s*(Muted|Manual Posting.*)?\s*$", c, re.I) for c in row):
            continue
        user = int(row[1]) if row[1].strip().isdigit() and int(row[1]) in students else None
        if user is None:
            outcome.unknown_students.append(row[0])
            continue
        for index, assignment in columns.items():
            new = _decimal_comma(row[index].strip()) if index < len(row) else ""
            current = scores.get((user, assignment), "")
            if not _no_change(new, current):
                outcome.changes[(user, assignment)] = new
    return outcome


def _consistent(lines, delimiter) -> int:
    counts = {len(row) for row in csv.reader(lines, delimiter=delimiter)}
    return counts.pop() if len(counts) == 1 else 0


def _decimal_comma(field: str) -> str:
    if re.match(r"^-?[0-9.,]+%?$", field):
        parts = re.split(r"[,.]", field)
        last = parts.pop()
        return last if not parts else "".join(parts) + "." + last
    return field


def _no_change(new: str, current: str) -> bool:
    if new == current or (new in ("", "-") and current in ("", "-")):
        return True
    if not new or not current:
        return False
    try:
        return f"{float(new):.2f}" == f"{float(current):.2f}"
    except ValueError:
        return False


def canvas_reupload(data: bytes, attachments: dict) -> tuple:
    """``Assignment#infer_comment_context_from_filename``: the base name split on '_' less 'LATE'; ``anon``
    ids, else the first two numeric parts are the user and the attachment, which must be one of that
    user's submitted files. ``attachments``: ``{user id: {attachment ids}}``. Return (attached, ignored)."""
    attached, ignored = {}, []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for full in archive.namelist():
            name = full.rsplit("/", 1)[-1]
            parts = [p for p in name.split("_") if p != "LATE"]
            numbers = [p for p in parts if p.isdigit()][:2]
            user, attachment = (int(numbers[0]), int(numbers[1])) if len(numbers) == 2 else (None, None)
            if name.startswith("._") or user is None or attachment not in attachments.get(user, set()):
                ignored.append(full)
            else:
                attached.setdefault(user, []).append((attachment, archive.read(full)))
    return attached, ignored


# --- Blackboard --------------------------------------------------------------------------------

BLACKBOARD_OTHERS = ["Quiz 1 [Total Pts: 10 Score] |2860301", "Total [Total Pts: up to 20 Score] |2860299",
                     "Weighted Total [Total Pts: up to 0 Percentage] |2860298"]


def blackboard_work_offline(students: list, column: str, feedback: bool = False) -> bytes:
    """A Grade Center download (comma): UTF-8 with a BOM, every field quoted. The full Grade Center has
    other columns; with ``feedback``, the one column downloaded with its comments."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    extra = ["Grading Notes", "Notes Format", "Feedback to Learner", "Feedback Format"] if feedback else []
    others = [] if feedback else BLACKBOARD_OTHERS
    writer.writerow(["Last Name", "First Name", "Username", "Student ID", "Last Access", "Availability", column,
                     *others, *extra])
    for last, first, user, grade in students:
        writer.writerow([last, first, user, f"10{len(user)}", "2024-09-03 09:12:44", "Yes", grade,
                         *(["7.00", "", ""] if not feedback else []),
                         *(["", "SMART_TEXT", "", "SMART_TEXT"] if feedback else [])])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def blackboard_receipt(full_name: str, user: str, assignment: str, stamp: str, files: list) -> str:
    """An attempt's receipt as Blackboard writes it (the shape of codePost's sample download)."""
    listed = "".join(f"\tOriginal filename: {name}\n\tFilename: {assignment}_{user}_attempt_{stamp}_{name}\n\n"
                     for name in files)
    return (f"Name: {full_name} ({user})\nAssignment: {assignment}\nDate Submitted: Saturday, August 17, 2019 "
            f"12:51:51 PM EDT\nCurrent Grade: Needs Grading\n\nSubmission Field:\nThere is no student submission "
            f"text data for this assignment.\n\nComments:\nThere are no student comments for this assignment.\n\n"
            f"Files:\n{listed}")


@dataclass
class BlackboardUpload:
    updates: dict = field(default_factory=dict)
    """``{(username, column id): value}``."""
    new_columns: list = field(default_factory=list)
    unknown_users: list = field(default_factory=list)
    feedback: dict = field(default_factory=dict)


def blackboard_upload(data: bytes, file_name: str, columns: dict, users: set) -> BlackboardUpload:
    """The Work Offline upload: tab-delimited ``.xls`` or comma ``.csv`` whose every field is quoted; a
    header row; students by ``Username``; a column by the ``|<column id>`` ending its header (one
    without becomes a new text column worth 0 points)."""
    if file_name.endswith(".xls"):
        text, delimiter = data.decode("utf-16"), "\t"
    else:
        text, delimiter = data.decode("utf-8-sig"), ","
        for line in text.splitlines():
            fields = re.findall(r'(?:^|,)("(?:[^"]|"")*"|[^,]*)', line)
            assert all(f.startswith('"') and f.endswith('"') for f in fields), f"an unquoted field: {line!r}"
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    header = rows[0]
    assert "Username" in header, "the username column must be in the file"
    user = header.index("Username")
    outcome = BlackboardUpload()
    targets = {}
    for index, name in enumerate(header):
        match = re.search(r"\|(\d+)$", name)
        if match and int(match.group(1)) in columns:
            targets[index] = int(match.group(1))
        elif re.search(r"\[Total Pts:", name) or name not in ("Last Name", "First Name", "Username", "Student ID",
                                                             "Last Access", "Availability", "Grading Notes",
                                                             "Notes Format", "Feedback to Learner", "Feedback Format"):
            outcome.new_columns.append(name)
    learner = header.index("Feedback to Learner") if "Feedback to Learner" in header else None
    for row in rows[1:]:
        if row[user] not in users:
            outcome.unknown_users.append(row[user])
            continue
        for index, column in targets.items():
            outcome.updates[(row[user], column)] = row[index]
        if learner is not None and row[learner]:
            outcome.feedback[row[user]] = row[learner]
    return outcome


# --- running kata as an instructor does --------------------------------------------------------

def kata_grade(ws, subs, *args, kata_id="0.1"):
    """``kata grade`` from the command line (in process); the click result."""
    from click.testing import CliRunner

    from grader.cli import main

    return CliRunner().invoke(main, ["--root", str(ws), "grade", kata_id, str(subs), "--jobs", "1", *args])


def json_rows(path) -> dict:
    """``{student: row}`` of a JSON gradebook, every student once."""
    import json

    rows = json.loads(path.read_text(encoding="utf-8"))
    by_student = {row["student"]: row for row in rows}
    assert len(by_student) == len(rows), "a student is in the JSON twice"
    return by_student
