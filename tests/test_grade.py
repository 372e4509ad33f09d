"""kata grade: a generated cohort of every kind of submission, every output format."""

import csv
import hashlib
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import psutil
import pytest
from click.testing import CliRunner
from conftest import (
    SUBMISSIONS,
    TINY,
    alive_after,
    copy_tiny,
    copy_workspace,
    descendants,
    processes_with,
    spinning_workers,
)

from grader.cli import main

# The graded cohort is a module fixture: keep this module's tests in one test process (xdist loadgroup)
# so it is built once, not once per process.
pytestmark = pytest.mark.xdist_group("graded-cohort")

GOLDEN = Path(__file__).parent / "golden"
HELPER = "correct_loops_math.py"


def folder_student(root, name, source, inner="mle.py"):
    """A student folder holding ``source`` as its learner file, plus the helper it imports."""
    target = root / name / inner
    target.parent.mkdir(parents=True)
    target.write_bytes((SUBMISSIONS / source).read_bytes())
    (target.parent / HELPER).write_bytes((SUBMISSIONS / HELPER).read_bytes())


def zip_student(path, members):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            if isinstance(data, zipfile.ZipInfo):
                archive.writestr(data, "target")
            else:
                archive.writestr(name, data)


def symlink_member(name):
    info = zipfile.ZipInfo(name)
    info.external_attr = (0o120777 << 16)
    return info


EXPECTED = {  # student -> (status, score or None, error fragment)
    "alice": ("graded", 32, None),
    "bob": ("graded", 32, None),
    "carol_ddof": ("graded", 30, None),  # ddof=1 costs the two value checks of sigma
    "dave_repo_layout": ("graded", 32, None),
    "erin": ("graded", 32, None),
    "erin_nested": ("graded", 32, None),
    "frank": ("error", None, "several submissions for frank: frank.py, frank.zip"),
    "gina_empty_folder": ("error", None, "gina_empty_folder: no mle.py (nor katas/10.2-mle/mle.py) found"),
    "hal_two_files": ("error", None, "both mle.py and katas/10.2-mle/mle.py found"),
    "ivan_syntax": ("error", None, "line 4: SyntaxError"),
    "judy_hangs": ("graded", 28, None),
    "ken_crashes": ("graded", 27, None),
    "leo_escape": ("error", None, "points outside the archive's folder"),
    "mia_absolute": ("error", None, "points outside the archive's folder"),
    "ned_symlink": ("error", None, "is a symbolic link"),
    "olga_bomb": ("error", None, "unpacks to more than"),
    "pat_not_a_zip": ("error", None, "is not a readable zip file"),
    "quinn_notes": ("error", None, "quinn_notes: quinn_notes.txt is neither a .py file, a notebook, a folder nor a .zip"),
    "rita_empty_file": ("error", None, "rita_empty_file.py is empty"),
    "sam_overflow": ("graded", 31, None),
    "tom_many_members": ("error", None, "more than the 2000 allowed"),
}


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    """A submissions folder with one student per case in EXPECTED, and a fast workspace."""
    base = tmp_path_factory.mktemp("cohort")
    # judy_hangs's four checks that time out are most of this module's grading time: a short call limit (an
    # honest call of the shipped solutions takes milliseconds, and a limit counts the worker's own time only)
    ws = copy_workspace(base / "ws", time_limit=0.5, import_time_limit=2)
    subs = base / "subs"
    subs.mkdir()
    solution = (ws / "solutions/10.2-mle/mle.py").read_bytes()
    folder_student(subs, "alice", "correct_scipy.py")
    (subs / "bob.py").write_bytes((SUBMISSIONS / "correct_loops_math.py").read_bytes())
    folder_student(subs, "carol_ddof", "ddof_one.py")
    folder_student(subs, "dave_repo_layout", "correct_nelder_mead.py", inner="katas/10.2-mle/mle.py")
    zip_student(subs / "erin.zip", {"mle.py": solution, "__MACOSX/._mle.py": b"junk", ".DS_Store": b"x"})
    zip_student(subs / "erin_nested.zip", {"erin_nested/mle.py": solution})
    (subs / "frank.py").write_bytes(solution)
    zip_student(subs / "frank.zip", {"mle.py": solution})
    (subs / "gina_empty_folder").mkdir()
    folder_student(subs, "hal_two_files", "correct_scipy.py")
    folder_student(subs, "hal_two_files", "correct_scipy.py", inner="katas/10.2-mle/mle.py")
    folder_student(subs, "ivan_syntax", "syntax_error.py")
    folder_student(subs, "judy_hangs", "hangs_in_gaussian_mle.py")
    folder_student(subs, "ken_crashes", "crashes_in_logistic_nll.py")
    zip_student(subs / "leo_escape.zip", {"mle.py": solution, "../escaped.py": b"print('out')"})
    zip_student(subs / "mia_absolute.zip", {"/tmp/kata_absolute_escape.py": b"x"})
    zip_student(subs / "ned_symlink.zip", {"mle.py": symlink_member("mle.py")})
    zip_student(subs / "olga_bomb.zip", {"mle.py": b"\0" * (60 * 1024 * 1024)})
    (subs / "pat_not_a_zip.zip").write_bytes(b"PK\x03\x04 this is not really a zip")
    (subs / "quinn_notes.txt").write_text("I did my best")
    (subs / "rita_empty_file.py").write_text("")
    folder_student(subs, "sam_overflow", "naive_overflow.py")
    zip_student(subs / "tom_many_members.zip", {f"f{i}.txt": b"" for i in range(2001)})
    (subs / ".DS_Store").write_text("hidden")
    (subs / "__MACOSX").mkdir()
    return ws, subs


def snapshot(folder):
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
            for p in sorted(folder.rglob("*"))}


@pytest.fixture(scope="module")
def graded(cohort, tmp_path_factory):
    ws, subs = cohort
    out = tmp_path_factory.mktemp("out")
    before = snapshot(subs)
    args = ["--root", str(ws), "grade", "10.2", str(subs), "--jobs", "2", "--seed", "5",
            "--out", str(out / "grades.csv"), "--out", str(out / "grades.json"), "--out", str(out / "grades.xml"),
            "--out", str(out / "gs") + "/", "--format", "gradescope", "--feedback", str(out / "feedback")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    exercism = CliRunner().invoke(main, ["--root", str(ws), "grade", "10.2", str(subs), "--out",
                                         str(out / "ex") + "/", "--format", "exercism"])
    assert exercism.exit_code == 0, exercism.output
    return out, result.output, exercism.output, before


def test_every_submission_gets_exactly_one_row(graded):
    out, _, _, _ = graded
    rows = list(csv.DictReader(io.StringIO((out / "grades.csv").read_text())))
    assert [r["student"] for r in rows] == sorted(EXPECTED)
    for row in rows:
        status, score, error = EXPECTED[row["student"]]
        assert row["status"] == status, row
        if score is not None:
            assert float(row["score"]) == score, row
        if error:
            assert error in row["error"], row
        assert row["max_score"] == "32"


def test_csv_has_points_per_stub_function(graded):
    out, _, _, _ = graded
    reader = csv.reader(io.StringIO((out / "grades.csv").read_text()))
    header = next(reader)
    assert header[:8] == ["student", "student_id", "late", "score", "max_score", "percent", "status", "error"]
    assert header[8:] == ["binomial_mle", "binomial_log_likelihood", "gaussian_mle", "gaussian_log_likelihood",
                          "linear_regression_nll", "fit_linear_regression_mle", "logistic_nll", "fit_logistic_mle"]
    carol = next(row for row in reader if row[0] == "carol_ddof")
    assert carol[1] == "carol_ddof" and carol[2] == ""
    assert carol[5] == "93.75" and carol[8:] == ["4", "5", "2", "4", "4", "3", "5", "3"]


def test_one_students_fault_does_not_touch_another(graded):
    out, _, _, _ = graded
    data = {entry["student"]: entry for entry in json.loads((out / "grades.json").read_text())}
    judy = {c["target"] for c in data["judy_hangs"]["checks"] if not c["passed"]}
    ken = {c["target"] for c in data["ken_crashes"]["checks"] if not c["passed"]}
    assert judy == {"gaussian_mle"} and ken == {"logistic_nll"}
    assert data["alice"]["score"] == 32 and data["judy_hangs"]["seed"] == 5


def test_zips_never_write_outside_their_folder(graded, cohort):
    _, subs = cohort
    assert not (subs.parent / "escaped.py").exists()
    assert not Path("/tmp/kata_absolute_escape.py").exists()


def test_submissions_folder_is_only_read(graded, cohort):
    _, subs = cohort
    assert snapshot(subs) == graded[3]


def test_junit_xml_has_a_suite_per_student_and_a_case_per_check(graded):
    out, _, _, _ = graded
    root = ET.parse(out / "grades.xml").getroot()
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert sorted(suites) == sorted(EXPECTED)
    carol = suites["carol_ddof"]
    assert carol.get("tests") == "32" and carol.get("failures") == "2" and carol.get("errors") == "0"
    failure = carol.find("testcase[@name='test_gaussian_mle_sigma_divides_by_n']/failure")
    assert "expected" in failure.get("message") and "hint:" in failure.text
    assert suites["ivan_syntax"].find("testcase/error") is not None
    # A hang is the learner's code failing (a failure); an error is only ever kata's own bug.
    assert suites["judy_hangs"].get("errors") == "0" and suites["judy_hangs"].get("failures") == "4"


def test_gradescope_results_per_student(graded):
    out, _, _, _ = graded
    carol = json.loads((out / "gs/carol_ddof/results.json").read_text())
    assert carol["score"] == 30 and len(carol["tests"]) == 32
    test = carol["tests"][10]
    assert set(test) >= {"name", "number", "score", "max_score", "status", "output", "visibility"}
    assert test["number"] == "1.11" and test["status"] == "failed" and test["tags"] == ["gaussian_mle"]
    ivan = json.loads((out / "gs/ivan_syntax/results.json").read_text())
    assert ivan["score"] == 0 and "SyntaxError" in ivan["output"]


def test_exercism_results_per_student(graded):
    out, _, _, _ = graded
    carol = json.loads((out / "ex/carol_ddof/results.json").read_text())
    assert carol["version"] == 3 and carol["status"] == "fail"
    failed = [t for t in carol["tests"] if t["status"] != "pass"]
    assert {t["task_id"] for t in failed} == {3} and all(t["message"] for t in failed)
    assert json.loads((out / "ex/alice/results.json").read_text())["status"] == "pass"
    ivan = json.loads((out / "ex/ivan_syntax/results.json").read_text())
    assert ivan["status"] == "error" and "SyntaxError" in ivan["message"]
    judy = json.loads((out / "ex/judy_hangs/results.json").read_text())
    assert {t["status"] for t in judy["tests"] if t["task_id"] == 3} == {"fail"}


def test_feedback_file_per_student(graded):
    out, _, _, _ = graded
    carol = (out / "feedback/carol_ddof.txt").read_text()
    assert carol.startswith("kata 10.2, seed 5") and "FAIL  test_gaussian_mle_sigma_divides_by_n" in carol
    assert "score 30/32" in carol
    assert sorted(p.stem for p in (out / "feedback").iterdir()) == sorted(EXPECTED)


def test_summary_has_histogram_and_item_analysis(graded):
    _, output, again, _ = graded
    assert "kata 10.2: 21 submissions, 9 graded, 12 errors (seed 5; 11 graded now, 0 unchanged)" in output
    assert re.search(r"^\s+100\s+\| #+\s+5$", output, re.M)
    analysis = output.split("item analysis")[1].split("errors (most common first)")[0].splitlines()
    assert analysis[-2].strip() == "100.0%  the other 23 checks"
    rates = [float(line.split("%")[0]) for line in analysis[1:] if re.match(r"^\s+\d+\.\d%", line)]
    assert rates == sorted(rates)
    assert "most common failure" in output
    assert "(seed 5; 0 graded now, 21 unchanged)" in again


TINY_SOLUTION = TINY / "solutions/0.1-tiny/tiny.py"
TINY_HANGS = TINY_SOLUTION.read_text().replace("    return a + b", "    while True:\n        pass")


def tiny_student(root, name, text, helper=None):
    """A student folder holding ``text`` as tiny.py (and a helper module, if given)."""
    (root / name).mkdir(parents=True)
    (root / name / "tiny.py").write_text(text)
    if helper is not None:
        (root / name / "helper.py").write_text(helper)


def test_rerun_grades_only_what_changed(tmp_path):
    ws = copy_tiny(tmp_path / "ws")
    subs = tmp_path / "subs"
    correct = TINY_SOLUTION.read_text()
    for name in ("alice", "bob", "carol"):
        tiny_student(subs, name, correct, helper="X = 1\n")
    tiny_student(subs, "dave", correct.replace("a + b", "a - b"))
    (subs / "erin").mkdir()  # an empty folder: an error row found without running code
    args = ["--root", str(ws), "grade", "0.1", str(subs), "--out", str(tmp_path / "g.csv"), "--seed", "6"]
    first = CliRunner().invoke(main, args)
    assert "(seed 6; 4 graded now, 0 unchanged)" in first.output, first.output
    (subs / "dave/tiny.py").write_text(correct)
    second = CliRunner().invoke(main, args)
    assert "(seed 6; 1 graded now, 4 unchanged)" in second.output, second.output
    (subs / "alice/helper.py").write_text("X = 2  # a helper changed too\n")
    third = CliRunner().invoke(main, args)
    assert "(seed 6; 1 graded now, 4 unchanged)" in third.output, third.output
    forced = CliRunner().invoke(main, args + ["--force"])
    assert "(seed 6; 4 graded now, 0 unchanged)" in forced.output, forced.output
    rows = {r["student"]: r for r in csv.DictReader(io.StringIO((tmp_path / "g.csv").read_text()))}
    assert rows["dave"]["score"] == "4" and rows["erin"]["status"] == "error"


@pytest.mark.parametrize("args, message", [
    (["--out", "g.txt"], "cannot tell the format of --out g.txt"),
    (["--out", "results/"], "--out results/ is a folder: add --format gradescope|exercism"),
    (["--out", "g.csv", "--format", "gradescope"], "--format gradescope applies to a folder --out"),
    (["--out", "g.csv", "--jobs", "0"], "Invalid value for '--jobs'"),
    # places that cannot take a gradebook: said before any grading, not after an hour of it
    (["--out", "a_file/g.csv"], "cannot write --out"),
    (["--out", "a_folder.csv"], "is a folder; name a file"),
    (["--out", "g.csv", "--feedback", "a_file/feedback"], "cannot write --feedback"),
    (["--out", "/proc/g.csv"], "cannot write --out /proc/g.csv"),
])
def test_bad_options_exit_2(cohort, tmp_path, monkeypatch, args, message):
    ws, subs = cohort
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a_file").write_text("in the way")
    (tmp_path / "a_folder.csv").mkdir()
    result = CliRunner().invoke(main, ["--root", str(ws), "grade", "10.2", str(subs), *args])
    assert result.exit_code == 2 and message in result.output, result.output
    assert "grading kata" not in result.output  # stopped before grading
    assert result.output.count("\n") == 1 or message.startswith("Invalid value")  # click's usage note aside


def test_never_writes_into_the_submissions_folder(cohort):
    ws, subs = cohort
    result = CliRunner().invoke(main, ["--root", str(ws), "grade", "10.2", str(subs), "--out", str(subs / "g.csv")])
    assert result.exit_code == 2 and "inside the submissions folder" in result.output
    missing = CliRunner().invoke(main, ["--root", str(ws), "grade", "10.2", str(subs / "nope"), "--out", "g.csv"])
    assert missing.exit_code == 2 and "does not exist" in missing.output


def test_killed_run_resumes_without_duplicates(tmp_path):
    # the kill waits for journal lines, not for a hang to reach some point: a short limit does
    ws = copy_tiny(tmp_path / "ws", time_limit=0.5)
    subs = tmp_path / "subs"
    for i in range(12):
        tiny_student(subs, f"s{i:02d}", TINY_HANGS if i % 6 == 0 else TINY_SOLUTION.read_text())
    command = [sys.executable, "-m", "grader", "--root", str(ws), "grade", "0.1", str(subs),
               "--out", str(tmp_path / "g.csv"), "--jobs", "2", "--seed", "3"]
    temp = tmp_path / "temp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp)}
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                            env=env)
    journal = next_journal(ws, proc)
    deadline = time.monotonic() + 60
    while len(journal.read_text().splitlines()) < 5 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = len(journaled(journal))
    assert 0 < done_before < 12 and not (tmp_path / "g.csv").exists()
    assert list(temp.iterdir())  # a killed run cannot remove its unpacked submissions...
    rerun = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)
    assert not list(temp.iterdir())  # ...the next run does, with its own
    assert rerun.returncode == 0, rerun.stderr
    assert f"(seed 3; {12 - done_before} graded now, {done_before} unchanged)" in rerun.stdout
    rows = list(csv.DictReader(io.StringIO((tmp_path / "g.csv").read_text())))
    assert [r["student"] for r in rows] == [f"s{i:02d}" for i in range(12)]
    assert sorted(set(journaled(journal))) == [f"s{i:02d}" for i in range(12)]
    assert {r["student"] for r in rows if r["score"] == "2"} == {f"s{i:02d}" for i in range(0, 12, 6)}
    assert {r["score"] for r in rows} == {"2", "4"}


def test_a_grading_process_that_dies_costs_one_row_graded_again_next_run(tmp_path):
    ws = copy_tiny(tmp_path / "ws", time_limit=0.5)
    subs = tmp_path / "subs"
    tiny_student(subs, "s0", TINY_SOLUTION.read_text())  # quick: its grading process takes s2 at once
    for i in range(1, 3):
        tiny_student(subs, f"s{i}", TINY_HANGS)  # each holds its grading process for two time limits
    tiny_student(subs, "s3", TINY_SOLUTION.read_text())  # the rest of the run, after the kill
    command = [sys.executable, "-m", "grader", "--root", str(ws), "grade", "0.1", str(subs),
               "--out", str(tmp_path / "g.csv"), "--jobs", "2", "--seed", "3"]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        next_journal(ws, proc)
        # both busy: one on s1, one on s2, each a call that hangs (killing a process between students loses none)
        _await_hanging_calls(proc, count=2)
        os.kill(_grading_processes(proc.pid, count=2)[0], signal.SIGKILL)  # as the out-of-memory killer would
        out, err = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 0, err
    rows = list(csv.DictReader(io.StringIO((tmp_path / "g.csv").read_text())))
    assert [r["student"] for r in rows] == [f"s{i}" for i in range(4)]
    lost = [r["student"] for r in rows if r["status"] == "error"]
    assert lost in (["s1"], ["s2"])
    assert {(r["student"], r["score"]) for r in rows if r["status"] == "graded"} == {
        ("s0", "4"), ("s3", "4"), *((f"s{i}", "2") for i in range(1, 3) if f"s{i}" not in lost)}
    assert "1 row kept from grading by kata itself" in out and "run the same command again to grade it" in out
    rerun = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert "(seed 3; 1 graded now, 3 unchanged)" in rerun.stdout  # only kata's fault is graded again
    rows = list(csv.DictReader(io.StringIO((tmp_path / "g.csv").read_text())))
    assert [(r["status"], r["score"]) for r in rows] == [("graded", "4"), ("graded", "2"), ("graded", "2"),
                                                         ("graded", "4")]


def _grading_processes(pid: int, count: int) -> list:
    """The grading processes ``kata grade`` (process ``pid``) forked: children running its own command
    line (after start-up, when no child is between a fork and an exec)."""
    kata = psutil.Process(pid)
    found = []
    for child in kata.children():
        try:
            if child.cmdline() == kata.cmdline():
                found.append(child.pid)
        except psutil.Error:
            pass  # one that has just ended
    assert len(found) == count, found
    return found


def _await_hanging_calls(proc, count: int) -> None:
    """Wait until ``count`` of ``kata grade``'s fork servers (one per grading process) each have a worker
    spinning in a call that hangs: that many grading processes hold a student."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, "kata grade ended before its calls hung"
        if len(spinning_workers(proc.pid)) >= count:
            return
        time.sleep(0.02)
    pytest.fail(f"{count} calls that hang never ran at once")


def journaled(journal):
    students = []
    for line in journal.read_text().splitlines():
        try:
            students.append(json.loads(line)["student"])
        except (ValueError, KeyError):
            pass
    return students


def next_journal(ws, proc):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = list((ws / ".kata/journal").glob("*.jsonl")) if (ws / ".kata/journal").exists() else []
        if found:
            return found[0]
        assert proc.poll() is None
        time.sleep(0.05)
    pytest.fail("no journal appeared")


def mask(text):
    text = re.sub(r'"(duration|execution_time)": [0-9.e-]+', r'"\1": 0', text)
    return re.sub(r' time="[0-9.]+"', ' time="0"', text)


def three_students(tmp_path):
    """A correct student, one who divides by n - 1, and one with a syntax error."""
    subs = tmp_path / "subs"
    subs.mkdir()
    folder_student(subs, "ada", "correct_scipy.py")
    folder_student(subs, "ben", "ddof_one.py")
    folder_student(subs, "cy", "syntax_error.py")
    return subs


def test_golden_files(cohort, tmp_path):
    """Each format, byte for byte, for a small cohort with a fixed seed (durations masked)."""
    ws, _ = cohort
    subs = three_students(tmp_path)
    (subs / "dee").mkdir()
    out = tmp_path / "out"
    outs = ["--out", str(out / "grades.csv"), "--out", str(out / "grades.json"), "--out", str(out / "grades.xml")]
    for extra in (outs + ["--out", f"{out}/gradescope/", "--format", "gradescope"],
                  ["--out", f"{out}/exercism/", "--format", "exercism", "--force"]):
        result = CliRunner().invoke(main, ["--root", str(ws), "grade", "10.2", str(subs), "--seed", "42", *extra])
        assert result.exit_code == 0, result.output
    produced = {p.relative_to(out).as_posix(): mask(p.read_text()) for p in sorted(out.rglob("*")) if p.is_file()}
    if os.environ.get("KATA_UPDATE_GOLDEN"):
        for name, text in produced.items():
            (GOLDEN / name).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / name).write_text(text)
    expected = {p.relative_to(GOLDEN).as_posix(): p.read_text() for p in sorted(GOLDEN.rglob("*")) if p.is_file()}
    assert produced == expected


def test_grading_with_subprocess_workers(cohort, tmp_path):
    """Where there is no fork server (macOS, Windows), a thread pool grades with subprocess workers."""
    ws, _ = cohort
    subs = three_students(tmp_path)
    env = {**os.environ, "KATA_WORKER": "spawn"}
    proc = subprocess.run([sys.executable, "-m", "grader", "--root", str(ws), "grade", "10.2", str(subs),
                           "--out", str(tmp_path / "g.csv"), "--jobs", "2"],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    rows = {r["student"]: r for r in csv.DictReader(io.StringIO((tmp_path / "g.csv").read_text()))}
    assert (rows["ada"]["score"], rows["ben"]["score"], rows["cy"]["status"]) == ("32", "30", "error")
    assert "5/20 protections active" in proc.stderr  # kata doctor's rows for spawned workers


def _file_size_cap(limit: int):
    """For a subprocess: files it writes stop growing at ``limit`` bytes (EFBIG, as a full disk gives ENOSPC)."""
    def apply():
        import resource

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


@pytest.mark.skipif(not hasattr(signal, "SIGXFSZ"), reason="POSIX file size limits")
def test_a_full_disk_is_one_line_and_the_next_run_goes_on_from_the_journal(tmp_path):
    ws = copy_tiny(tmp_path / "ws")
    subs = tmp_path / "subs"
    for i in range(30):
        tiny_student(subs, f"s{i:02d}", TINY_SOLUTION.read_text())
    command = [sys.executable, "-m", "grader", "--root", str(ws), "grade", "0.1", str(subs),
               "--out", str(tmp_path / "g.csv"), "--seed", "3"]
    full = subprocess.run(command, capture_output=True, text=True, timeout=300, preexec_fn=_file_size_cap(16_000))
    assert full.returncode == 2, full.stderr
    error = full.stderr.strip().splitlines()[-1]
    assert "Traceback" not in full.stderr and "cannot write" in error and ".kata/journal/" in error
    rerun = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    rows = list(csv.DictReader(io.StringIO((tmp_path / "g.csv").read_text())))
    assert [r["student"] for r in rows] == [f"s{i:02d}" for i in range(30)] and {r["score"] for r in rows} == {"4"}
    students = journaled(next((ws / ".kata/journal").glob("*.jsonl")))
    assert sorted(students) == [f"s{i:02d}" for i in range(30)]  # each once: the torn line is ignored
    assert "unchanged)" in rerun.stdout and ", 0 unchanged)" not in rerun.stdout


def test_a_second_run_on_the_same_journal_is_one_line_while_the_first_holds_it(tmp_path):
    from grader.cohort import journal
    from grader.cohort import run as cohort
    from grader.learner import workspace

    ws = copy_tiny(tmp_path / "ws")
    subs = tmp_path / "subs"
    tiny_student(subs, "ada", TINY_SOLUTION.read_text())
    manifest = workspace.load_manifest(ws)
    args = ["--root", str(ws), "grade", "0.1", str(subs), "--out", str(tmp_path / "g.csv")]
    with journal.exclusive(cohort.journal_path(manifest, manifest.get("0.1"), subs.resolve())):
        busy = CliRunner().invoke(main, args)
    assert busy.exit_code == 2 and busy.output.count("\n") == 1, busy.output
    assert f"another kata grade (process {os.getpid()})" in busy.output and not (tmp_path / "g.csv").exists()
    assert CliRunner().invoke(main, args).exit_code == 0  # released: the next run goes ahead
    assert CliRunner().invoke(main, args).exit_code == 0  # and a run releases it too


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="POSIX signals")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_or_sighup_ends_a_run_as_ctrl_c_does(tmp_path, signum):
    ws = copy_tiny(tmp_path / "ws", time_limit=1)
    subs = tmp_path / "subs"
    for i in range(6):  # the first two hold both grading processes when the signal comes
        tiny_student(subs, f"s{i}", TINY_HANGS if i < 2 else TINY_SOLUTION.read_text())
    temp = tmp_path / "temp"
    temp.mkdir()
    command = [sys.executable, "-m", "grader", "--root", str(ws), "grade", "0.1", str(subs),
               "--out", str(tmp_path / "g.csv"), "--jobs", "2", "--seed", "3"]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "TMPDIR": str(temp)}, start_new_session=True)
    try:
        journal = next_journal(ws, proc)
        _await_hanging_calls(proc, count=2)  # grading: both grading processes in a call, workers under way
        started = descendants(proc.pid)  # grading processes, fork servers, workers (as many as exist by now)
        assert len(started) >= 4
        proc.send_signal(signum)  # to kata itself, as `kill PID` or a closed terminal does
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 1 and "interrupted: every result so far is journaled" in err, err
    assert "Traceback" not in err
    assert not list(temp.glob("kata-run-*"))  # the unpacked submissions are gone
    assert not alive_after(started) and not processes_with(str(ws))  # grading processes, fork servers, workers ended
    assert journal.exists() and not (tmp_path / "g.csv").exists()
    for i in range(2):  # the next run only has to show it goes ahead on this journal: no need to wait out hangs
        (subs / f"s{i}" / "tiny.py").write_text(TINY_SOLUTION.read_text())
    rerun = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0 and len(list(csv.DictReader(io.StringIO((tmp_path / "g.csv").read_text())))) == 6


