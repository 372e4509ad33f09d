"""kata grade --report and kata report: the cohort report's content, counts and escaping (browser: test_report_browser)."""

import json
import re
import sys

import pytest
from click.testing import CliRunner
from report_cohort import (
    ADA,
    HOSTILE,
    grade,
    graded_cohort,
    make_cohort,
    without_escaping,
)

from grader.cli import main

pytestmark = pytest.mark.xdist_group("report-cohort")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The cohort graded once, with the JSON gradebook and the report."""
    ws, subs, book, path = graded_cohort(tmp_path_factory.mktemp("report"))
    return ws, subs, book, path.read_text()


def count(page, key):
    return int(re.search(rf'id="count-{key}">(\d+)<', page).group(1))


def check_counts(page):
    return {name: (int(passed), int(seen)) for name, passed, seen in
            re.findall(r'data-check="(\w+)">.*?<td class="n">(\d+)/(\d+)</td>', page)}


def test_counts_equal_the_json_gradebook(graded):
    _, _, book, page = graded
    assert count(page, "total") == len(book) == 9
    assert count(page, "graded") == sum(r["status"] == "graded" for r in book) == 7
    assert count(page, "error") == sum(r["status"] == "error" for r in book) == 2
    assert count(page, "late") == sum(r["late"] for r in book)
    expected = {}
    for row in book:
        for check in row["checks"]:
            passed, seen = expected.get(check["name"], (0, 0))
            expected[check["name"]] = (passed + check["passed"], seen + 1)
    assert check_counts(page) == expected


def test_misconceptions_are_tallied_with_the_students_names(graded):
    _, _, book, page = graded
    diagnosed = {r["student"] for r in book for c in r["checks"] if c["diagnosis"]}
    assert diagnosed == {"bob", "cy"}
    (row,) = re.findall(r'<tr class="misconception">(.*?)</tr>', page)
    assert re.match(r'<td class="n">2</td><td><b>subtracts</b>: You subtracted b from a', row)
    assert re.findall(r'<a href="#s\d+-(\w+)">', row) == ["bob", "cy"]
    undiagnosed = re.findall(r'<tr class="undiagnosed">(.*?)</tr>', page)
    assert any("mean([])" in item and "-bob" in item for item in undiagnosed)  # bob's mean takes an empty list


def test_errors_are_listed_with_what_to_do(graded):
    page = graded[3]
    rows = re.findall(r'<tr class="error-row">(.*?)</tr>', page)
    assert len(rows) == 2
    eve, fay = sorted(rows)
    assert "SyntaxError" in eve and "does not import" in eve
    assert "fay.txt is neither" in fay and "fix the entry in the submissions folder" in fay


def test_each_student_has_a_page_with_their_kata_check_report(graded):
    _, _, book, page = graded
    articles = dict(re.findall(r'<article class="student" id="(s\d+-[\w-]*)">(.*?)</article>', page, re.S))
    assert len(articles) == len(book)
    ada = next(body for anchor, body in articles.items() if anchor.endswith("-ada"))
    assert "score 4/4  all checks pass" in ada and "PASS  test_add_small" in ada
    links = set(re.findall(r'<a href="#(s\d+-[\w-]*)">', page))
    assert set(articles) <= links  # every page is reachable from the cohort table


def test_planted_copy_is_flagged_and_shown_side_by_side(graded):
    page = graded[3]
    assert re.search(r'id="pair-count">1<', page)
    (row,) = re.findall(r'<tr class="pair-row">(.*?)</tr>', page)
    assert "-ada" in row and "-gil" in row
    assert "<mark>" in page and "never proof of copying" in page


def test_no_learner_text_reaches_the_page_as_markup(graded):
    page = graded[3]
    assert "<script" not in page.lower()
    assert page.count("<style") == 1 + page.count("<svg")  # the page's own, and matplotlib's in each plot
    assert HOSTILE not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;/pre&gt;&lt;script&gt;window.pwned = 1&lt;/script&gt;" in page
    assert "Content-Security-Policy" in page and "script-src 'none'" in page


def test_without_escaping_the_learner_text_would_be_markup(graded, tmp_path, monkeypatch):
    """The defence off: the same cohort's text lands in the page as live tags (what the escaping prevents)."""
    ws, subs, _, _ = graded
    without_escaping(monkeypatch)
    result = CliRunner().invoke(main, ["--root", str(ws), "report", "0.1", str(subs), "--out", str(tmp_path / "r.html")])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "r.html").read_text()
    assert "<script>window.pwned = 1</script>" in page and HOSTILE in page


def test_kata_report_reads_the_journal_and_grades_nothing(graded, tmp_path):
    ws, subs, _, page = graded
    out = tmp_path / "again.html"
    result = CliRunner().invoke(main, ["--root", str(ws), "report", "0.1", str(subs), "--out", str(out)])
    assert result.exit_code == 0, result.output
    again = out.read_text()
    for key in ("total", "graded", "error", "late", "missing"):
        assert count(again, key) == count(page, key)
    assert check_counts(again) == check_counts(page)
    assert "grading kata" not in result.output and 'id="stale"' not in again


def test_kata_report_leaves_out_what_changed_since_grading(graded, tmp_path):
    ws, subs, _, _ = graded
    changed = tmp_path / "subs"
    import shutil

    shutil.copytree(subs, changed)
    assert grade(ws, changed, "--out", str(tmp_path / "g.csv")).exit_code in (0, 1)
    (changed / "bob.py").write_text("def add(a, b):\n    return a + b\n")
    out = tmp_path / "r.html"
    result = CliRunner().invoke(main, ["--root", str(ws), "report", "0.1", str(changed), "--out", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text()
    assert count(page, "total") == 8 and re.search(r'id="stale">1 submission changed.*\(bob\)', page)
    assert "1 submission changed since the last kata grade" in result.output


def test_report_needs_its_extra_and_says_so_before_grading(graded, tmp_path, monkeypatch):
    ws, subs, _, _ = graded
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as if not installed: importing it raises ImportError
    result = grade(ws, subs, "--out", str(tmp_path / "g.csv"), "--report", str(tmp_path / "r.html"))
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        'Error: the HTML report needs matplotlib for its plots, which is not installed; '
        'install it with: pip install "kata[report]"']
    assert not (tmp_path / "g.csv").exists()


@pytest.mark.parametrize("name, message", [("inside", "inside the submissions folder"), ("r.txt", "name it with .html")])
def test_bad_report_paths_are_one_line(graded, tmp_path, name, message):
    ws, subs, _, _ = graded
    target = subs / "r.html" if name == "inside" else tmp_path / name
    result = grade(ws, subs, "--out", str(tmp_path / "g.csv"), "--report", str(target))
    assert result.exit_code == 2 and message in result.output and len(result.output.strip().splitlines()) == 1


def test_kata_report_before_any_grading_is_one_line(graded, tmp_path):
    ws = graded[0]
    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(main, ["--root", str(ws), "report", "0.1", str(tmp_path / "empty"),
                                       "--out", str(tmp_path / "r.html")])
    assert result.exit_code == 2 and "run kata grade 0.1" in result.output


def test_changes_since_the_previous_run_are_listed_with_why(tmp_path):
    """A real second run: bob and the student with a hostile name fixed their add, and a check is worth 2 now:
    the journal's history says who moved, from what to what, and why."""
    ws, subs = make_cohort(tmp_path)
    assert grade(ws, subs, "--out", str(tmp_path / "g.json")).exit_code in (0, 1)
    first = {row["student"]: row["score"] for row in json.loads((tmp_path / "g.json").read_text())}
    (subs / "bob.py").write_text(ADA)
    (subs / f"{HOSTILE}.py").write_text(ADA.replace("return result", "return 0.0"))
    yaml = ws / "kata.yaml"
    text = yaml.read_text()
    assert text.count('        hint: "Return a + b."\n') == 1
    yaml.write_text(text.replace('        hint: "Return a + b."\n', '        hint: "Return a + b."\n        points: 2\n'))
    out = tmp_path / "r.html"
    assert grade(ws, subs, "--out", str(tmp_path / "g.json"), "--report", str(out)).exit_code in (0, 1)
    rows = re.findall(r'<tr class="change">(.*?)</tr>', out.read_text())
    by_student = {re.search(r'">(.*?)</a>', row).group(1): row for row in rows}
    assert f'{first["bob"]:g} &rarr; 5 / 5' in by_student["bob"]
    assert "submission changed; checks changed" in by_student["bob"]
    assert "checks changed" in by_student["ada"] and "submission changed" not in by_student["ada"]
    hostile = by_student["&lt;img src=x onerror=alert(1)&gt;"]  # the name is text, escaped
    assert "submission changed; checks changed" in hostile
    assert "dee" not in by_student  # the untouched stub scored 0 both times: not a change


