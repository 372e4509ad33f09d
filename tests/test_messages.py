"""Every message fits the failure it is attached to (kata 10.1-10.3 and checklib's rules)."""

import pytest
from conftest import SUBMISSIONS, TINY
from known_mistakes import MISTAKE_FILES

from grader import checklib
from grader.learner import report


def with_function(kata, tmp_path, source: str):
    path = tmp_path / kata.files[0]
    path.write_text(kata.solution_path.read_text() + "\n\n" + source)
    return path


def failed(result, target=None):
    return [c for c in result.checks if not c.passed and (target is None or c.target == target)]


def test_a_map_fit_that_stopped_early_is_told_so_in_the_words_of_the_lesson(grader, manifest, tmp_path):
    kata = manifest.get("10.3")
    path = with_function(kata, tmp_path, (MISTAKE_FILES / "10.3/fixed_step_gradient_descent.py").read_text())
    result = grader.grade(kata, path, 4)
    lost = failed(result, "fit_logistic_map")
    finite = [c for c in lost if "(nan, nan)" not in c.message]  # it diverges where the prior is strong
    assert finite
    for check in lost:
        assert "negative log-posterior is" in check.message and "negative log-likelihood" not in check.message
    for check in finite:
        assert "the optimiser stopped before the minimum" in check.message and "decision boundary" in check.message
        assert check.hint == checklib.OPTIMISER_ADVICE


def test_a_mle_fit_that_stopped_early_is_not_told_to_fit_b(grader, kata):
    result = grader.grade(kata, SUBMISSIONS / "logistic_fit_stops_early.py", 4)
    strong = next(c for c in result.checks if c.name == "test_fit_logistic_mle_strong_bias")
    assert not strong.passed and "the optimiser stopped before the minimum" in strong.message
    assert "Fit the bias b too" not in strong.hint and strong.hint == checklib.OPTIMISER_ADVICE
    ignores = grader.grade(kata, SUBMISSIONS / "fit_ignores_bias.py", 4)
    named = next(c for c in ignores.checks if c.name == "test_fit_logistic_mle_strong_bias")
    assert "it is the best fit with b = 0" in named.message and "Fit the bias b too" in named.hint


@pytest.mark.parametrize("mistake, words", [
    ("fit_ignores_prior", "it is the minimum of the NLL alone (the prior left out)"),
    ("fit_penalises_bias", "it is the minimum of the NLL plus (w² + b²)/(2 tau²) (b penalised too)"),
])
def test_a_fit_of_another_objective_is_named(grader, manifest, tmp_path, mistake, words):
    kata = manifest.get("10.3")
    result = grader.grade(kata, with_function(kata, tmp_path, (MISTAKE_FILES / f"10.3/{mistake}.py").read_text()), 6)
    assert any(words in c.message for c in failed(result)), [c.message for c in failed(result)]


def test_one_explanation_per_function_even_where_two_mistakes_coincide(grader, manifest, tmp_path):
    """At alpha = beta = 1 the mode and heads / n coincide; all of posterior_mean's evidence says: the mode."""
    kata = manifest.get("10.1")
    source = (kata.misconception_folder / "mode_not_mean.py").read_text()
    result = grader.grade(kata, with_function(kata, tmp_path, source), 8)
    diagnoses = {c.diagnosis for c in failed(result, "posterior_mean")}
    assert len(diagnoses) == 1 and diagnoses.pop().startswith("You returned the posterior's mode")
    text = "\n".join(report.check_lines(result))
    assert text.count("why (posterior_mean):") == 1 and "heads / n, the maximum likelihood" not in text


def test_the_grid_s_log_of_zero_is_named_for_what_it_is(grader, manifest, tmp_path):
    kata = manifest.get("10.1")
    source = (kata.misconception_folder / "log_of_zero_at_the_ends.py").read_text()
    result = grader.grade(kata, with_function(kata, tmp_path, source), 2)
    assert {c.diagnosis[:40] for c in failed(result)} == {"You took logs with np.log, so at the end"}


def test_a_value_mistake_keeps_the_form_check_and_its_hint_stays_away(grader, manifest, tmp_path):
    """Penalising b is a wrong value: the column-input check (hint: flatten X) is not about it."""
    kata = manifest.get("10.3")
    source = (kata.misconception_folder / "penalises_bias.py").read_text()
    result = grader.grade(kata, with_function(kata, tmp_path, source), 1)
    assert failed(result)
    (form,) = [c for c in result.checks if c.name == "test_logistic_neg_log_posterior_column_input"]
    assert form.passed
    assert {c.name for c in failed(result)} <= {"test_logistic_neg_log_posterior_random",
                                                "test_logistic_neg_log_posterior_prior_on_w_only",
                                                "test_logistic_neg_log_posterior_large_z"}
    assert not any("np.ravel" in c.hint for c in failed(result))


def test_a_column_left_unflattened_fails_the_form_check_with_its_hint(grader, manifest, tmp_path):
    kata = manifest.get("10.3")
    source = '''
def logistic_neg_log_posterior(params, X, y, tau):
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    if len(X) != len(y) or tau <= 0:
        raise ValueError("bad input")
    z = params[0] * X + params[1]  # an n x 1 X broadcasts against y to n x n
    return float(np.sum(np.logaddexp(0.0, z) - y * z) + params[0] ** 2 / (2 * tau**2))
'''
    result = grader.grade(kata, with_function(kata, tmp_path, source), 1)
    assert [c.name for c in failed(result)] == ["test_logistic_neg_log_posterior_column_input"]
    check = failed(result)[0]
    assert "with X as an n × 1 column and" in check.message and "the two must agree" in check.message
    assert "np.ravel" in check.hint


def test_a_constant_cannot_pass_a_form_check():
    with pytest.raises(checklib.CheckFailure, match="returned 7 at every .* tried .*: the value must depend on them"):
        checklib.agrees([7.0, 7.0], [7.0, 7.0], [1.0, 2.0], form="a tuple", plain="an array",
                        at=[(1.0,), (2.0,)], names=("x",))


@pytest.mark.parametrize("actual, expected", [(1.0, 0.999987), (0.999987, 1.0), (1e-12, 1.1e-12), (0.0001, 0.0001003)])
def test_no_relation_is_named_where_it_does_not_move_the_value(actual, expected):
    assert checklib.relation(actual, expected) == ""


def test_valid_input_refused_is_said_so(grader, kata):
    result = grader.grade(kata, SUBMISSIONS / "raises_everywhere.py", 1)
    check = next(c for c in result.checks if c.name == "test_gaussian_mle_rejects_empty_data")
    assert check.message.endswith("raised ValueError: no on valid input; only bad input must be rejected")


def test_the_lessons_nelder_mead_from_zero_hears_where_it_stopped(grader, kata, tmp_path):
    """The issue's case: Nelder-Mead from (0, 0) on data far from 0 stops near its start; it fits b, so it must
    not be told to fit b."""
    source = '''
from scipy.optimize import minimize as _minimize


def fit_logistic_mle(X, y):
    result = _minimize(logistic_nll, x0=[0.0, 0.0], args=(X, y), method="Nelder-Mead")
    return float(result.x[0]), float(result.x[1])
'''
    result = grader.grade(kata, with_function(kata, tmp_path, source), 1)  # a seed on which it stops short
    check = next(c for c in failed(result) if c.name == "test_fit_logistic_mle_strong_bias")
    assert "the optimiser stopped before the minimum, with its decision boundary -b/w at x = " in check.message
    assert ", outside the data (X from " in check.message and "the MLE puts it at" in check.message
    assert check.hint == checklib.OPTIMISER_ADVICE and "Fit the bias" not in check.hint


def test_valid_input_rejected_in_a_value_check_is_said_to_be_valid(tiny_grader, tiny_manifest, tmp_path):
    path = tmp_path / "tiny.py"
    path.write_text("def add(a, b):\n    if a < 1000:\n        raise ValueError('a must be positive')\n    return a + b\n\n\n"
                    "def mean(values):\n    raise NotImplementedError\n")
    result = tiny_grader.grade(tiny_manifest.get("0.1"), path, 1)
    raised = [c for c in result.checks if c.outcome == "raised"]
    assert raised and all(c.message.endswith("raised ValueError: a must be positive at line 3 on input the contract "
                                             "accepts") for c in raised)


def test_a_plain_assert_that_fails_shows_what_came_back(tiny_grader, tiny_manifest, tmp_path):
    """An author's check may be a bare ``assert learner.add(2, 3) == 5``: its failure still says, in numbers,
    what the learner's function returned (a bare AssertionError has no text of its own)."""
    path = tmp_path / "tiny.py"
    path.write_text((TINY / "solutions/0.1-tiny/tiny.py").read_text().replace("return a + b", "return a - b"))
    result = tiny_grader.grade(tiny_manifest.get("0.1"), path, 4)
    small = next(c for c in result.checks if c.name == "test_add_small")
    assert small.message == "add(2, 3): returned -1, which the check's assert rejects"
