"""A mistake costs only the checks about it, in every kata (the bench measures it over many seeds).

Every known mistake (tests/known_mistakes.py: the misconceptions, the classic
mistakes of tests/submissions/mistakes/, kata 10.2's whole-file mistakes) is
graded on two seeds here; ``python bench/mistakes.py --seeds 40`` does so on
forty. A mistake may cost only its own function's checks of its kind: a wrong
value never costs a rejects check (``allowed_losses``).
"""

import pytest
from conftest import REPO
from known_mistakes import allowed_losses, kind_of, known_mistakes

from grader.core import diagnose
from grader.learner import report, workspace

ALL = known_mistakes(workspace.load_manifest(REPO).katas)
REPLACEMENTS = [m for m in ALL if not m.whole]  # the whole-file ones: test_submissions, on the same two seeds


@pytest.mark.parametrize("mistake", REPLACEMENTS, ids=[m.label for m in REPLACEMENTS])
def test_a_mistake_costs_its_function_s_checks_about_it_and_nothing_else(grader, manifest, tmp_path, mistake):
    """A misconception is also explained, exactly as its kata says, on every failed check of its function and
    once in the learner's report (one explanation per function)."""
    kata = manifest.get(mistake.kata)
    path = mistake.learner_file(kata, tmp_path)
    for seed in (0, 1):
        result = grader.grade(kata, path, seed)
        lost = {c.name for c in result.checks if not c.passed}
        assert lost, f"{mistake.label} passes every check with seed {seed}"
        assert lost <= allowed_losses(mistake, kata), \
            [(c.name, c.message) for c in result.checks if c.name in lost - allowed_losses(mistake, kata)]
        if mistake.misconception:
            item = next(m for m in diagnose.load(kata.misconception_folder) if m.name == mistake.name)
            failed = [c for c in result.checks if not c.passed]
            assert {c.target for c in failed} == {item.target}
            assert all(c.diagnosis == diagnose.explain(item) for c in failed), [c.diagnosis for c in failed]
            assert "\n".join(report.check_lines(result)).count(f"why ({item.target}): {item.explanation}") == 1


def test_a_function_that_raises_everywhere_still_scores_nothing_on_rejects_checks(grader, kata):
    from conftest import SUBMISSIONS

    result = grader.grade(kata, SUBMISSIONS / "raises_everywhere.py", 2)
    rejects = [c for c in result.checks if kind_of(c.name) == "rejects"]
    assert rejects and not any(c.passed for c in rejects)
    assert all("on valid input; only bad input must be rejected" in c.message for c in rejects)
