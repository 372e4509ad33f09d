"""A small graded cohort of the tiny kata for the report's tests: every kind of row, a misconception,
a planted copy, and a student whose name and messages are HTML that must never run."""

import json
import zipfile
from pathlib import Path

from click.testing import CliRunner
from conftest import copy_tiny
from planted import everything

from grader.cli import main
from grader.cohort.report import markup, page, sections

HOSTILE = "<img src=x onerror=alert(1)>"
"""A student (file name) that would run a script if it reached the page as markup."""

ADA = '''def add(a, b):
    total = a
    total = total + b
    return total


def mean(values):
    count = 0
    running = 0.0
    for item in values:
        running = running + item
        count = count + 1
    if count == 0:
        raise ValueError("mean of nothing: give at least one value")
    result = running / count
    return result
'''

STUDENTS = {
    "ada.py": ADA,
    "bob.py": "def add(a, b):\n    return a - b\n\n\ndef mean(values):\n    return sum(values) / len(values)\n",
    "cy.py": "def add(x, y):\n    return x - y\n\n\ndef mean(v):\n    if not v:\n        raise ValueError\n"
             "    return sum(v) / len(v)\n",
    "gil.py": everything(ADA),
    f"{HOSTILE}.py": ('def add(a, b):\n    print("<img src=http://127.0.0.1:9/x.png>")\n'
                      '    raise ValueError("</pre><script>window.pwned = 1</script><style>body{display:none}</style>")\n'
                      "\n\ndef mean(values):\n    return 0\n"),
    "eve.py": "def add(a, b:\n",
    "fay.txt": "I did my best",
}
MISCONCEPTION = '"""You subtracted b from a: add returns a + b."""\n\n\ndef add(a, b):\n    return a - b\n'


def make_cohort(base: Path):
    """``(workspace, submissions)``: the tiny kata (with one misconception) and the students above."""
    ws = copy_tiny(base / "ws")
    folder = ws / "katas" / "0.1-tiny" / "misconceptions"
    folder.mkdir()
    (folder / "subtracts.py").write_text(MISCONCEPTION)
    subs = base / "subs"
    subs.mkdir()
    for name, text in STUDENTS.items():
        (subs / name).write_text(text)
    (subs / "dee.py").write_text((ws / "katas/0.1-tiny/.shipped/tiny.py").read_text())  # the stub, untouched
    with zipfile.ZipFile(subs / "hal.zip", "w") as archive:  # unpacked by the run, and again for similarity
        archive.writestr("hal/tiny.py", "def add(a, b):\n    return b + a\n\n\ndef mean(v):\n"
                                        "    if len(v) == 0:\n        raise ValueError\n    return sum(v) / len(v)\n")
    return ws, subs


def grade(ws: Path, subs: Path, *options):
    """``kata grade`` of the cohort; the CliRunner result."""
    return CliRunner().invoke(main, ["--root", str(ws), "grade", "0.1", str(subs), "--jobs", "2", *options])


def graded_cohort(base: Path):
    """``(workspace, submissions, JSON gradebook, report path)``: the cohort made in ``base`` and graded once."""
    ws, subs = make_cohort(base)
    result = grade(ws, subs, "--out", str(base / "grades.json"), "--report", str(base / "report.html"))
    assert result.exit_code in (0, 1), result.output
    assert (base / "report.html").is_file(), result.output
    return ws, subs, json.loads((base / "grades.json").read_text()), base / "report.html"


def without_escaping(monkeypatch) -> None:
    """The report's escaping turned off: learner text goes into the page as it is."""
    for module in (markup, page, sections):
        monkeypatch.setattr(module, "text", str)
