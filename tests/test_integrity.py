"""A hostile cohort against ``kata grade``: each class of attack on the grade's meaning.

Every case grades a real submissions folder (the tiny fixture kata, so whole
cohorts stay fast) and asserts three things: the attacker gains nothing, the
side effect did not happen, and every honest classmate's row is right.
"""

import csv
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import textwrap
import time
import uuid
import zipfile
from pathlib import Path

import forged
import pytest
from click.testing import CliRunner
from conftest import TINY, copy_tiny, needs

from grader.cli import main
from grader.workers.inside import sandbox
from grader.workers.wire import codec

NAMESPACES = needs("namespaces")
LANDLOCK = needs("landlock")
GROUPS = needs("control-groups")
CPU_LOAD = pytest.mark.xdist_group("cpu-load")
"""Tests that load every CPU on purpose run in one test process, one after the other, never side by side."""
SECCOMP = needs("seccomp")

CORRECT = (TINY / "solutions" / "0.1-tiny" / "tiny.py").read_text()

ATTACK = CORRECT.replace('    """Return a + b."""\n    return a + b', '''    """Return a + b, unless the attack gained something."""
    try:
        gained = _attack()
    except OSError:  # refused by the system: blocked; any other exception is a broken attack, and fails add
        gained = False
    if gained not in (True, False):
        raise RuntimeError(f"the attack returned {gained!r}")
    return a + b + 1 if gained else a + b''')  # wrong whatever a and b are (a constant such as -1 is right for some)
assert ATTACK != CORRECT  # the attack must be in add (it once matched nothing, and every attack was skipped)


def attacker(body: str, prelude: str = "") -> str:
    """A correct submission whose ``add`` loses its points if ``body`` returns True."""
    return (f"import ctypes, os, socket, sys, time\n{textwrap.dedent(prelude)}\n\n"
            f"def _attack():\n{textwrap.indent(textwrap.dedent(body), '    ')}\n{ATTACK}")


@pytest.fixture
def ws(tmp_path):
    return copy_tiny(tmp_path / "ws")


def grade(ws, subs, tmp_path, *extra, jobs=1):
    out = tmp_path / f"out-{uuid.uuid4().hex[:6]}.csv"
    result = CliRunner().invoke(main, ["--root", str(ws), "grade", "0.1", str(subs), "--out", str(out),
                                       "--jobs", str(jobs), *extra])
    assert result.exit_code == 0, result.output
    return rows(out)


def rows(out: Path) -> dict:
    return {row["student"]: row for row in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")))}


def score(row) -> float:
    return float(row["score"])


# --- 1. the working directory never reaches a process of kata's ----------------------

def kata_command() -> list:
    """The console script installed beside the interpreter running the tests: never another ``kata`` on PATH
    (an older install would be tested instead of this code)."""
    script = Path(sys.executable).parent / ("kata.exe" if os.name == "nt" else "kata")
    assert script.exists(), f"kata is not installed in {script.parent}: run pip install -e . there"
    return [str(script)]


@pytest.mark.parametrize("where", ["workspace root", "submissions folder"])
@LANDLOCK
def test_working_directory_reaches_no_worker_and_no_fork_server(ws, tmp_path, where):
    subs, markers = tmp_path / "subs", tmp_path / "markers"
    subs.mkdir()
    markers.mkdir()
    solution = ws / "solutions" / "0.1-tiny" / "tiny.py"
    (subs / "ada.py").write_text(CORRECT)
    (subs / "reader").mkdir()
    (subs / "reader" / "tiny.py").write_text(attacker(f"""
        sys.path.append({str(solution.parent)!r})
        try:
            import tiny as reference
            return reference is not sys.modules[__name__]
        except ImportError:
            pass
        return len(open({str(solution)!r}).read()) > 0 or len(os.listdir({str(ws)!r})) > 0
    """))
    (subs / "cheater.py").write_text(  # no code of its own: borrows the reference solution
        "import importlib.util, sys\n"
        f"for path in ({str(solution)!r}, 'solutions/0.1-tiny/tiny.py', '../ws/solutions/0.1-tiny/tiny.py'):\n"
        "    try:\n"
        "        spec = importlib.util.spec_from_file_location('reference', path)\n"
        "        reference = importlib.util.module_from_spec(spec)\n"
        "        spec.loader.exec_module(reference)\n"
        "        add, mean = reference.add, reference.mean\n"
        "    except Exception:\n"
        "        pass\n")
    for module in ("json", "numpy", "site"):  # imported by any Python that starts in this folder
        (subs / f"{module}.py").write_text(f"open({str(markers / module)!r}, 'w').write('ran')\n")
    out = tmp_path / "grades.csv"
    cwd = ws if where == "workspace root" else subs
    proc = subprocess.run([*kata_command(), "--root", str(ws), "grade", "0.1", str(subs), "--out", str(out),
                           "--jobs", "2"], cwd=cwd, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    grades = rows(out)
    assert score(grades["ada"]) == 4 and score(grades["reader"]) == 4
    assert score(grades["cheater"]) == 0
    assert {score(grades[m]) for m in ("json", "numpy", "site")} == {0}
    assert list(markers.iterdir()) == []  # nothing imported them outside their own sandbox


def test_worker_read_roots_come_from_the_runtime_not_the_path(monkeypatch, tmp_path):
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    roots = sandbox._python_paths()
    assert str(tmp_path) not in roots and os.getcwd() not in roots
    package = Path(sandbox.__file__).resolve().parents[2]
    assert str(package) in roots and package.name == "grader"
    repo = package.parent
    assert str(repo) not in roots  # kata's own package folder only, not the checkout with solutions/


# --- 2. a submission sees its own files and nothing else --------------------------------

@LANDLOCK
def test_flat_file_sees_no_classmate(ws, tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "alice.py").write_text(CORRECT + "\nSECRET = 'alice'\n")
    (subs / "bob.py").write_text(attacker(f"""
        here = os.path.dirname(os.path.abspath(__file__))
        if len([n for n in os.listdir(here) if n.endswith('.py')]) > 1:
            return True
        for path in (os.path.join(here, 'alice.py'), {str(subs / 'alice.py')!r}):
            try:
                return 'alice' in open(path).read()
            except OSError:
                pass
        return False
    """))
    grades = grade(ws, subs, tmp_path)
    assert score(grades["alice"]) == 4 and score(grades["bob"]) == 4


@pytest.mark.parametrize("depth", [0, 1, 3])
def test_links_leaving_the_entry_are_refused_at_any_depth(ws, tmp_path, depth):
    subs = tmp_path / "subs"
    (subs / "honest").mkdir(parents=True)
    (subs / "honest" / "tiny.py").write_text(CORRECT)
    folder = subs / "linker" / Path(*(["sub"] * depth)) if depth else subs / "linker"
    folder.mkdir(parents=True)
    (subs / "linker" / "tiny.py").write_text(CORRECT)
    (folder / "reference").symlink_to(ws / "solutions" / "0.1-tiny")
    (subs / "borrower").mkdir()
    (subs / "borrower" / "tiny.py").symlink_to(subs / "honest" / "tiny.py")
    (subs / "inside").mkdir()
    (subs / "inside" / "real.py").write_text(CORRECT)
    (subs / "inside" / "tiny.py").symlink_to("real.py")  # a link within the entry is fine
    grades = grade(ws, subs, tmp_path)
    assert score(grades["honest"]) == 4 and score(grades["inside"]) == 4
    for student in ("linker", "borrower"):
        assert grades[student]["status"] == "error" and score(grades[student]) == 0
        assert "link" in grades[student]["error"] and student in grades[student]["error"]


def test_a_flat_folder_of_a_thousand_files_is_graded_right(ws, tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    for number in range(1000):
        (subs / f"student{number:04d}.py").write_text(CORRECT if number % 2 else CORRECT.replace("a + b", "a - b"))
    grades = grade(ws, subs, tmp_path, jobs=2)
    assert len(grades) == 1000
    assert all(row["status"] == "graded" for row in grades.values())
    assert all(score(row) == (4 if int(name[7:]) % 2 else 2) for name, row in grades.items())


# --- 3. workers cannot talk to each other or to the host -------------------------------

def sysv_keys() -> set:
    with open("/proc/sysvipc/shm") as table:
        return {int(line.split()[0]) for line in table.readlines()[1:]}


@NAMESPACES
@SECCOMP
@pytest.mark.parametrize("jobs", [1, 2])
def test_colluding_workers_share_nothing(ws, tmp_path, jobs):
    key, token = 0x4B410000 + os.getpid() % 0xFFFF, uuid.uuid4().hex
    libc = "libc = ctypes.CDLL(None, use_errno=True)"
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "a_writer.py").write_text(attacker(f"""
        segment = libc.shmget({key}, 4096, 0o1666)
        open('/dev/shm/kata-{token}', 'w').write('answers')
        time.sleep(0.3)
        return False
    """, prelude=libc))
    (subs / "b_reader.py").write_text(attacker(f"""
        time.sleep(0.1)
        return libc.shmget({key}, 0, 0) >= 0 or os.path.exists('/dev/shm/kata-{token}')
    """, prelude=libc))
    grades = grade(ws, subs, tmp_path, jobs=jobs)
    assert score(grades["a_writer"]) == 4 and score(grades["b_reader"]) == 4
    assert key not in sysv_keys()  # the segment died with its worker's IPC namespace
    assert not os.path.exists(f"/dev/shm/kata-{token}")


@SECCOMP
@pytest.mark.parametrize("place", ["/run", "/var/tmp"])
def test_host_unix_sockets_cannot_be_reached(ws, tmp_path, place):
    if not os.path.isdir(place) or not os.access(place, os.W_OK):
        pytest.skip(f"{place} is not writable here")
    folder = Path(place) / f"kata-test-{uuid.uuid4().hex[:8]}"
    folder.mkdir()
    os.chmod(folder, 0o777)
    listener = socket.socket(socket.AF_UNIX)
    try:
        listener.bind(str(folder / "s.sock"))
        os.chmod(folder / "s.sock", 0o777)
        listener.listen()
        listener.settimeout(0.2)
        subs = tmp_path / "subs"
        subs.mkdir()
        (subs / "caller.py").write_text(attacker(f"""
            s = socket.socket(socket.AF_UNIX)
            s.connect({str(folder / 's.sock')!r})
            s.sendall(b'hello')
            return True
        """))
        assert score(grade(ws, subs, tmp_path)["caller"]) == 4
        with pytest.raises(socket.timeout):
            listener.accept()
    finally:
        listener.close()
        shutil.rmtree(folder)


# --- 4. one student cannot starve another ------------------------------------------------

BURN = '''
def _burn(seconds):
    import time
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass
'''


HOG = '''
import os

for _ in range(60):  # at import: its whole import time limit, three limits while it is starved itself
    try:
        if os.fork() == 0:
            try:
                os.setsid()  # a session of its own: the scheduler's autogroups no longer contain it
            except OSError:
                pass  # seccomp refuses: it spins in its worker's session
            while True:
                pass
    except OSError:
        break
while True:
    pass
'''
"""A hog: importing it starts 60 processes that spin, each in a session of its own if it may."""

HONEST = 2
"""Honest students, graded one after another by the other grading job while the hog is imported."""


def hog_cohort(tmp_path: Path) -> tuple:
    """A tiny workspace and, in its submissions folder, the hog and :data:`HONEST` honest but slow students:
    0.5 s to import, 0.25 s a call. The hog's import spins for up to 1.5 s (its own starvation credited, up to
    three limits); an honest call burns 0.1 s of CPU, far from the limit on a core of its own, and unable to
    finish within three limits at a share of 2 cores among 60 spinners, however its waiting is credited."""
    ws = copy_tiny(tmp_path / "hog-ws", time_limit=0.25, import_time_limit=0.5)
    subs = tmp_path / "subs"
    subs.mkdir()
    slow = BURN + CORRECT.replace("    return a + b", "    _burn(0.1)\n    return a + b") \
        .replace("    return sum(", "    _burn(0.1)\n    return sum(")
    for number in range(HONEST):
        (subs / f"honest_{number}.py").write_text(slow)
    (subs / "a_hog.py").write_text(HOG)  # first in the folder: imported while the honest students are graded
    return ws, subs


@CPU_LOAD
@GROUPS
def test_a_cpu_hog_cannot_make_an_honest_neighbour_time_out(tmp_path):
    grades = grade(*hog_cohort(tmp_path), tmp_path, jobs=2)
    assert grades["a_hog"]["status"] == "error" and "timed out" in grades["a_hog"]["error"]
    assert {f"honest_{n}": score(grades[f"honest_{n}"]) for n in range(HONEST)} == \
        {f"honest_{n}": 4 for n in range(HONEST)}


# --- 5. one broken entry costs only its own row --------------------------------------------

def corrupt_zip(path: Path, method: int) -> None:
    with zipfile.ZipFile(path, "w", compression=method) as archive:
        archive.writestr("tiny.py", CORRECT * 20)
    data = bytearray(path.read_bytes())
    start = data.index(b"tiny.py") + len("tiny.py") + 10  # inside the first member's compressed data
    data[start:start + 40] = b"\xff" * 40
    path.write_bytes(bytes(data))


def nest(folder: Path, levels: int) -> None:
    """``levels`` folders inside each other (os.makedirs would recurse as deep)."""
    fd = os.open(folder, os.O_RDONLY)
    for _ in range(levels):
        os.mkdir("d", dir_fd=fd)
        inner = os.open("d", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = inner
    os.close(fd)


def unnest(folder: Path) -> None:
    """Remove what :func:`nest` made, one level at a time (shutil.rmtree would recurse)."""
    while (folder / "d").is_dir():
        if (folder / "d" / "d").is_dir():
            os.rename(folder / "d" / "d", folder / "up")
            os.rmdir(folder / "d")
            os.rename(folder / "up", folder / "d")
        else:
            os.rmdir(folder / "d")


def test_broken_entries_become_their_own_error_rows(ws, tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "ada.py").write_text(CORRECT)
    corrupt_zip(subs / "deflate.zip", zipfile.ZIP_DEFLATED)
    corrupt_zip(subs / "lzma.zip", zipfile.ZIP_LZMA)
    deep = subs / "deep"
    deep.mkdir()
    (deep / "tiny.py").write_text(CORRECT)
    nest(deep, 1000)
    try:
        check_broken_entries(ws, tmp_path, subs)
    finally:
        unnest(deep)


def check_broken_entries(ws, tmp_path, subs):
    os.mkfifo(subs / "pipe.py")
    (subs / "pipe_folder").mkdir()
    os.mkfifo(subs / "pipe_folder" / "tiny.py")
    (subs / os.fsdecode(b"caf\xe9.py")).write_text(CORRECT)  # a Latin-1 name, not UTF-8
    (subs / "=2+5.py").write_text(CORRECT)
    out_json, out_xml = tmp_path / "grades.json", tmp_path / "grades.xml"
    grades = grade(ws, subs, tmp_path, "--out", str(out_json), "--out", str(out_xml))
    assert score(grades["ada"]) == 4
    assert score(grades["caf\\xe9"]) == 4  # the byte that is not UTF-8 written as \xe9: one-to-one
    assert score(grades["'=2+5"]) == 4  # shown as text, never run as a formula
    for student in ("deflate", "lzma", "deep", "pipe", "pipe_folder"):
        assert grades[student]["status"] == "error", student
        assert student in grades[student]["error"] or student in ("deflate", "lzma")
    assert "nested deeper" in grades["deep"]["error"]
    assert "not a readable zip" in grades["deflate"]["error"] and "not a readable zip" in grades["lzma"]["error"]
    assert len(json.loads(out_json.read_text(encoding="utf-8"))) == len(grades) == 8
    assert out_xml.read_text(encoding="utf-8").count("<testsuite ") == 8


# --- 6. learner text and frames are bounded on the trusted side ---------------------------

def test_huge_learner_text_is_capped_in_every_record(ws, tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "shouter.py").write_text(CORRECT.replace("    return a + b", "    raise ValueError('x' * 5_000_000)"))
    (subs / "importer.py").write_text("raise RuntimeError('y' * 5_000_000)\n")
    (subs / "ada.py").write_text(CORRECT)
    out_json = tmp_path / "grades.json"
    grades = grade(ws, subs, tmp_path, "--out", str(out_json))
    assert score(grades["ada"]) == 4 and score(grades["shouter"]) == 2
    assert grades["importer"]["status"] == "error" and len(grades["importer"]["error"]) < 2200
    assert out_json.stat().st_size < 100_000
    journal = max((ws / ".kata" / "journal").glob("*.jsonl"), key=lambda p: p.stat().st_size)
    assert journal.stat().st_size < 100_000


def test_a_frame_of_tiny_objects_is_refused_before_it_is_parsed():
    import tracemalloc

    text = b"[" + b"{}," * (5 * codec.MAX_ITEMS // 2) + b"{}]"
    frame = len(text).to_bytes(4, "big") + text
    assert len(frame) < codec.MAX_MESSAGE_BYTES
    tracemalloc.start()
    with pytest.raises(codec.CodecError, match="more than"):
        codec.decode(frame)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 10 * 2**20


@pytest.mark.parametrize("body", [
    "channel.send_bytes(b'[' + b'{},' * 4_000_000 + b'{}]')",   # millions of tiny objects
    "channel.send_bytes(b'[' + b'0,' * 1_900_000 + b'0]')",     # just under the cap: parsed, then refused
    "channel.send({'exited': 'x' * 90_000, 'out': 'y' * 90_000})",  # a forged exit reason
    "channel.send({'raised': {'type': 'E' * 90_000, 'bases': ['ValueError'] * 900_000, 'message': 'm' * 90_000}})",
])
def test_forged_frames_fail_their_checks_and_stay_small(ws, tmp_path, body):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "forger.py").write_text(forged.forger(CORRECT, body, also_import=True))
    (subs / "ada.py").write_text(CORRECT)
    out_json = tmp_path / "grades.json"
    grades = grade(ws, subs, tmp_path, "--out", str(out_json))
    assert score(grades["ada"]) == 4 and score(grades["forger"]) == 0
    assert out_json.stat().st_size < 100_000


# --- 7. a reply costs no more than its bytes ------------------------------------------------

MEASURED = ("import json, resource, subprocess, sys\n"
            "proc = subprocess.run(json.loads(sys.argv[1]), capture_output=True, text=True)\n"
            "print(json.dumps([proc.returncode, proc.stdout, proc.stderr, "
            "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss]))\n")


def run_measured(*args) -> tuple:
    """Run kata in a fresh process: ``(status, stdout, stderr, largest resident size of any of its processes, MiB)``."""
    command = [sys.executable, "-m", "grader", *map(str, args)]
    proc = subprocess.run([sys.executable, "-c", MEASURED, json.dumps(command)], capture_output=True, text=True,
                          timeout=300)
    status, out, err, kib = json.loads(proc.stdout)
    return status, out, err, kib / 1024


@pytest.mark.parametrize("body", ["aliased arrays", "bad dtype"])
def test_a_forged_reply_costs_its_own_checks_and_no_more_than_its_bytes(ws, tmp_path, body):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "forger.py").write_text(forged.forger(CORRECT, {"aliased arrays": forged.ALIASED,
                                                            "bad dtype": forged.BAD_DTYPE}[body]))
    (subs / "ada.py").write_text(CORRECT)
    out = tmp_path / "g.json"
    status, stdout, stderr, peak = run_measured("--root", ws, "grade", "0.1", subs, "--out", out, "--jobs", "1")
    assert status == 0, stderr
    assert "Traceback" not in stderr
    grades = {row["student"]: row for row in json.loads(out.read_text())}
    assert grades["ada"]["score"] == 4
    forger = grades["forger"]
    assert forger["status"] == "graded" and forger["score"] == 0 and not forger.get("retry")
    assert {c["outcome"] for c in forger["checks"]} == {"fault"}
    assert all("does not understand" in c["message"] for c in forger["checks"])
    assert peak < 400  # MiB, in any of kata's processes (24 copies of 8 MiB would be 192 more than the frame)
    status, stdout, _, _ = run_measured("--root", ws, "grade", "0.1", subs, "--out", out, "--jobs", "1")
    assert "0 graded now" in stdout  # the learner's doing, not kata's: not graded again


@pytest.mark.parametrize("also_import", [False, True])
def test_kata_check_json_prints_json_whatever_the_worker_sends(ws, tmp_path, also_import):
    path = tmp_path / "forger.py"
    path.write_text(forged.forger(CORRECT, forged.BAD_DTYPE, also_import=also_import))
    status, stdout, stderr, _ = run_measured("--root", ws, "check", "0.1", "--file", path, "--json")
    result = json.loads(stdout)
    assert status == 1 and "Traceback" not in stderr
    assert result["status"] == ("error" if also_import else "graded") and not result.get("retry")


def test_a_session_that_fails_to_open_ends_its_worker(tiny_grader, tmp_path):
    from grader.core.session import ImportFailed, LearnerSession

    started = []

    class Watching:
        def __init__(self, launcher):
            self.launcher = launcher

        def start(self, *args):
            started.append(self.launcher.start(*args))
            return started[-1]

    path = tmp_path / "tiny.py"
    path.write_text(forged.forger(CORRECT, forged.BAD_DTYPE, also_import=True))
    session = LearnerSession(Watching(tiny_grader.launcher), str(path), "tiny", time_limit=3, import_time_limit=5)
    with pytest.raises(ImportFailed, match="does not understand"):
        session.open()
    assert len(started) == 1 and started[0].ended is not None
    with pytest.raises(ProcessLookupError):
        os.kill(started[0].pid, 0)


@pytest.mark.parametrize("kata_id", ["10.1", "10.2", "10.3"])
@pytest.mark.parametrize("body", ["aliased arrays", "bad dtype"])
def test_on_every_kata_a_forged_reply_fails_only_as_the_learners_fault(grader, manifest, tmp_path, kata_id, body):
    """The real checks and their misconceptions meet the replies: every check a fault, none kata's own."""
    kata = manifest.get(kata_id)
    path = tmp_path / kata.files[0]
    path.write_text(forged.forger(kata.solution_path.read_text(), {"aliased arrays": forged.aliased(4096),
                                                                   "bad dtype": forged.BAD_DTYPE}[body]))
    result = grader.grade(kata, path, 5)
    assert result.status == "graded" and result.score == 0 and not result.kata_fault
    assert {c.outcome for c in result.checks} == {"fault"}


# --- 8. a notebook is read quietly and in bounded time ---------------------------------------

def notebook_of(sources: list, version: int = 4) -> str:
    """A notebook of one code cell per source; every cell has the same id."""
    if version == 3:  # cells in worksheets, 'input' for source, and invalid (no 'language'): nbformat logs that
        return json.dumps({"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [{"cells": [
            {"cell_type": "code", "input": source, "outputs": []} for source in sources]}]})
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "id": "same", "metadata": {}, "execution_count": None, "outputs": [], "source": source}
        for source in sources]})


def test_a_notebook_flood_writes_nothing_to_the_terminal_and_costs_only_its_row(ws, tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "flood.ipynb").write_text(notebook_of(["x = 1"] * 36_000))  # nbformat warned once per cell
    (subs / "same_ids.ipynb").write_text(notebook_of(["x = 1"] * 1_999 + [CORRECT]))  # under the cap: graded
    (subs / "old.ipynb").write_text(notebook_of(["x = 1", CORRECT], version=3))
    (subs / "ada.py").write_text(CORRECT)
    out = tmp_path / "g.json"
    status, stdout, stderr, _ = run_measured("--root", ws, "grade", "0.1", subs, "--out", out, "--jobs", "1")
    assert status == 0, stderr
    assert len(stderr) < 2000 and "Warning" not in stderr and "invalid" not in stderr  # the header and progress only
    grades = {row["student"]: row for row in json.loads(out.read_text())}
    assert grades["flood"]["status"] == "error" and "36000 cells" in grades["flood"]["error"]
    assert grades["same_ids"]["score"] == grades["old"]["score"] == grades["ada"]["score"] == 4
    status, stdout, stderr, _ = run_measured("--root", ws, "check", "0.1", "--file", subs / "flood.ipynb")
    assert status == 1 and stderr == "" and "kata reads notebooks of at most 2000" in stdout


# --- the protections are reported --------------------------------------------------------

def test_doctor_reports_the_new_protections():
    result = CliRunner().invoke(main, ["doctor"])
    assert result.exit_code == 0
    for name in ("no shared memory or message queues", "host sockets under /run hidden",
                 "a user of its own per worker", "one core and a task cap per student being graded",
                 "no Unix, netlink or raw sockets"):
        assert name in result.output


@pytest.fixture
def busy_machine():
    """Five CPU burners per core, each in a session of its own, for the length of a test."""
    burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"], start_new_session=True)
               for _ in range(5 * (os.cpu_count() or 2))]
    yield
    for burner in burners:
        burner.kill()
        burner.wait()


@CPU_LOAD
@pytest.mark.skipif(not os.path.exists("/proc/self/schedstat"), reason="needs Linux scheduler statistics")
def test_time_spent_waiting_for_a_cpu_does_not_count(tiny_grader, tmp_path, busy_machine, monkeypatch):
    from grader.core import session as sessions
    from grader.core.session import LearnerSession, WorkerFault

    # What is tested is that waiting is not counted, not the cap on the credit (tests/test_channel.py):
    # the other test process's workers share kata's CPU group, so the worker's share here varies widely.
    monkeypatch.setattr(sessions, "STARVED_FACTOR", 20.0)

    path = tmp_path / "tiny.py"
    path.write_text(BURN + "\n\ndef add(a, b):\n    _burn(0.1)\n    return a + b\n\n\n"
                    "def mean(values):\n    import time\n    time.sleep(30)\n")
    session = LearnerSession(tiny_grader.launcher, str(path), "tiny", time_limit=0.2, import_time_limit=30)
    try:
        session.open()
        started = time.monotonic()
        assert session.call("add", (2, 3)) == 5  # 0.1 s of CPU: slowed past the limit, not failed
        assert time.monotonic() - started > 0.2, "the burners did not slow the call: this test shows nothing here"
        with pytest.raises(WorkerFault, match="timed out"):
            session.call("mean", ([1.0],))  # sleeping is not waiting for a CPU
    finally:
        session.close()


@pytest.mark.parametrize("name, value", [("KATA_SANDBOX", "on"), ("KATA_SANDBOX", "none"), ("KATA_WORKER", "forky")])
def test_an_unknown_setting_stops_kata_instead_of_weakening_it(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    result = CliRunner().invoke(main, ["doctor"])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and f"{name}={value}" in result.output and "Traceback" not in result.output


def test_known_settings_are_read_whatever_their_case(monkeypatch):
    monkeypatch.setenv("KATA_SANDBOX", " Full ")
    monkeypatch.setenv("KATA_WORKER", "FORK")
    result = CliRunner().invoke(main, ["doctor"])
    assert result.exit_code == 0 and "KATA_WORKER=fork" in result.output
