"""kata export gradescope: the zip, laid out as Gradescope lays it out, run end to end."""

import json
import os
import subprocess
import sys
import zipfile

import pytest
from click.testing import CliRunner
from conftest import SUBMISSIONS

from grader.cli import main

VISIBILITIES = {"hidden", "after_due_date", "after_published", "visible"}


@pytest.fixture(scope="module")
def autograder(tmp_path_factory, manifest):
    """The exported zip, unpacked into a Gradescope root's source/."""
    work = tmp_path_factory.mktemp("gradescope")
    result = CliRunner().invoke(main, ["--root", str(manifest.root), "export", "gradescope", "10.2",
                                       "--out", str(work / "autograder.zip")])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(work / "autograder.zip") as archive:
        names = archive.namelist()
        archive.extractall(work / "source")
    bin_dir = work / "bin"
    bin_dir.mkdir()
    (bin_dir / "python3").symlink_to(sys.executable)  # the interpreter kata is installed in, as setup.sh leaves it
    return work, names, bin_dir


def run_autograder(autograder, tmp_path, files: dict):
    work, _, bin_dir = autograder
    root = tmp_path / "autograder"
    (root / "submission").mkdir(parents=True)
    for name, source in files.items():
        (root / "submission" / name).write_bytes(source.read_bytes() if hasattr(source, "read_bytes") else source)
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(["bash", str(work / "source" / "run_autograder")], env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads((root / "results" / "results.json").read_text())


def valid(results: dict) -> dict:
    """results.json checked against Gradescope's fields (../shared/FORMATS.md)."""
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


def test_the_zip_carries_kata_and_the_checks_but_no_solutions(autograder):
    _, names, _ = autograder
    assert {"setup.sh", "run_autograder", "workspace/kata.yaml"} <= set(names)
    assert any(n.startswith("kata-") and n.endswith("-py3-none-any.whl") for n in names)
    assert "workspace/katas/10.2-mle/checks/test_mle.py" in names
    assert not any("solutions" in n for n in names)


def test_setup_installs_the_wheel_it_carries(autograder, tmp_path):
    work, names, _ = autograder
    wheel = next(n for n in names if n.endswith(".whl"))
    setup = (work / "source" / "setup.sh").read_text()
    assert f"pip3 install ./{wheel}" in setup and "/home/" not in setup and "/work/" not in setup
    target = tmp_path / "site"
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--target", str(target),
                           str(work / "source" / wheel)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert (target / "grader" / "workers" / "inside" / "worker.py").exists() and (target / "grader" / "platforms" / "autograder.py").exists()


def test_a_correct_submission_gets_full_marks(autograder, tmp_path):
    results = valid(run_autograder(autograder, tmp_path, {"mle.py": SUBMISSIONS / "correct_scipy.py"}))
    assert results["score"] == 32.0 and len(results["tests"]) == 32
    assert all(t["status"] == "passed" for t in results["tests"])


def test_a_buggy_submission_loses_exactly_its_points_with_feedback(autograder, tmp_path):
    results = valid(run_autograder(autograder, tmp_path, {"mle.py": SUBMISSIONS / "ddof_one.py",
                                                          "correct_loops_math.py": SUBMISSIONS / "correct_loops_math.py"}))
    failed = [t for t in results["tests"] if t["status"] == "failed"]
    assert results["score"] == 30.0 and {t["tags"][0] for t in failed} == {"gaussian_mle"}
    assert all("hint:" in t["output"] for t in failed) and any("why:" in t["output"] for t in failed)


def test_a_broken_submission_is_a_valid_zero(autograder, tmp_path):
    results = valid(run_autograder(autograder, tmp_path, {"homework.py": b"def binomial_mle(:\n"}))
    assert results["score"] == 0.0 and "SyntaxError" in results["output"]


def test_a_notebook_submission_is_graded(autograder, tmp_path):
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    path = tmp_path / "work.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("%pip install numpy"),
                                       new_code_cell((SUBMISSIONS / "correct_scipy.py").read_text())]), path)
    results = valid(run_autograder(autograder, tmp_path, {"Homework 2.ipynb": path}))
    assert results["score"] == 32.0


def test_an_empty_upload_is_a_valid_zero(autograder, tmp_path):
    results = valid(run_autograder(autograder, tmp_path, {}))
    assert results["score"] == 0.0 and "no mle.py" in results["output"]


def test_visibility_comes_from_the_kata(ws, tmp_path):
    text = (ws / "kata.yaml").read_text().replace('    title: Maximum likelihood estimation\n',
                                                  '    title: Maximum likelihood estimation\n    visibility: after_due_date\n')
    (ws / "kata.yaml").write_text(text)
    out = tmp_path / "a.zip"
    assert CliRunner().invoke(main, ["--root", str(ws), "export", "gradescope", "10.2", "--out", str(out)]).exit_code == 0
    with zipfile.ZipFile(out) as archive:
        assert "visibility: after_due_date" in archive.read("workspace/kata.yaml").decode()


def test_kata_failing_itself_still_writes_a_valid_results_json(autograder, tmp_path, monkeypatch):
    from grader.platforms import autograder as gradescope
    from grader.workers.client.launchers import WorkerStartError

    class Refused:
        def __init__(self, *args, **kwargs):
            pass

        def __enter__(self):
            raise WorkerStartError("could not start the fork server: [Errno 11] Resource temporarily unavailable")

    monkeypatch.setattr(gradescope, "Grader", Refused)
    work, _, _ = autograder
    root = tmp_path / "autograder"
    (root / "submission").mkdir(parents=True)
    (root / "submission" / "mle.py").write_bytes((SUBMISSIONS / "correct_scipy.py").read_bytes())
    assert gradescope.main([str(root), str(work / "source" / "workspace")]) == 0
    results = valid(json.loads((root / "results" / "results.json").read_text()))
    assert results["score"] == 0.0 and "the autograder could not grade this submission" in results["output"]
