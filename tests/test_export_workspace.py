"""kata export workspace: the learners' copy, without the reference solutions, and every learner command in it."""

import os
import shutil
import zipfile

from click.testing import CliRunner
from conftest import REPO, TINY

from grader.cli import main

SOLUTION = (TINY / "solutions" / "0.1-tiny" / "tiny.py").read_text()


def kata(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _in(cwd, args):
    """A command run from ``cwd``, as a learner runs it in the copy."""
    before = os.getcwd()
    os.chdir(cwd)
    try:
        return kata(*args)
    finally:
        os.chdir(before)


def test_the_copy_holds_no_solution_and_the_stubs_as_shipped(ws, tmp_path):
    (ws / "katas" / "10.2-mle" / "mle.py").write_text("# a solved working copy must not travel\n")
    result = kata("--root", str(ws), "export", "workspace", "--out", str(tmp_path / "copy.zip"))
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(tmp_path / "copy.zip") as archive:
        names = archive.namelist()
        texts = {n: archive.read(n) for n in names if not n.endswith(".whl")}
    assert not any(n.startswith("solutions") for n in names)
    solutions = [p.read_bytes() for p in (REPO / "solutions").rglob("*.py")]
    assert not any(body in texts.values() for body in solutions)  # no solution under another name either
    shipped = (ws / "katas" / "10.2-mle" / ".shipped" / "mle.py").read_bytes()
    assert texts["katas/10.2-mle/mle.py"] == texts["katas/10.2-mle/.shipped/mle.py"] == shipped
    assert b"solutions: false" in texts["kata.yaml"] and b"learner's copy" in texts["kata.yaml"]
    assert {"katas/10.1-bayes/README.md", "katas/10.2-mle/README.md", "katas/10.3-map/README.md",
            "README.md"} <= set(names)
    assert any(n.endswith("-py3-none-any.whl") for n in names)


def test_every_learner_command_works_in_the_copy(tmp_path):
    copy = tmp_path / "course"
    assert kata("--root", str(TINY), "export", "workspace", "0.1", "--out", str(copy)).exit_code == 0
    inside = copy / "katas" / "0.1-tiny"
    listed = _in(inside, ["list"])
    assert listed.exit_code == 0 and "not started" in listed.output
    stub = _in(inside, ["check", "0.1"])
    assert stub.exit_code == 1 and "score 0/4" in stub.output
    hint = _in(copy, ["hint", "0.1"])
    assert hint.exit_code == 0 and "add" in hint.output
    (inside / "tiny.py").write_text(SOLUTION)
    solved = _in(copy, ["check", "0.1"])
    assert solved.exit_code == 0 and "score 4/4" in solved.output
    progress = _in(copy, ["progress"])
    assert "done" in progress.output and "1 of 1 katas done" in progress.output
    reset = _in(copy, ["reset", "0.1"])
    assert reset.exit_code == 0 and (inside / "tiny.py").read_text() == (inside / ".shipped" / "tiny.py").read_text()
    assert list((copy / ".kata" / "backups").iterdir())
    watched = _in(copy, ["watch", "0.1", "--max-checks", "1"])
    assert watched.exit_code == 0 and "score 0/4" in watched.output
    assert _in(copy, ["doctor"]).exit_code == 0


def test_the_authors_commands_say_they_need_the_solutions(tmp_path):
    copy = tmp_path / "course"
    assert kata("--root", str(TINY), "export", "workspace", "--out", str(copy)).exit_code == 0
    for args in (["verify"], ["new", "0.2", "--title", "More", "--file", "more.py"]):
        result = _in(copy, args)
        assert result.exit_code == 2 and "a copy without the reference solutions" in result.output
        assert len(result.output.strip().splitlines()) == 1


def test_a_workspace_missing_its_solutions_says_how_to_mark_a_learners_copy(tmp_path):
    ws = tmp_path / "ws"
    shutil.copytree(TINY, ws)
    shutil.rmtree(ws / "solutions")
    result = _in(ws, ["list"])
    assert result.exit_code == 2 and "does not exist; restore it, or" in result.output
    assert "'solutions: false'" in result.output


def test_an_existing_folder_is_never_overwritten(tmp_path):
    (tmp_path / "course").mkdir()
    (tmp_path / "course" / "my work.py").write_text("mine")
    result = kata("--root", str(TINY), "export", "workspace", "--out", str(tmp_path / "course"))
    assert result.exit_code == 2 and "is not an empty folder" in result.output
    assert (tmp_path / "course" / "my work.py").read_text() == "mine"
    unknown = kata("--root", str(TINY), "export", "workspace", "9.9", "--out", str(tmp_path / "x"))
    assert unknown.exit_code == 2 and "no kata '9.9'" in unknown.output
