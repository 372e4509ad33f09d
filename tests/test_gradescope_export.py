"""kata export gradescope, run the way Gradescope runs an autograder (its specification, "File hierarchy"):

the zip unpacked into ``$AUTOGRADER_ROOT/source``; ``setup.sh`` run once with bash, installing into the
image's ``python3`` (here a fresh virtual environment: not the tests' own, nothing of the checkout
importable, kata only from the wheel the zip carries); ``run_autograder`` copied to
``$AUTOGRADER_ROOT/run_autograder`` and run from ``$AUTOGRADER_ROOT`` with the upload in
``$AUTOGRADER_ROOT/submission``; ``results/results.json`` read as Gradescope reads it.

The image is built once per test session (numpy and scipy come from the package index, through pip's
cache when it has them), from kata 10.2's export; each test gets a root of its own. Tests of the harness
alone (broken uploads, who submitted, an upload's own grader package) grade the tiny fixture kata's
exported workspace with the same image, whose fork server starts several times faster.
"""

import json
import os
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import COUNTS_THREADS, REPO, SUBMISSIONS, TINY, copy_tiny

from grader.cli import main

pytestmark = pytest.mark.xdist_group("gradescope-image")  # one image per test process: keep them together

VISIBILITIES = {"hidden", "after_due_date", "after_published", "visible"}


@dataclass
class Image:
    """The autograder's image: the unpacked zip, and the environment its python3 is found in."""

    source: Path
    names: list
    python: Path
    env: dict


def clean_environment(bin_dir: Path) -> dict:
    """The tests' environment less anything that would make the checkout or the tests' packages
    importable, with the image's python3 first on PATH."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME",
                                                            "PYTHONSTARTUP", "PYTHONUSERBASE")}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    return env


@pytest.fixture(scope="session")
def image(tmp_path_factory, manifest):
    work = tmp_path_factory.mktemp("gradescope-image")
    zip_path = work / "autograder.zip"
    result = CliRunner().invoke(main, ["--root", str(manifest.root), "export", "gradescope", "10.2",
                                       "--out", str(zip_path)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(zip_path) as archive:
        names = archive.namelist()
        archive.extractall(work / "source")
    for script in ("setup.sh", "run_autograder"):  # zipfile does not restore permissions; Gradescope chmods
        (work / "source" / script).chmod(0o755)
    venv = work / "python"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    env = clean_environment(venv / "bin")
    setup = subprocess.run(["bash", str(work / "source" / "setup.sh")], cwd="/", env=env, capture_output=True,
                           text=True, timeout=900)
    assert setup.returncode == 0, setup.stdout[-3000:] + setup.stderr[-3000:]
    assert f"installed in {venv}" in setup.stdout  # kata came from the wheel, into the image's Python
    return Image(work / "source", names, venv / "bin" / "python3", env)


@pytest.fixture(scope="session")
def tiny_workspace(tmp_path_factory):
    """The ``workspace/`` folder of the tiny kata's Gradescope export."""
    work = tmp_path_factory.mktemp("gradescope-tiny")
    ws = copy_tiny(work / "ws")
    result = CliRunner().invoke(main, ["--root", str(ws), "export", "gradescope", "0.1", "--out", str(work / "a.zip")])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(work / "a.zip") as archive:
        archive.extractall(work / "source", [n for n in archive.namelist() if n.startswith("workspace/")])
    return work / "source" / "workspace"


TINY_SOLUTION = TINY / "solutions" / "0.1-tiny" / "tiny.py"


def autograder_root(image: Image, tmp_path: Path, files: dict, metadata: dict | None = None,
                    workspace: Path | None = None) -> Path:
    """``$AUTOGRADER_ROOT`` as Gradescope lays it out for one submission (with another kata's exported
    ``workspace``, if given)."""
    root = tmp_path / "autograder"
    shutil.copytree(image.source, root / "source")
    if workspace is not None:
        shutil.rmtree(root / "source" / "workspace")
        shutil.copytree(workspace, root / "source" / "workspace")
    shutil.copy2(root / "source" / "run_autograder", root / "run_autograder")
    (root / "submission").mkdir()
    for name, source in files.items():
        target = root / "submission" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes() if isinstance(source, Path) else source)
    if metadata is not None:
        (root / "submission_metadata.json").write_text(json.dumps(metadata))
    return root


def run_autograder(image: Image, root: Path, script: Path | None = None) -> dict:
    done = subprocess.run([str(script or root / "run_autograder")], cwd=root, capture_output=True, text=True,
                          env={**image.env, "AUTOGRADER_ROOT": str(root)}, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return valid(json.loads((root / "results" / "results.json").read_text()))


def grade(image, tmp_path, files, metadata=None, workspace=None) -> dict:
    return run_autograder(image, autograder_root(image, tmp_path, files, metadata, workspace))


def valid(results: dict) -> dict:
    """results.json checked against Gradescope's specification of its fields."""
    assert isinstance(results["score"], float) and isinstance(results["execution_time"], float)
    assert results["output_format"] in {"text", "simple_format", "md", "html", "ansi"}
    assert results["visibility"] in VISIBILITIES and results["stdout_visibility"] in VISIBILITIES
    for number, test in enumerate(results["tests"], start=1):
        assert set(test) >= {"name", "score", "max_score", "status", "output", "visibility"}
        assert test["status"] in {"passed", "failed"} and test["visibility"] in VISIBILITIES
        assert 0 <= test["score"] <= test["max_score"]
        if "number" in test:
            assert test["number"] == f"1.{number}"
    return results


def test_the_zip_carries_kata_and_the_checks_but_no_solutions(image):
    assert {"setup.sh", "run_autograder", "workspace/kata.yaml"} <= set(image.names)
    assert any(n.startswith("kata-") and n.endswith("-py3-none-any.whl") for n in image.names)
    assert "workspace/katas/10.2-mle/checks/test_mle.py" in image.names
    assert not any("solutions" in n for n in image.names)
    setup = (image.source / "setup.sh").read_text()
    assert "/home/" not in setup and str(REPO) not in setup


def test_kata_in_the_image_is_the_wheel_not_the_checkout(image, tmp_path):
    found = subprocess.run([str(image.python), "-c", "import grader, numpy; print(grader.__file__)"],
                           cwd=tmp_path, env=image.env, capture_output=True, text=True, timeout=120)
    assert found.returncode == 0, found.stderr
    assert Path(found.stdout.strip()).is_relative_to(image.python.parent.parent) and str(REPO) not in found.stdout


@COUNTS_THREADS
def test_the_autograder_starts_kata_with_one_blas_thread(image, tmp_path):
    """run_autograder's environment, as Gradescope runs the script: in it the image's python3 loads kata's
    autograder and numpy, and counts its threads. Without the script's export line, numpy starts one per core."""
    counter = tmp_path / "bin" / "python3"  # the image's python3, made to count instead of grading
    counter.parent.mkdir()
    counter.write_text(f"#!/bin/sh\nexec {image.python} -I -c 'import os, grader.platforms.autograder, numpy; "
                       "print(len(os.listdir(\"/proc/self/task\")))'\n")
    counter.chmod(0o755)
    env = {**{k: v for k, v in image.env.items() if not k.endswith("_NUM_THREADS")},
           "PATH": f"{counter.parent}{os.pathsep}{image.env['PATH']}"}

    def threads(script: str, name: str) -> int:
        root = autograder_root(image, tmp_path / name, {})
        (root / "run_autograder").write_text(script)
        done = subprocess.run(["bash", str(root / "run_autograder")], cwd=root, capture_output=True, text=True,
                              env={**env, "AUTOGRADER_ROOT": str(root)}, timeout=120)
        assert done.returncode == 0, done.stderr
        return int(done.stdout.split()[-1])

    script = (image.source / "run_autograder").read_text()
    assert threads(script, "as exported") == 1
    without = "\n".join(line for line in script.splitlines() if not line.startswith("export "))
    assert threads(without, "without its export line") > 1


def test_a_correct_submission_gets_full_marks_and_the_seed(image, tmp_path):
    results = grade(image, tmp_path, {"mle.py": SUBMISSIONS / "correct_scipy.py"})
    assert results["score"] == 32.0 and len(results["tests"]) == 32
    assert all(t["status"] == "passed" for t in results["tests"])
    seed = results["extra_data"]["seed"]
    assert f"'kata check 10.2 --seed {seed}'" in results["output"]


def test_a_buggy_submission_loses_exactly_its_points_with_feedback(image, tmp_path):
    results = grade(image, tmp_path, {"mle.py": SUBMISSIONS / "ddof_one.py",
                                      "correct_loops_math.py": SUBMISSIONS / "correct_loops_math.py"})
    failed = [t for t in results["tests"] if t["status"] == "failed"]
    assert results["score"] == 30.0 and {t["tags"][0] for t in failed} == {"gaussian_mle"}
    assert all("hint:" in t["output"] for t in failed) and any("why:" in t["output"] for t in failed)


def test_a_notebook_submission_is_graded(image, tmp_path):
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    path = tmp_path / "work.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("%pip install numpy"),
                                       new_code_cell((SUBMISSIONS / "correct_scipy.py").read_text())]), path)
    assert grade(image, tmp_path, {"Homework 2.ipynb": path})["score"] == 32.0


def test_broken_and_empty_uploads_are_a_valid_zero(image, tiny_workspace, tmp_path):
    broken = grade(image, tmp_path / "a", {"homework.py": b"def add(:\n"}, workspace=tiny_workspace)
    assert broken["score"] == 0.0 and "SyntaxError" in broken["output"]
    empty = grade(image, tmp_path / "b", {}, workspace=tiny_workspace)
    assert empty["score"] == 0.0 and "no tiny.py" in empty["output"]


def test_who_submitted_comes_from_the_submission_metadata(image, tiny_workspace, tmp_path):
    metadata = {"id": 87184652, "created_at": "2024-09-02T15:05:11.109082-07:00", "assignment_id": None,
                "users": [{"id": 233634, "email": "ada@example.edu", "name": "Ada Lovelace", "sid": "100200300"},
                          {"id": 233635, "email": "liam@example.edu", "name": "Liam O'Brien", "sid": None}],
                "previous_submissions": []}
    results = grade(image, tmp_path, {"tiny.py": TINY_SOLUTION}, metadata, tiny_workspace)
    assert results["score"] == 4.0 and results["extra_data"]["submission_id"] == 87184652
    assert results["extra_data"]["students"] == [
        {"id": 233634, "name": "Ada Lovelace", "email": "ada@example.edu", "sid": "100200300"},
        {"id": 233635, "name": "Liam O'Brien", "email": "liam@example.edu"}]


FAKE_GRADER = b"""
import json, os, sys
root = sys.argv[1]
os.makedirs(os.path.join(root, "results"), exist_ok=True)
with open(os.path.join(root, "results", "results.json"), "w") as handle:
    json.dump({"score": 32.0, "execution_time": 0.0, "output": "forged", "output_format": "text",
               "visibility": "visible", "stdout_visibility": "hidden", "tests": []}, handle)
"""


@pytest.mark.parametrize("isolated", [True, False])
def test_a_grader_package_in_the_upload_is_never_imported(image, tiny_workspace, tmp_path, isolated):
    """A student uploads grader/platforms/autograder.py writing 32/32. The exported run_autograder starts
    kata isolated from a neutral folder; started the old way (no -I, from the upload's folder) the
    forgery wins, so the test can fail."""
    root = autograder_root(image, tmp_path, {
        "tiny.py": TINY_SOLUTION.read_text().replace("return a + b", "return a - b").encode(),
        "grader/__init__.py": b"", "grader/platforms/__init__.py": b"",
        "grader/platforms/autograder.py": FAKE_GRADER}, workspace=tiny_workspace)
    script = None
    if not isolated:
        script = root / "old_run_autograder"
        script.write_text('#!/usr/bin/env bash\ncd "$AUTOGRADER_ROOT/submission"\n'
                          'exec python3 -m grader.platforms.autograder "$AUTOGRADER_ROOT" '
                          '"$AUTOGRADER_ROOT/source/workspace"\n')
        script.chmod(0o755)
    results = run_autograder(image, root, script)
    if isolated:
        assert results["score"] == 2.0 and results["output"].startswith("kata 0.1: 2/4")
    else:
        assert results["score"] == 32.0 and results["output"] == "forged"


def test_visibility_comes_from_the_kata(ws, tmp_path):
    text = (ws / "kata.yaml").read_text().replace('    title: Maximum likelihood estimation\n',
                                                  '    title: Maximum likelihood estimation\n    visibility: after_due_date\n')
    (ws / "kata.yaml").write_text(text)
    out = tmp_path / "a.zip"
    assert CliRunner().invoke(main, ["--root", str(ws), "export", "gradescope", "10.2", "--out", str(out)]).exit_code == 0
    with zipfile.ZipFile(out) as archive:
        assert "visibility: after_due_date" in archive.read("workspace/kata.yaml").decode()


def test_kata_failing_itself_still_writes_a_valid_results_json(image, tmp_path, monkeypatch):
    from grader.platforms import autograder as gradescope
    from grader.workers.client.launchers import WorkerStartError

    class Refused:
        def __init__(self, *args, **kwargs):
            pass

        def __enter__(self):
            raise WorkerStartError("could not start the fork server: [Errno 11] Resource temporarily unavailable")

    monkeypatch.setattr(gradescope, "Grader", Refused)
    root = autograder_root(image, tmp_path, {"mle.py": SUBMISSIONS / "correct_scipy.py"})
    assert gradescope.main([str(root), str(root / "source" / "workspace")]) == 0
    results = valid(json.loads((root / "results" / "results.json").read_text()))
    assert results["score"] == 0.0 and "the autograder could not grade this submission" in results["output"]
