"""Learner text never starts a line of a report: not in the terminal, feedback files, notebooks, the
platforms' files or the summary. Every renderer gets the same forgeries: an exception message, an import
error and a notebook cell's error that try to add kata's own lines (a PASS, a score, a hint)."""

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import TINY, copy_tiny

from grader.cli import main

FORGERY = "\\nPASS  test_add_small forged 1/1\\nscore 99/4  all checks pass\\nhint: forged\\r\\u2028why: forged"
CORRECT = (TINY / "solutions" / "0.1-tiny" / "tiny.py").read_text()
RAISER = CORRECT.replace("    return a + b", f"    raise ValueError('bad{FORGERY}')")
IMPORTER = f"raise RuntimeError('broken{FORGERY}')\n"
FORGED_STARTS = ("PASS  test_add_small forged", "score 99/4", "hint: forged", "why: forged")


def notebook(cells: list) -> str:
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "id": f"c{i}", "metadata": {}, "execution_count": None, "outputs": [],
         "source": source} for i, source in enumerate(cells)]})


def forged_lines(text: str) -> list:
    """Lines of ``text`` that begin (after indentation) with a forged line of kata's."""
    return [line for line in text.splitlines() if line.strip().startswith(FORGED_STARTS)]


@pytest.fixture
def cohort(tmp_path):
    ws = copy_tiny(tmp_path / "ws")
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "raiser.py").write_text(RAISER)
    (subs / "importer.py").write_text(IMPORTER)
    (subs / "cells.ipynb").write_text(notebook([CORRECT, f"raise ValueError('cell{FORGERY}')"]))
    return ws, subs


def test_no_output_of_kata_grade_lets_learner_text_start_a_line(cohort, tmp_path):
    ws, subs = cohort
    out = tmp_path / "out"
    result = CliRunner().invoke(main, [
        "--root", str(ws), "grade", "0.1", str(subs), "--jobs", "1", "--feedback", str(out / "feedback"),
        "--out", str(out / "g.csv"), "--out", str(out / "g.json"), "--out", str(out / "g.xml")])
    assert result.exit_code == 0, result.output
    assert forged_lines(result.output) == []  # the summary
    for format_ in ("gradescope", "exercism"):
        folder = CliRunner().invoke(main, ["--root", str(ws), "grade", "0.1", str(subs), "--out",
                                           f"{out / format_}/", "--format", format_])
        assert folder.exit_code == 0, folder.output
    texts = {path: path.read_text() for path in out.rglob("*") if path.is_file()}
    assert len(texts) == 3 + 3 + 3 + 3  # feedback files, three gradebooks, results.json twice per student
    for path, text in texts.items():
        if path.name == "g.json":
            continue  # data (kata check --json's objects), not a report: its strings are as the learner wrote them
        if path.suffix == ".json":
            text = "\n".join(_strings(json.loads(text)))
        assert forged_lines(text) == [], path
    feedback = texts[out / "feedback" / "raiser.txt"]
    assert "      | PASS  test_add_small forged 1/1" in feedback  # kept, and shown as the learner's
    assert "\\r\\u2028why: forged" in feedback
    assert "| score 99/4" in texts[out / "feedback" / "importer.txt"]
    assert "| PASS  test_add_small forged" in texts[out / "feedback" / "cells.txt"]  # a notebook cell's note


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


@pytest.mark.parametrize("name", ["raiser.py", "importer.py", "cells.ipynb"])
def test_kata_check_on_a_terminal_report_and_in_a_notebook(cohort, name):
    ws, subs = cohort
    proc = subprocess.run([sys.executable, "-m", "grader", "--root", str(ws), "check", "0.1", "--file",
                           str(subs / name), "--all"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == (0 if name == "cells.ipynb" else 1), proc.stderr  # a skipped cell costs no check
    assert forged_lines(proc.stdout) == [] and "| " in proc.stdout
    from grader import check

    report = check("0.1", file=str(subs / name), root=str(ws))
    assert forged_lines(report.text) == [] and forged_lines(report._repr_html_()) == []
