"""kata as an ordinary user (no root: how many instructors and every learner run it), for real.

Each promise of that mode, attacked: the scratch folder is capped in total and off the host's disk (a user
namespace's tmpfs); every process a worker starts ends with it (no new session or process group); no IP
socket reaches anything (there is no network namespace, so none at all). With the layer turned off, the
same attack succeeds. Where a protection cannot be had, ``kata doctor`` and the grade summary say so.
"""

import csv
import io
import os
import shutil
import signal
import socket
import sys
import time
import uuid

import ordinary
import pytest
from conftest import LAYERS, TINY, needs, processes_with
from test_integrity import attacker

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux's ordinary-user sandbox")

CORRECT = (TINY / "solutions" / "0.1-tiny" / "tiny.py").read_text()


FILL = """
written = 0
for number in range(6):  # 60 MB in files of 10 MB, each under the file size limit
    with open("fill" + str(number), "wb") as f:
        for _ in range(10):
            f.write(b"0" * 1024 * 1024)
            written += 1
return written > 40
"""


def spawner(token: str) -> str:
    return f"""
for _ in range(80):
    try:
        pid = os.fork()
    except OSError:
        break
    if pid == 0:
        try:
            os.setsid()  # a session of its own, out of the worker's process group, if it may
        except OSError:
            pass
        os.execv(sys.executable, [sys.executable, "-c", "import time; time.sleep(60)", {token!r}])
return False
"""


def udp(port: int) -> str:
    return f"""
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(b"out", ("127.0.0.1", {port}))
return True
"""


@pytest.fixture
def user_cohort():
    """A workspace and a cohort the ordinary user owns; a UDP port the test listens on; the spawner's token."""
    folder = ordinary.home()
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    receiver.settimeout(0.3)
    token = f"kata-setsid-{uuid.uuid4().hex}"
    shutil.copytree(TINY, folder / "ws")
    subs = folder / "subs"
    subs.mkdir()
    (subs / "ada.py").write_text(CORRECT)
    (subs / "filler.py").write_text(attacker(FILL))
    (subs / "spawner.py").write_text(attacker(spawner(token)))
    (subs / "udp.py").write_text(attacker(udp(receiver.getsockname()[1])))
    ordinary.give(folder)
    yield folder, receiver, token
    receiver.close()
    for pid in processes_with(token):  # survivors of a defence turned off
        os.kill(pid, signal.SIGKILL)
    shutil.rmtree(folder, ignore_errors=True)


def grade_as_user(folder, env=None, students=None):
    """``kata grade`` as the user, of the whole cohort or of ``students`` alone."""
    subs = folder / "subs"
    if students is not None:
        subs = folder / "some"
        subs.mkdir()
        for student in students:
            shutil.copy(folder / "subs" / f"{student}.py", subs)
        ordinary.give(subs)
    proc = ordinary.run(["--root", folder / "ws", "grade", "0.1", subs, "--out", folder / "g.csv",
                         "--jobs", "2"], folder, env)
    assert proc.returncode == 0, proc.stderr
    rows = {r["student"]: float(r["score"]) for r in csv.DictReader(io.StringIO((folder / "g.csv").read_text()))}
    return proc, rows


def received(receiver) -> bool:
    try:
        return receiver.recvfrom(10)[0] == b"out"
    except socket.timeout:
        return False


@needs("seccomp", "ordinary-user-namespace")
def test_every_promise_of_the_mode_holds_for_an_ordinary_user(user_cohort):
    folder, receiver, token = user_cohort
    proc, rows = grade_as_user(folder)
    assert rows == {"ada": 4, "filler": 4, "spawner": 4, "udp": 4}  # every attack blocked, every row graded
    assert not received(receiver)
    time.sleep(0.3)
    assert processes_with(token) == []  # the 80 children ended with their worker
    assert "graded without these protections" in proc.stdout and "a user of its own per worker" in proc.stdout


@pytest.mark.parametrize("layer, student", [("user-namespace", "filler"), ("seccomp", "udp")])
@needs("seccomp", "ordinary-user-namespace")
def test_an_ordinary_users_attack_succeeds_with_its_defence_off(user_cohort, layer, student):
    folder, receiver, token = user_cohort
    spawner = ("spawner",) if layer == "seccomp" else ()  # seccomp also keeps its children in their worker's group
    _, rows = grade_as_user(folder, {"KATA_SANDBOX_OFF": layer}, students=("ada", student, *spawner))
    assert rows == {"ada": 4, student: 2, **{s: 4 for s in spawner}}  # its add checks lost: the attack worked
    if layer == "seccomp":
        assert received(receiver)
        time.sleep(0.3)
        assert processes_with(token)  # children in sessions of their own outlived kata grade


@needs("seccomp")
def test_setsid_children_do_not_outlive_kata_check(user_cohort):
    folder, _, token = user_cohort
    proc = ordinary.run(["--root", folder / "ws", "check", "0.1", "--file", folder / "subs" / "spawner.py"], folder)
    assert proc.returncode == 0, proc.stdout + proc.stderr  # 4/4: the attack returned False
    time.sleep(0.3)
    assert processes_with(token) == []


def test_doctor_says_what_an_ordinary_user_gets():
    folder = ordinary.home()
    try:
        shutil.copytree(TINY, folder / "ws")
        ordinary.give(folder)
        proc = ordinary.run(["--root", folder / "ws", "doctor"], folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    assert proc.returncode == 0, proc.stderr
    lines = {line[8:].split("  ")[0].strip(): line[3:6] for line in proc.stdout.splitlines() if line.startswith("  [")}
    assert lines["a user of its own per worker"] == "off"
    assert lines["memory capped for a worker and its children together"] == "off"
    assert lines["one core and a task cap per student being graded"] == "off"
    if LAYERS["ordinary-user-namespace"] and LAYERS["seccomp"]:
        assert lines["private, size-capped scratch folder, off the host's disk"] == "on "
        assert lines["private network (no network, no loopback)"] == "on "
        assert lines["processes die with their worker"] == "on "
