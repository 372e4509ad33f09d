"""Gradebook renderers: one cohort of result records, the formats platforms read.

Field lists follow the platforms' public specifications (see the README).
Every renderer takes the same rows (:class:`~grader.results.Row`: the student
as the LMS knows them, and the result) in student order. The CSV gradebook is
the import file of the LMS the submissions came from (``layout``), or kata's
own columns for a plain folder.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET

from .manifest import Kata
from .report import check_lines, points
from .show import terminal_safe
from .results import KataResult, Outcome, cap

EXERCISM_OUTPUT_CAP = 500
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def percent(result: KataResult) -> float:
    return round(100.0 * result.score / result.max_score, 2) if result.max_score else 0.0


def csv_lines(rows, kata: Kata, layout: str = "plain"):
    """The gradebook CSV, line by line: the LMS's own import file for its layouts, else kata's columns.

    kata's columns: ``student,student_id,late,score,max_score,percent,status,error``
    then points per stub function.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")

    def taken() -> str:
        text = out.getvalue()
        out.seek(0)
        out.truncate()
        return text

    if layout in LMS_CSV:
        for _ in LMS_CSV[layout](writer, rows, kata):
            yield taken()
        return
    targets = kata.targets
    writer.writerow(["student", "student_id", "late", "score", "max_score", "percent", "status", "error", *targets])
    yield taken()
    for row in rows:
        result = row.result
        by_target = result.points_by_target()
        writer.writerow([_cell(row.student), _cell(row.identity()["student_id"]), "yes" if row.late else "",
                         points(result.score), points(result.max_score), f"{percent(result):g}",
                         result.status, _cell(_one_line(result.error or "")),
                         *(points(by_target.get(t, 0.0)) for t in targets)])
        yield taken()


def to_csv(rows, kata: Kata, layout: str = "plain") -> str:
    return "".join(csv_lines(rows, kata, layout))


def assignment(kata: Kata) -> str:
    """The gradebook column kata's grades go into."""
    return f"kata {kata.id} {kata.title}"


def _canvas_csv(writer, rows: list, kata: Kata) -> None:
    """Canvas's gradebook import: its first five columns, the points row, one assignment column."""
    writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", assignment(kata)])
    writer.writerow(["    Points Possible", "", "", "", "", points(kata.max_score)])
    yield
    for row in rows:
        writer.writerow([_cell(row.identity()["name"]), row.identity()["student_id"],
                         "", "", "", points(row.result.score)])
        yield


def _moodle_csv(writer, rows: list, kata: Kata) -> None:
    """Moodle's offline grading worksheet, matched on its Identifier column ("Participant N")."""
    writer.writerow(["Identifier", "Full name", "Grade", "Maximum Grade", "Feedback comments"])
    yield
    for row in rows:
        result = row.result
        comment = result.error or f"kata {kata.id}: {points(result.score)}/{points(result.max_score)}"
        writer.writerow([f"Participant {row.identity()['student_id']}", _cell(row.identity()["name"]), points(result.score),
                         points(kata.max_score), _cell(_one_line(comment))])
        yield


def _blackboard_csv(writer, rows: list, kata: Kata) -> None:
    """Blackboard's Grade Center upload, matched on Username; the column is created on upload."""
    writer.writerow(["Username", f"{assignment(kata)} [Total Pts: {points(kata.max_score)} Score]"])
    yield
    for row in rows:
        writer.writerow([_cell(row.identity()["student_id"]), points(row.result.score)])
        yield




LMS_CSV = {"canvas": _canvas_csv, "moodle": _moodle_csv, "blackboard": _blackboard_csv}


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    """A text cell a spreadsheet shows as text: one starting like a formula gets a leading ', and control
    characters (a folder name may hold any) are escaped."""
    text = terminal_safe(text, one_line=True)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def json_lines(rows, kata: Kata, layout: str = "plain"):
    """A list of ``kata check --json`` objects, each with ``student``, ``student_id``, ``late``, ``superseded``,
    written one object at a time."""
    yield "["
    first = True
    for row in rows:
        item = json.dumps({"student": row.student, **row.identity(), **row.result.to_dict()},
                          indent=2, allow_nan=False, default=str)
        yield ("\n" if first else ",\n") + "\n".join("  " + line for line in item.splitlines())
        first = False
    yield "\n]\n" if not first else "]\n"


def to_json(rows, kata: Kata, layout: str = "plain") -> str:
    return "".join(json_lines(rows, kata, layout))


def junit_lines(rows, kata: Kata, layout: str = "plain"):
    """JUnit XML: a test suite per student (its ``student_id`` a property), a test case per check;
    written one suite at a time."""
    head = ET.tostring(ET.Element("testsuites", name=f"kata {kata.id}"), encoding="unicode")
    yield '<?xml version="1.0" encoding="utf-8"?>\n' + head.replace(" />", ">") + "\n"
    for row in rows:
        suites = ET.Element("testsuites")
        student, result = row.student, row.result
        verdicts = [Outcome.verdict(c.outcome) for c in result.checks]
        failures, errors = verdicts.count(Outcome.FAIL), verdicts.count(Outcome.ERROR)
        errors += result.status == "error"
        tests = len(result.checks) or 1
        suite = ET.SubElement(suites, "testsuite", name=_xml(student), tests=str(tests),
                              failures=str(failures), errors=str(errors), time=_seconds(result))
        properties = ET.SubElement(suite, "properties")
        for key, value in (("student_id", row.identity()["student_id"]), ("late", "yes" if row.late else "no")):
            ET.SubElement(properties, "property", name=key, value=_xml(value))
        if result.status == "error":
            case = ET.SubElement(suite, "testcase", classname=f"kata.{kata.id}", name="import", time="0")
            ET.SubElement(case, "error", message=_xml(result.error or "")).text = _xml(result.error or "")
        for check in result.checks:
            case = ET.SubElement(suite, "testcase", classname=f"kata.{kata.id}.{check.target}",
                                 name=check.name, time="0")
            if not check.passed:
                tag = "error" if Outcome.verdict(check.outcome) == Outcome.ERROR else "failure"
                ET.SubElement(case, tag, message=_xml(check.message)).text = _xml(failure_text(check))
        ET.indent(suite, space="  ", level=1)
        yield "  " + ET.tostring(suite, encoding="unicode").rstrip() + "\n"
    yield "</testsuites>\n"


def to_junit(rows, kata: Kata, layout: str = "plain") -> str:
    return "".join(junit_lines(rows, kata, layout))


def to_gradescope(result: KataResult, kata: Kata) -> str:
    """Gradescope's ``results.json`` for one student."""
    tests = []
    for number, check in enumerate(result.checks, start=1):
        output = failure_text(check) if not check.passed else ""
        tests.append({"name": check.name, "number": f"1.{number}", "score": check.points,
                      "max_score": check.max_points, "status": "passed" if check.passed else "failed",
                      "output": output, "tags": [check.target], "visibility": kata.visibility})
    data = {"score": result.score, "execution_time": round(result.duration, 3),
            "output": "\n".join([result.error or f"kata {kata.id}: {points(result.score)}/{points(result.max_score)}",
                                  *(f"note: {note}" for note in result.notes)]),
            "output_format": "text", "test_output_format": "text",  # learner text is never markup
            "visibility": kata.visibility, "stdout_visibility": "hidden",
            "extra_data": {"kata": kata.id, "seed": result.seed, "status": result.status},
            "tests": tests}
    if result.status == "error":
        data["tests"] = [{"name": "import", "score": 0.0, "max_score": result.max_score,
                          "status": "failed", "output": result.error, "visibility": kata.visibility}]
    return json.dumps(data, indent=2, allow_nan=False) + "\n"


def to_exercism(result: KataResult, kata: Kata) -> str:
    """exercism test runner ``results.json``, version 3."""
    if result.status == "error":
        return json.dumps({"version": 3, "status": "error", "message": result.error, "tests": []},
                          indent=2) + "\n"
    tasks = {target: number for number, target in enumerate(kata.targets, start=1)}
    tests = []
    for check in result.checks:
        entry = {"name": check.name, "test_code": f"{check.target}(...)  # {check.name}",
                 "status": Outcome.verdict(check.outcome),
                 "task_id": tasks.get(check.target, 0)}
        if not check.passed:
            entry["message"] = failure_text(check)
        if check.output:
            entry["output"] = cap(check.output, EXERCISM_OUTPUT_CAP)
        tests.append(entry)
    status = "pass" if result.full_marks else "fail"
    return json.dumps({"version": 3, "status": status, "tests": tests}, indent=2, allow_nan=False) + "\n"


def failure_text(check) -> str:
    """What went wrong, why (a recognised misconception), and the hint."""
    lines = [check.message]
    if check.diagnosis:
        lines.append(f"why: {check.diagnosis}")
    if check.hint:
        lines.append(f"hint: {check.hint}")
    return "\n".join(lines)


def feedback(result: KataResult) -> str:
    """A student's feedback file: the lines ``kata check`` prints, verbose."""
    return "\n".join(check_lines(result, verbose=True)) + "\n"


PER_STUDENT = {"gradescope": to_gradescope, "exercism": to_exercism}
COHORT = {".csv": csv_lines, ".json": json_lines, ".xml": junit_lines}
"""Cohort gradebooks by file suffix; each yields its text piece by piece, so rows can stream from the journal."""


def _seconds(result: KataResult) -> str:
    return f"{result.duration:.3f}"


def _xml(text: str) -> str:
    return _XML_INVALID.sub("\ufffd", text)


def _one_line(text: str) -> str:
    """Free text (an error, a comment) for one cell: whitespace runs as one space."""
    return " ".join(text.split())

