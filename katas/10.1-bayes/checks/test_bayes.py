"""Hidden checks of kata 10.1 (Bayesian thinking).

Each check calls exactly one learner function and computes what it expects
with trusted code. Closed forms are judged to 1e-7 relative or 1e-12
absolute, whichever is looser (so ``1 - cdf`` in a far tail is fine). A
"rejects" check judges only what is refused: valid input must give a value
of the right kind, bad input ValueError; the value is the other checks'.
"""

import numpy as np
from scipy import special, stats

from grader.checklib import accepts, array, close, close_array, close_values, number, numbers, raises

RTOL, ATOL = 1e-7, 1e-12


def _close(got, expected, what=""):
    close(got, expected, rtol=RTOL, atol=ATOL, what=what)


def _weights(rng, k):
    return rng.dirichlet(np.ones(k)) * float(rng.uniform(0.5, 20))


def _beta_params(rng):
    return float(rng.uniform(0.3, 20)), float(rng.uniform(0.3, 20))


def _counts(rng, low=1, high=500):
    n = int(rng.integers(low, high))
    return int(rng.integers(0, n + 1)), n


# --- bayes_update ----------------------------------------------------------------

def _posterior(prior, likelihood):
    joint = np.asarray(prior, dtype=float) * np.asarray(likelihood, dtype=float)
    return joint / joint.sum()


def test_bayes_update_random_hypotheses(learner, rng):
    for k in (int(rng.integers(2, 5)), int(rng.integers(5, 40))):
        prior, likelihood = _weights(rng, k), rng.uniform(0.01, 1.0, k)
        got = array(learner.bayes_update(prior, likelihood), (k,))
        close_array(got, _posterior(prior, likelihood), rtol=RTOL, atol=ATOL)


def test_bayes_update_unnormalised_prior_and_zeros(learner, rng):
    k = int(rng.integers(4, 12))
    prior = rng.uniform(1, 100, k)  # weights that do not sum to 1
    likelihood = rng.uniform(0.0, 1e-3, k)
    likelihood[rng.choice(k, 2, replace=False)] = 0.0  # hypotheses the data rules out
    got = array(learner.bayes_update(prior, likelihood), (k,))
    close_array(got, _posterior(prior, likelihood), rtol=RTOL, atol=ATOL)


def test_bayes_update_tiny_likelihoods(learner, rng):
    # Likelihoods of a long data set are tiny; the posterior is not.
    k = int(rng.integers(3, 8))
    prior, likelihood = _weights(rng, k), rng.uniform(0.1, 1.0, k) * 1e-250
    got = array(learner.bayes_update(prior, likelihood), (k,))
    close_array(got, _posterior(prior, likelihood), rtol=RTOL, atol=ATOL)


def test_bayes_update_rejects_bad_input(learner, rng):
    k = int(rng.integers(3, 8))
    prior, likelihood = _weights(rng, k), rng.uniform(0.1, 1.0, k)
    array(accepts(learner.bayes_update, prior, likelihood), (k,))
    raises(ValueError, "the lengths differ", learner.bayes_update, prior, likelihood[:-1])
    raises(ValueError, "a length-1 likelihood is not broadcast", learner.bayes_update, prior, likelihood[:1])
    bad = prior.copy()
    bad[0] = -0.1
    raises(ValueError, "a prior weight is negative", learner.bayes_update, bad, likelihood)
    bad = likelihood.copy()
    bad[-1] = -0.5
    raises(ValueError, "a likelihood is negative", learner.bayes_update, prior, bad)
    raises(ValueError, "the evidence is 0", learner.bayes_update, prior, np.zeros(k))


# --- posterior_positive_test ----------------------------------------------------

def _positive(prevalence, sensitivity, specificity):
    true_positive = sensitivity * prevalence
    return true_positive / (true_positive + (1 - specificity) * (1 - prevalence))


def test_posterior_positive_test_random(learner, rng):
    for _ in range(3):
        args = (float(rng.uniform(0.001, 0.3)), float(rng.uniform(0.5, 0.999)), float(rng.uniform(0.5, 0.999)))
        _close(number(learner.posterior_positive_test(*args)), _positive(*args), "P(condition | positive)")


def test_posterior_positive_test_rare_condition(learner, rng):
    # The classic: a good test for a rare condition; most positives are false.
    args = (float(rng.uniform(0.0005, 0.01)), float(rng.uniform(0.9, 0.99)), float(rng.uniform(0.9, 0.99)))
    _close(number(learner.posterior_positive_test(*args)), _positive(*args), "P(condition | positive)")


def test_posterior_positive_test_edges(learner, rng):
    sensitivity = float(rng.uniform(0.5, 1.0))
    _close(number(learner.posterior_positive_test(0.0, sensitivity, 0.9)), 0.0, "prevalence 0:")
    _close(number(learner.posterior_positive_test(1.0, sensitivity, 0.9)), 1.0, "prevalence 1:")
    _close(number(learner.posterior_positive_test(0.2, sensitivity, 1.0)), 1.0, "specificity 1:")


def test_posterior_positive_test_rejects_bad_input(learner, rng):
    args = (float(rng.uniform(0.01, 0.3)), float(rng.uniform(0.5, 0.99)), float(rng.uniform(0.5, 0.99)))
    number(accepts(learner.posterior_positive_test, *args))
    raises(ValueError, "prevalence is above 1", learner.posterior_positive_test, 1.2, 0.9, 0.9)
    raises(ValueError, "sensitivity is negative", learner.posterior_positive_test, 0.1, -0.1, 0.9)
    raises(ValueError, "specificity is above 1", learner.posterior_positive_test, 0.1, 0.9, 1.5)
    raises(ValueError, "P(positive) is 0", learner.posterior_positive_test, 0.0, 0.9, 1.0)
    raises(ValueError, "P(positive) is 0", learner.posterior_positive_test, 0.3, 0.0, 1.0)


# --- beta_binomial_update ---------------------------------------------------------

def test_beta_binomial_update_random(learner, rng):
    for _ in range(3):
        (alpha, beta), (heads, n) = _beta_params(rng), _counts(rng)
        got = numbers(learner.beta_binomial_update(alpha, beta, heads, n), ("alpha", "beta"))
        close_values(got, (alpha + heads, beta + n - heads), ("alpha", "beta"), rtol=RTOL, atol=ATOL)


def test_beta_binomial_update_no_data_and_extremes(learner, rng):
    alpha, beta = _beta_params(rng)
    n = int(rng.integers(1, 50))
    for heads, trials in ((0, 0), (0, n), (n, n)):
        got = numbers(learner.beta_binomial_update(alpha, beta, heads, trials), ("alpha", "beta"))
        close_values(got, (alpha + heads, beta + trials - heads), ("alpha", "beta"), rtol=RTOL, atol=ATOL)


def test_beta_binomial_update_rejects_bad_input(learner, rng):
    (alpha, beta), (heads, n) = _beta_params(rng), _counts(rng)
    numbers(accepts(learner.beta_binomial_update, alpha, beta, heads, n), ("alpha", "beta"))
    raises(ValueError, "alpha must be positive", learner.beta_binomial_update, 0.0, 1.0, 1, 2)
    raises(ValueError, "beta must be positive", learner.beta_binomial_update, 1.0, -2.0, 1, 2)
    raises(ValueError, "n cannot be negative", learner.beta_binomial_update, 1.0, 1.0, 0, -1)
    raises(ValueError, "heads cannot be negative", learner.beta_binomial_update, 1.0, 1.0, -1, 5)
    raises(ValueError, "heads cannot exceed n", learner.beta_binomial_update, 1.0, 1.0, 6, 5)


# --- posterior_mean ---------------------------------------------------------------

def test_posterior_mean_random(learner, rng):
    for _ in range(3):
        (alpha, beta), (heads, n) = _beta_params(rng), _counts(rng)
        _close(number(learner.posterior_mean(alpha, beta, heads, n)), (alpha + heads) / (alpha + beta + n))


def test_posterior_mean_is_not_the_mle(learner, rng):
    n = int(rng.integers(2, 8))
    # All heads under a uniform prior: the MLE says 1, the posterior mean (n + 1) / (n + 2).
    _close(number(learner.posterior_mean(1.0, 1.0, n, n)), (n + 1) / (n + 2), f"{n} heads in {n}:")
    _close(number(learner.posterior_mean(1.0, 1.0, 3, 3)), 0.8, "3 heads in 3:")
    alpha, beta = _beta_params(rng)
    _close(number(learner.posterior_mean(alpha, beta, 0, 0)), alpha / (alpha + beta), "no data:")


def test_posterior_mean_rejects_bad_input(learner, rng):
    (alpha, beta), (heads, n) = _beta_params(rng), _counts(rng)
    number(accepts(learner.posterior_mean, alpha, beta, heads, n))
    raises(ValueError, "alpha must be positive", learner.posterior_mean, -1.0, 1.0, 1, 2)
    raises(ValueError, "beta must be positive", learner.posterior_mean, 1.0, 0.0, 1, 2)
    raises(ValueError, "heads cannot exceed n", learner.posterior_mean, 1.0, 1.0, 3, 2)
    raises(ValueError, "n cannot be negative", learner.posterior_mean, 1.0, 1.0, 0, -3)


# --- credible_interval ------------------------------------------------------------

def _interval(alpha, beta, mass):
    tail = (1 - mass) / 2
    return float(stats.beta.ppf(tail, alpha, beta)), float(stats.beta.isf(tail, alpha, beta))


def test_credible_interval_default_mass(learner, rng):
    alpha, beta = _beta_params(rng)
    got = numbers(learner.credible_interval(alpha, beta), ("lo", "hi"))
    close_values(got, _interval(alpha, beta, 0.95), ("lo", "hi"), rtol=RTOL, atol=ATOL)


def test_credible_interval_other_masses(learner, rng):
    for mass in (float(rng.uniform(0.5, 0.9)), float(rng.uniform(0.99, 0.9999))):
        alpha, beta = float(rng.uniform(1, 200)), float(rng.uniform(1, 200))
        got = numbers(learner.credible_interval(alpha, beta, mass=mass), ("lo", "hi"))
        close_values(got, _interval(alpha, beta, mass), ("lo", "hi"), rtol=RTOL, atol=ATOL)


def test_credible_interval_skewed(learner, rng):
    # Few observations: the posterior is far from a normal curve.
    alpha, beta = float(rng.uniform(0.5, 2.0)), float(rng.uniform(8.0, 30.0))
    got = numbers(learner.credible_interval(alpha, beta, 0.9), ("lo", "hi"))
    close_values(got, _interval(alpha, beta, 0.9), ("lo", "hi"), rtol=RTOL, atol=ATOL)


def test_credible_interval_rejects_bad_input(learner, rng):
    alpha, beta = _beta_params(rng)
    numbers(accepts(learner.credible_interval, alpha, beta, 0.8), ("lo", "hi"))
    raises(ValueError, "mass must be below 1", learner.credible_interval, alpha, beta, 1.0)
    raises(ValueError, "mass must be above 0", learner.credible_interval, alpha, beta, 0.0)
    raises(ValueError, "mass must be a probability", learner.credible_interval, alpha, beta, 95)
    raises(ValueError, "alpha must be positive", learner.credible_interval, 0.0, beta)
    raises(ValueError, "beta must be positive", learner.credible_interval, alpha, -1.0)


# --- grid_posterior ---------------------------------------------------------------

def _grid_posterior(grid, prior, heads, n):
    with np.errstate(divide="ignore"):
        log_post = np.log(prior) + special.xlogy(heads, grid) + special.xlog1py(n - heads, -grid)
    weights = np.exp(log_post - log_post.max())
    return weights / weights.sum()


def test_grid_posterior_uniform_prior(learner, rng):
    grid = np.linspace(0.0, 1.0, int(rng.integers(11, 201)))
    heads, n = _counts(rng, 1, 60)
    prior = np.ones(grid.size)
    got = array(learner.grid_posterior(grid, prior, heads, n), grid.shape)
    close_array(got, _grid_posterior(grid, prior, heads, n), rtol=RTOL, atol=ATOL)


def test_grid_posterior_informative_prior(learner, rng):
    grid = np.sort(rng.uniform(0.01, 0.99, int(rng.integers(20, 100))))
    prior = stats.beta.pdf(grid, *_beta_params(rng))
    heads, n = _counts(rng, 1, 40)
    got = array(learner.grid_posterior(grid, prior, heads, n), grid.shape)
    close_array(got, _grid_posterior(grid, prior, heads, n), rtol=RTOL, atol=ATOL)


def test_grid_posterior_a_million_trials(learner, rng):
    # p^heads underflows to 0 long before n = 1,000,000: only logs keep the posterior.
    grid = np.linspace(0.0, 1.0, 1001)
    n = int(rng.integers(200_000, 1_000_001))
    heads = int(n * rng.uniform(0.2, 0.8))
    prior = np.ones(grid.size)
    got = array(learner.grid_posterior(grid, prior, heads, n), grid.shape)
    close_array(got, _grid_posterior(grid, prior, heads, n), rtol=RTOL, atol=ATOL)


def test_grid_posterior_edges_of_the_grid(learner, rng):
    grid = np.linspace(0.0, 1.0, int(rng.integers(5, 30)))
    n = int(rng.integers(1, 20))
    for heads in (0, n):  # all tails: p = 0 is the best point; all heads: p = 1
        got = array(learner.grid_posterior(grid, np.ones(grid.size), heads, n), grid.shape)
        close_array(got, _grid_posterior(grid, np.ones(grid.size), heads, n), rtol=RTOL, atol=ATOL)


def test_grid_posterior_rejects_bad_input(learner, rng):
    grid = np.linspace(0.0, 1.0, 21)
    prior = np.ones(grid.size)
    heads, n = _counts(rng, 1, 30)
    array(accepts(learner.grid_posterior, grid, prior, heads, n), grid.shape)
    raises(ValueError, "grid and prior differ in length", learner.grid_posterior, grid, prior[:-1], heads, n)
    raises(ValueError, "a grid value is above 1", learner.grid_posterior, np.append(grid[:-1], 1.5), prior, heads, n)
    raises(ValueError, "a grid value is negative", learner.grid_posterior, np.append(-0.1, grid[1:]), prior, heads, n)
    raises(ValueError, "the data rule out every grid point", learner.grid_posterior,
           np.array([0.0, 1.0]), np.ones(2), 1, 2)


# --- prob_greater_than --------------------------------------------------------------

def _greater(alpha, beta, heads, n, threshold):
    return float(stats.beta.sf(threshold, alpha + heads, beta + n - heads))


def test_prob_greater_than_random(learner, rng):
    # Thresholds where the posterior has mass (between its 10% and 90% quantiles): the answer is far from 0
    # and 1, so it has digits that sampling the posterior cannot reproduce.
    for _ in range(3):
        (alpha, beta), (heads, n) = _beta_params(rng), _counts(rng)
        threshold = float(stats.beta.ppf(rng.uniform(0.1, 0.9), alpha + heads, beta + n - heads))
        _close(number(learner.prob_greater_than(alpha, beta, heads, n, threshold)),
               _greater(alpha, beta, heads, n, threshold), "P(p > threshold)")


def test_prob_greater_than_ends_and_tails(learner, rng):
    (alpha, beta), (heads, n) = _beta_params(rng), _counts(rng, 50, 500)
    _close(number(learner.prob_greater_than(alpha, beta, heads, n, 0.0)), 1.0, "threshold 0:")
    _close(number(learner.prob_greater_than(alpha, beta, heads, n, 1.0)), 0.0, "threshold 1:")
    far = (heads + alpha) / (n + alpha + beta) + 0.3  # far in the upper tail: a tiny probability
    if far < 1:
        _close(number(learner.prob_greater_than(alpha, beta, heads, n, far)),
               _greater(alpha, beta, heads, n, far), "far in the tail:")


def test_prob_greater_than_rejects_bad_input(learner, rng):
    (alpha, beta), (heads, n) = _beta_params(rng), _counts(rng)
    number(accepts(learner.prob_greater_than, alpha, beta, heads, n, 0.5))
    raises(ValueError, "threshold is above 1", learner.prob_greater_than, alpha, beta, heads, n, 1.5)
    raises(ValueError, "threshold is negative", learner.prob_greater_than, alpha, beta, heads, n, -0.2)
    raises(ValueError, "alpha must be positive", learner.prob_greater_than, 0.0, beta, heads, n, 0.5)
    raises(ValueError, "heads cannot exceed n", learner.prob_greater_than, alpha, beta, n + 1, n, 0.5)
