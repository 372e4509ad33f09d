"""Fixtures that let an author run a kata's checks with pytest itself.

A kata's ``checks/conftest.py`` does ``from grader.pytest_plugin import *``.
Then ``pytest katas/<folder>/checks`` runs the checks against the reference
solution in a worker process, and ``--kata-file PATH`` against any other file;
``--kata-seed N`` fixes the data. The fixtures are the ones kata provides when
it grades: ``learner``, ``rng`` and ``seed``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .core import grading
from .core.runner import check_rng
from .core.session import LearnerProxy, LearnerSession
from .learner import workspace

__all__ = ["pytest_addoption", "learner_session", "learner", "rng", "seed"]


def pytest_addoption(parser):
    group = parser.getgroup("kata")
    group.addoption("--kata-file", default=None, help="learner file to check (default: the reference solution)")
    group.addoption("--kata-seed", type=int, default=None, help="seed for the checks' random data")


def _kata_for(check_dir: Path):
    manifest = workspace.load_manifest(workspace.find_root(start=check_dir))
    for kata in manifest.katas:
        if kata.check_file.parent == check_dir.resolve():
            return manifest, kata
    raise pytest.UsageError(f"no kata in kata.yaml has its checks in {check_dir}")


@pytest.fixture(scope="session")
def seed(request):
    chosen = request.config.getoption("--kata-seed")
    return grading.new_seed() if chosen is None else chosen


@pytest.fixture(scope="module")
def learner_session(request):
    manifest, kata = _kata_for(Path(request.module.__file__).parent)
    path = request.config.getoption("--kata-file") or kata.solution_path
    with grading.Grader(manifest) as grader:
        session = LearnerSession.for_kata(grader.launcher, path, kata)
        session.open()
        yield session
        session.close()


@pytest.fixture
def learner(learner_session):
    return LearnerProxy(learner_session)


@pytest.fixture
def rng(request, seed):
    return check_rng(seed, request.node.originalname or request.node.name)
