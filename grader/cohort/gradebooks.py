"""Gradebook renderers: one cohort of result records, the formats platforms read.

Every renderer takes the same rows (:class:`~grader.core.results.Row`: the student
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

from ..core.manifest import Kata
from ..core.results import KataResult, Outcome
from ..core.show import learner_text, one_line, points, spreadsheet_cell
from ..learner.report import failure_text
from ..platforms import lms

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def percent(result: KataResult) -> float:
    return round(100.0 * result.score / result.max_score, 2) if result.max_score else 0.0


def csv_lines(rows, kata: Kata, layout: str = "plain"):
    """The gradebook CSV, line by line: the LMS's own import file for its layouts, else kata's columns.

    kata's columns: ``student,student_id,late,score,max_score,percent,status,error``
    then points per stub function.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", **lms.CSV_STYLE.get(layout, {}))
    if layout in lms.BOM:
        out.write("\ufeff")

    def taken() -> str:
        text = out.getvalue()
        out.seek(0)
        out.truncate()
        return text

    if layout in lms.GRADEBOOKS:
        for _ in lms.GRADEBOOKS[layout](writer, rows, kata):
            yield taken()
        return
    targets = kata.targets
    writer.writerow(["student", "student_id", "late", "score", "max_score", "percent", "status", "error", *targets])
    yield taken()
    for row in rows:
        result = row.result
        by_target = result.points_by_target()
        writer.writerow([spreadsheet_cell(row.student), spreadsheet_cell(row.identity()["student_id"]), "yes" if row.late else "",
                         points(result.score), points(result.max_score), f"{percent(result):g}",
                         result.status, spreadsheet_cell(one_line(result.error or "")),
                         *(points(by_target.get(t, 0.0)) for t in targets)])
        yield taken()


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
            ET.SubElement(case, "error", message=_xml(one_line(result.error or ""))).text = _xml(
                learner_text(result.error or ""))
        for check in result.checks:
            case = ET.SubElement(suite, "testcase", classname=f"kata.{kata.id}.{check.target}",
                                 name=check.name, time="0")
            if not check.passed:
                tag = "error" if Outcome.verdict(check.outcome) == Outcome.ERROR else "failure"
                ET.SubElement(case, tag, message=_xml(one_line(check.message))).text = _xml(failure_text(check))
        ET.indent(suite, space="  ", level=1)
        yield "  " + ET.tostring(suite, encoding="unicode").rstrip() + "\n"
    yield "</testsuites>\n"


COHORT = {".csv": csv_lines, ".json": json_lines, ".xml": junit_lines}
"""Cohort gradebooks by file suffix; each yields its text piece by piece, so rows can stream from the journal."""


def _seconds(result: KataResult) -> str:
    return f"{result.duration:.3f}"


def _xml(text: str) -> str:
    return _XML_INVALID.sub("\ufffd", text)
