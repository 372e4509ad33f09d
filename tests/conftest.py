"""Shared fixtures: the repository's own workspace, copies of it, and a grader."""

import shutil
from pathlib import Path

import psutil
import pytest

from grader.core import grading
from grader.learner import workspace

REPO = Path(__file__).resolve().parent.parent
SUBMISSIONS = Path(__file__).resolve().parent / "submissions"
TINY = Path(__file__).resolve().parent / "fixtures" / "tiny"
"""A tiny workspace (numpy only, four checks) for testing the machinery fast."""

collect_ignore = ["fixtures"]  # the fixture kata's checks are graded by kata, not collected here


@pytest.fixture(scope="session")
def manifest(tmp_path_factory):
    """The repository's katas, copied with the stubs as shipped: never a learner's work in progress."""
    return workspace.load_manifest(copy_workspace(tmp_path_factory.mktemp("repo") / "ws"))


@pytest.fixture(scope="session")
def kata(manifest):
    return manifest.get("10.2")


@pytest.fixture(scope="session")
def grader(manifest):
    """One grader for the full kata, shared by every test that only grades."""
    with grading.Grader(manifest) as active:
        yield active


def processes_with(token: str) -> list:
    """Pids of the running processes whose command line contains ``token`` (zombies have ended)."""
    found = []
    for process in psutil.process_iter(["cmdline", "status"]):
        if process.info["status"] != psutil.STATUS_ZOMBIE and token in " ".join(process.info["cmdline"] or ()):
            found.append(process.pid)
    return found


def alive(pids) -> set:
    """Those of ``pids`` still running (a zombie has ended)."""
    running = set()
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                running.add(pid)
        except psutil.Error:
            pass
    return running


def descendants(pid: int) -> set:
    """Every process started, directly or not, by process ``pid`` and still its descendant."""
    try:
        return {child.pid for child in psutil.Process(pid).children(recursive=True)}
    except psutil.Error:
        return set()


def copy_workspace(target: Path, **limits) -> Path:
    """A copy of the repository's katas to work in, learner files as shipped; ``limits`` rewrite kata.yaml values."""
    for name in ("katas", "solutions"):
        shutil.copytree(REPO / name, target / name)
    for shipped in (target / "katas").glob("*/.shipped"):  # the stubs, never what a learner wrote here
        for stub in shipped.iterdir():
            shutil.copy(stub, shipped.parent / stub.name)
    text = (REPO / "kata.yaml").read_text()
    for key, value in limits.items():
        before = text
        if f"    {key}:" in text:
            text = "\n".join(f"    {key}: {value}" if line.startswith(f"    {key}:") else line
                             for line in text.splitlines()) + "\n"
        else:
            text = text.replace("    check_file:", f"    {key}: {value}\n    check_file:")  # every kata
        assert text != before or f"    {key}: {value}\n" in text, f"kata.yaml has no place for {key}"
    (target / "kata.yaml").write_text(text)
    return target


@pytest.fixture
def ws(tmp_path):
    """A writable copy of the workspace (state files, edited stubs)."""
    return copy_workspace(tmp_path / "ws")


@pytest.fixture(scope="session")
def fast_manifest(tmp_path_factory):
    """The workspace with short time limits, for submissions that hang."""
    root = copy_workspace(tmp_path_factory.mktemp("fast"), time_limit=1, import_time_limit=2)
    return workspace.load_manifest(root)


@pytest.fixture(scope="session")
def fast_grader(fast_manifest):
    with grading.Grader(fast_manifest) as active:
        yield active


def copy_tiny(target: Path, time_limit: int | None = None) -> Path:
    """A writable copy of the tiny workspace (with a call ``time_limit`` of its own, if given)."""
    shutil.copytree(TINY, target)
    if time_limit is not None:
        yaml = target / "kata.yaml"
        text = yaml.read_text()
        assert text.count("    time_limit: 3\n") == 1, "the tiny kata.yaml no longer says 'time_limit: 3'"
        yaml.write_text(text.replace("    time_limit: 3\n", f"    time_limit: {time_limit}\n"))
    return target


@pytest.fixture(scope="session")
def tiny_manifest(tmp_path_factory):
    return workspace.load_manifest(copy_tiny(tmp_path_factory.mktemp("tiny") / "ws"))


@pytest.fixture(scope="session")
def tiny_grader(tiny_manifest):
    with grading.Grader(tiny_manifest) as active:
        yield active
