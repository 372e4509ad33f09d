"""Phase 10 as a whole: katas 10.1 and 10.3 beside 10.2, graded right, added without touching grader/; kata new."""

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO, SUBMISSIONS

from grader.cli import main
from grader.learner import workspace

STYLES = {"10.1": ["bayes_loops", "bayes_vectorised", "bayes_scipy_frozen", "bayes_think_bayes"],
          "10.3": ["map_sklearn_style", "map_scipy_minimize", "map_lbfgs_gradient", "map_optimisers"]}

def run(ws, *args):
    return CliRunner().invoke(main, ["--root", str(ws), *args])


def test_list_shows_phase_10_in_order(ws):
    ids = [line.split()[0] for line in run(ws, "list").output.splitlines()]
    assert ids == ["10.1", "10.2", "10.3"]


@pytest.mark.parametrize("kata_id, first", [("10.1", "bayes_update"), ("10.3", "binomial_map")])
def test_stub_scores_zero_and_says_where_to_start(ws, kata_id, first):
    result = run(ws, "check", kata_id)
    assert result.exit_code == 1 and "score 0/" in result.output
    assert result.output.splitlines()[-1].startswith(f"next: start with {first}")


@pytest.mark.parametrize("kata_id, style", [(k, s) for k, styles in STYLES.items() for s in styles])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_correct_code_in_other_styles_scores_full_marks(grader, manifest, kata_id, style, seed):
    result = grader.grade(manifest.get(kata_id), SUBMISSIONS / "katas" / f"{style}.py", seed)
    assert result.full_marks, [(c.name, c.message) for c in result.checks if not c.passed]


def test_no_file_of_grader_names_a_kata():
    manifest = workspace.load_manifest(REPO)
    names = set()
    for kata in manifest.katas:
        names |= {kata.id, kata.folder.name, Path(kata.files[0]).stem, *kata.targets}
    pattern = re.compile("|".join(rf"(?<![\w.]){re.escape(n)}(?![\w])" for n in sorted(names, key=len, reverse=True)))
    found = []
    for path in (REPO / "grader").rglob("*.py"):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if pattern.search(line):
                found.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert not found, found


def test_kata_new_creates_a_kata_that_verifies_at_once(ws):
    before = (ws / "kata.yaml").read_text()
    result = run(ws, "new", "10.4", "--title", "Expectation maximisation", "--file", "em.py")
    assert result.exit_code == 0, result.output
    assert (ws / "katas/10.4-expectation-maximisation/.shipped/em.py").exists()
    assert (ws / "solutions/10.4-expectation-maximisation/em.py").exists()
    assert (ws / "kata.yaml").read_text().startswith(before)  # comments and all, untouched
    verified = run(ws, "verify", "10.4")
    assert verified.exit_code == 0 and verified.output.startswith("ok    10.4"), verified.output
    assert [line.split()[0] for line in run(ws, "list").output.splitlines()][-1] == "10.4"
    checked = run(ws, "check", "10.4")
    assert "next: start with example" in checked.output


def test_kata_new_refuses_what_exists_or_makes_no_sense(ws):
    assert run(ws, "new", "10.2", "--title", "Again", "--file", "x.py").exit_code == 2
    bad = run(ws, "new", "10.9", "--title", "Odd", "--file", "not a module.txt")
    assert bad.exit_code == 2 and bad.output.count("\n") == 1 and "must name a Python module" in bad.output


def test_kata_new_then_verify_fails_usefully_as_the_author_goes(ws):
    run(ws, "new", "10.4", "--title", "Expectation maximisation", "--file", "em.py")
    stub = ws / "katas/10.4-expectation-maximisation/.shipped/em.py"
    stub.write_text(stub.read_text() + "\n\ndef e_step(x):\n    raise NotImplementedError\n")
    result = run(ws, "verify", "10.4")
    assert result.exit_code == 1 and "e_step" in result.output
