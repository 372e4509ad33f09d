"""Real submissions on disk, graded end to end: correct styles, classic mistakes, faults.

Each wrong submission gets one function wrong; it must lose points on that
function only, with every seed, and keep full marks everywhere else.
"""

import re

import pytest
from conftest import copy_tiny

SEEDS = (0, 1, 2, 12345)
"""A correct style must score full marks on every seed: four here, 200 in ``python bench/kata_sweep.py``."""
MISTAKE_SEEDS = (0, 1)
"""A mistake's cost, on two seeds as every known mistake in tests/test_mistakes.py; ``python bench/mistakes.py
--seeds 60`` sweeps sixty."""

CORRECT = ["correct_loops_math", "correct_nelder_mead", "correct_scipy", "prints_a_lot", "correct_float32",
           "correct_lesson_minimize", "correct_newton_lstsq", "correct_minimize_everything", "correct_statistics_trust"]

# submission -> (the function it gets wrong, checks that must fail with every seed)
MISTAKES = {
    "integer_division": ("binomial_mle", {"test_binomial_mle_random_counts"}),
    "swapped_binomial_args": ("binomial_mle", {"test_binomial_mle_random_counts",
                                               "test_binomial_mle_maximises_likelihood"}),
    "no_validation": ("binomial_mle", {"test_binomial_mle_rejects_bad_counts"}),
    "forgot_log": ("binomial_log_likelihood", {"test_binomial_log_likelihood_matches_scipy"}),
    "binomial_coefficient": ("binomial_log_likelihood", {"test_binomial_log_likelihood_matches_scipy"}),
    "nan_at_edges": ("binomial_log_likelihood", {"test_binomial_log_likelihood_edges",
                                                 "test_binomial_log_likelihood_edges_in_array"}),
    "ddof_one": ("gaussian_mle", {"test_gaussian_mle_sigma_divides_by_n"}),
    "returns_variance": ("gaussian_mle", {"test_gaussian_mle_sigma_divides_by_n"}),
    "swapped_return_order": ("gaussian_mle", {"test_gaussian_mle_mean"}),
    "drops_two_pi": ("gaussian_log_likelihood", {"test_gaussian_log_likelihood_matches_scipy"}),
    "sigma_not_squared": ("gaussian_log_likelihood", {"test_gaussian_log_likelihood_matches_scipy"}),
    "gaussian_mean_not_sum": ("gaussian_log_likelihood", {"test_gaussian_log_likelihood_matches_scipy"}),
    "forgot_exp": ("linear_regression_nll", {"test_linear_regression_nll_matches_scipy"}),
    "nll_sign": ("linear_regression_nll", {"test_linear_regression_nll_minimised_at_least_squares"}),
    "linear_nll_mean": ("linear_regression_nll", {"test_linear_regression_nll_matches_scipy"}),
    "ignores_intercept": ("fit_linear_regression_mle", {"test_fit_linear_regression_slope_and_intercept"}),
    "sigma_n_minus_2": ("fit_linear_regression_mle", {"test_fit_linear_regression_sigma"}),
    "returns_log_sigma": ("fit_linear_regression_mle", {"test_fit_linear_regression_sigma"}),
    "naive_overflow": ("logistic_nll", {"test_logistic_nll_large_z"}),
    "logistic_mean": ("logistic_nll", {"test_logistic_nll_matches_scipy"}),
    "logistic_sign": ("logistic_nll", {"test_logistic_nll_minimised_at_mle"}),
    "logistic_nll_ignores_bias": ("logistic_nll", {"test_logistic_nll_matches_scipy"}),
    "fit_ignores_bias": ("fit_logistic_mle", {"test_fit_logistic_mle_strong_bias"}),
    "fit_swapped_order": ("fit_logistic_mle", {"test_fit_logistic_mle_agrees_with_scipy"}),
    "log_of_product": ("gaussian_log_likelihood", {"test_gaussian_log_likelihood_matches_scipy"}),
    "pdf_then_log": ("gaussian_log_likelihood", {"test_gaussian_log_likelihood_matches_scipy"}),
    "sigma_not_squared_both": ("gaussian_log_likelihood", {"test_gaussian_log_likelihood_matches_scipy",
                                                           "test_gaussian_log_likelihood_narrow"}),
    "remembers_data": ("gaussian_log_likelihood", {"test_gaussian_log_likelihood_peaks_at_mle"}),
    "clipped_probabilities": ("logistic_nll", {"test_logistic_nll_large_z"}),
    "fit_stops_early": ("fit_linear_regression_mle", {"test_fit_linear_regression_slope_and_intercept",
                                                      "test_fit_linear_regression_reaches_maximum_likelihood"}),
    "logistic_fit_stops_early": ("fit_logistic_mle", {"test_fit_logistic_mle_agrees_with_scipy",
                                                      "test_fit_logistic_mle_strong_bias"}),
    "nll_broadcasts": ("linear_regression_nll", {"test_linear_regression_nll_rejects_mismatched_lengths"}),
    "logistic_nll_broadcasts": ("logistic_nll", {"test_logistic_nll_rejects_mismatched_lengths"}),
}

# Junk: submissions that must score nothing at all, and never make kata err.
JUNK = ["raises_everywhere", "huge_values"]


def failing(result):
    return {c.name for c in result.checks if not c.passed}


@pytest.mark.parametrize("name", CORRECT)
@pytest.mark.parametrize("seed", SEEDS)
def test_correct_styles_score_full_marks(grader, kata, name, seed, submission):
    result = grader.grade(kata, submission(name), seed)
    assert result.status == "graded"
    assert failing(result) == set(), [c.message for c in result.checks if not c.passed]
    assert result.score == result.max_score == 32


@pytest.mark.parametrize("name", sorted(MISTAKES))
@pytest.mark.parametrize("seed", MISTAKE_SEEDS)
def test_mistake_costs_only_its_function_s_checks_about_it(grader, kata, name, seed, submission):
    """A value mistake costs only its function's value checks; a validation mistake only its rejects checks."""
    from known_mistakes import allowed_losses, known_mistakes

    _, must_fail = MISTAKES[name]
    mistake = next(m for m in known_mistakes([kata]) if m.whole and m.name == name)
    result = grader.grade(kata, submission(name), seed)
    assert result.status == "graded"
    assert must_fail <= failing(result)
    stray = failing(result) - allowed_losses(mistake, kata)
    assert not stray, [(c.name, c.message) for c in result.checks if c.name in stray]
    for check in result.checks:
        if not check.passed:
            assert check.hint and check.message


@pytest.mark.parametrize("name", JUNK)
def test_junk_scores_nothing_and_is_never_our_error(grader, kata, name, submission):
    result = grader.grade(kata, submission(name), 4)
    assert result.status == "graded" and result.score == 0
    assert all(c.outcome in ("failed", "raised") for c in result.checks), \
        [(c.name, c.message) for c in result.checks if c.outcome not in ("failed", "raised")]


WEIRD_VALUES = ["10 ** 400", "-10 ** 400", "1e308", "float('nan')", "float('-inf')", "complex(1, 2)", "'0.5'",
                "None", "True", "[]", "[[1.0, 2.0], [3.0]]", "{'mu': 1.0}", "np.zeros((2, 2, 2))",
                "np.array([1 + 2j, 3j])", "np.array([True, False])", "np.iinfo(np.uint64).max", "object()",
                "np.float16(65504)", "(1e308, -1e308, 1e308)", "[float('nan'), float('inf')]", "lambda: 1"]


@pytest.mark.parametrize("value", WEIRD_VALUES)
def test_any_returned_value_ends_as_a_failure_never_our_error(grader, kata, tmp_path, value):
    functions = "".join(f"def {name}(*args):\n    return {value}\n\n\n" for name in kata.targets)
    (tmp_path / "mle.py").write_text(f"import numpy as np\n\n\n{functions}")
    result = grader.grade(kata, tmp_path / "mle.py", 2)
    assert result.status == "graded"
    assert not [c.message for c in result.checks if c.outcome not in ("passed", "failed", "raised")]


@pytest.mark.parametrize("name, named", [
    ("sigma_not_squared_both", "σ in place of σ², in both of its places"),
    ("fit_swapped_order", "the values are swapped; return (w, b) in that order"),
    ("logistic_nll_ignores_bias", "the NLL with b = 0 (the bias is left out)"),
    ("fit_ignores_bias", "it is the best fit with b = 0"),
    ("ignores_intercept", "it is the best line through the origin"),
])
def test_mistakes_are_named_by_relation(grader, kata, name, named, submission):
    result = grader.grade(kata, submission(name), 6)
    assert any(named in c.message for c in result.checks if not c.passed), \
        [c.message for c in result.checks if not c.passed]


def test_failure_message_says_what_was_called_returned_and_expected(grader, kata, submission):
    result = grader.grade(kata, submission("ddof_one"), 7)
    check = next(c for c in result.checks if c.name == "test_gaussian_mle_sigma_divides_by_n")
    assert re.match(r"gaussian_mle\((array\(\[[-0-9., e]+\]\)|<array of \d+ floats>)\) -> sigma ", check.message)
    assert "-> sigma " in check.message and ", expected " in check.message and "rel. error" in check.message
    assert "n - 1" in check.hint


def test_stub_scores_zero_and_says_not_implemented(grader, kata):
    result = grader.grade(kata, kata.shipped_path, 3)
    assert result.status == "graded" and result.score == 0
    assert all(c.outcome == "not_implemented" for c in result.checks)
    assert result.checks[0].message == "binomial_mle is not implemented yet (it raises NotImplementedError)"


def test_seed_changes_data_and_is_reproducible(grader, kata, submission):
    def messages(seed):
        return [c.message for c in grader.grade(kata, submission("ddof_one"), seed).checks]
    assert messages(11) == messages(11)
    assert messages(11) != messages(12)


def by_target(result):
    return result.points_by_target()


FAULTS = {  # a hang: test_hang_costs_its_time_limit_on_its_own_calls_only
    "crashes_in_logistic_nll": ("logistic_nll", "your code ended the process (killed by signal SIGSEGV)"),
    "exits_in_fit_linear": ("fit_linear_regression_mle", "your code ended the process (sys.exit(3))"),
    "os_exit_in_binomial_mle": ("binomial_mle", "your code ended the process (exit status 0)"),
}


@pytest.mark.parametrize("name", sorted(FAULTS))
def test_fault_fails_only_the_calls_that_made_it(fast_grader, fast_manifest, name, submission):
    kata = fast_manifest.get("10.2")
    target, message = FAULTS[name]
    result = fast_grader.grade(kata, submission(name), 5)
    assert result.status == "graded"
    for check in result.checks:
        if check.target == target:
            assert not check.passed and check.outcome == "fault"
            assert check.message.endswith(message), check.message
        else:
            assert check.passed, f"{check.name}: {check.message}"


def test_memory_blowup_fails_only_its_function(grader, kata, submission):
    result = grader.grade(kata, submission("memory_hog_in_gaussian_ll"), 5)
    for check in result.checks:
        if check.target == "gaussian_log_likelihood":
            assert not check.passed
            assert "MemoryError" in check.message or "ended the process" in check.message
        else:
            assert check.passed, check.message


def test_rigged_values_cannot_pass(grader, kata, submission):
    result = grader.grade(kata, submission("rigged_values"), 5)
    rigged = {"binomial_mle", "binomial_log_likelihood", "gaussian_mle"}
    for check in result.checks:
        if check.target in rigged and "rejects" not in check.name:
            assert not check.passed, check.name
    assert "a Anything object" in next(c.message for c in result.checks
                                       if c.name == "test_binomial_log_likelihood_matches_scipy")


def test_learner_prints_are_captured_and_capped(grader, kata, submission):
    result = grader.grade(kata, submission("prints_a_lot"), 5)
    assert result.output.startswith("importing my solution")
    printed = next(c.output for c in result.checks if c.name == "test_binomial_mle_random_counts")
    assert printed.startswith("binomial_mle called with")
    assert len(printed) < 5000 and "more characters of output cut" in printed


IMPORT_ERRORS = {
    "syntax_error": "could not import syntax_error.py line 4: SyntaxError",
    "import_error": "could not import import_error.py line 2: ModuleNotFoundError: No module named 'numpyy'",
    "raises_at_import": "could not import raises_at_import.py line 2: RuntimeError: no config file",
    "exits_at_import": "could not import exits_at_import.py ended the process while being imported",
    "empty": "empty.py is empty",
}  # an import that hangs: tests/test_tracing.py::test_an_import_that_hangs_shows_its_line


@pytest.mark.parametrize("name", sorted(IMPORT_ERRORS))
def test_unimportable_file_is_an_error_result(fast_grader, fast_manifest, name, submission):
    result = fast_grader.grade(fast_manifest.get("10.2"), submission(name), 1)
    assert result.status == "error" and result.score == 0 and result.checks == []
    assert result.error.startswith(IMPORT_ERRORS[name]), result.error


def test_binary_file_is_an_error_result(grader, kata, tmp_path):
    path = tmp_path / "mle.py"
    path.write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)))
    result = grader.grade(kata, path, 1)
    assert result.status == "error" and result.checks == []
    assert result.error == "mle.py is not Python source (it holds NUL bytes, as binary files do): save your code as text"


def test_hang_costs_its_time_limit_on_its_own_calls_only(tiny_grader, tmp_path):
    from grader.learner import workspace

    kata = workspace.load_manifest(copy_tiny(tmp_path / "ws", time_limit=0.5)).get("0.1")
    solution = (tmp_path / "ws/solutions/0.1-tiny/tiny.py").read_text()
    hangs = tmp_path / "tiny.py"  # add hangs; mean, checked after it, is right
    hangs.write_text(solution.replace("    return a + b", "    while True:\n        pass"))
    result = tiny_grader.grade(kata, hangs, 5)
    # Each of add's checks is stopped at its own 0.5 s limit; mean's calls, after them, neither wait nor fail.
    timed_out = [c for c in result.checks if c.outcome == "fault"]
    assert [c.name for c in timed_out] == ["test_add_small", "test_add_random"]
    line = solution.splitlines().index("    return a + b") + 1
    assert all(c.message.endswith(f"timed out after 0.5 s; your code was at tiny.py line {line}, in add: while True:")
               for c in timed_out), [c.message for c in timed_out]
    assert [c.passed for c in result.checks if c.target == "mean"] == [True, True]


def test_submission_time_budget_bounds_a_slow_submission(tiny_grader, tmp_path):
    from grader.learner import workspace

    ws = copy_tiny(tmp_path / "ws", time_limit=0.5)
    yaml = ws / "kata.yaml"
    yaml.write_text(yaml.read_text().replace("    time_limit: 0.5\n", "    time_limit: 0.5\n    submission_time_limit: 0.8\n"))
    kata = workspace.load_manifest(ws).get("0.1")
    solution = (ws / "solutions/0.1-tiny/tiny.py").read_text()
    slow = tmp_path / "tiny.py"  # add (checked first) hangs on every call; mean is right
    slow.write_text(solution.replace("    return a + b", "    while True:\n        pass"))
    result = tiny_grader.grade(kata, slow, 5)
    timed_out = [c for c in result.checks if "timed out" in c.message]
    skipped = [c for c in result.checks if c.message.startswith("not run: this submission used up its 0.8 s")]
    # add's first call times out at 0.5 s, its second gets what is left of the 0.8 s budget (or nothing, when
    # waiting for a CPU stretched the first limit); mean's checks, which would pass, do not run.
    assert [c.target for c in result.checks] == ["add", "add", "mean", "mean"]
    assert 1 <= len(timed_out) <= 2 and len(timed_out) + len(skipped) == 4 and result.score == 0
