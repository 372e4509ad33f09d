"""Hidden checks for kata 10.2, maximum likelihood estimation.

Plain pytest functions. ``learner`` calls the learner's functions in a worker
process and returns plain data; ``rng`` is seeded from the run's seed, so data
changes with ``--seed`` and hard-coding an example cannot pass. Each check
calls exactly one learner function, and expected values come from trusted
code (NumPy/SciPy) only, so a bug in one function never costs points on another.

Run with pytest directly: ``pytest katas/10.2-mle/checks`` (against the
reference solution) or ``--kata-file path/to/mle.py``.
"""

import math

import numpy as np
from scipy import optimize, special, stats

from grader.checklib import (CheckFailure, array, close, close_array, close_values, fmt, memo, number, numbers,
                             raises)

# A fit is accepted when the likelihood it reaches is within this many nats of
# the maximum: about 0.05 standard errors from the MLE, far finer than
# statistics cares about, yet coarse enough for scipy's default optimisers.
NLL_GAP = 1e-3


# --- data ------------------------------------------------------------------

def _away_from_zero(rng, low, high):
    return float(rng.uniform(low, high) * rng.choice([-1.0, 1.0]))


def _gaussian_sample(rng, n, mu, sigma):
    """Data whose sample mean and (divide-by-n) deviation are exactly mu and sigma."""
    z = rng.standard_normal(n)
    z = (z - z.mean()) / z.std()
    return mu + sigma * z


def _linear_data(rng):
    n = int(rng.integers(20, 61))
    X = rng.uniform(-3, 3, n)
    m, b = _away_from_zero(rng, 0.5, 3.0), _away_from_zero(rng, 1.0, 5.0)
    y = m * X + b + rng.normal(0, rng.uniform(0.3, 2.0), n)
    return X, y


def _fast_linear_nll(params, X, y):
    m, b, log_sigma = params
    return y.size * (log_sigma + 0.5 * math.log(2 * math.pi)) + np.sum((y - m * X - b) ** 2) / (2 * math.exp(2 * log_sigma))


def _linear_fit_data(rng):
    """Linear data on which the lesson's own method reaches the MLE.

    Nelder-Mead with scipy's default settings stops at a collapsed simplex,
    reporting success, on about 1 data set in 1,000 (a restart finds the MLE).
    That is the optimiser's flaw, not the learner's, so such data sets are
    drawn again.
    """
    while True:
        X, y = _linear_data(rng)
        if _lesson_fit_reaches_mle(X, y):
            return X, y


@memo
def _lesson_fit_reaches_mle(X, y):
    m, b, sigma = _least_squares(X, y)
    best = _fast_linear_nll((m, b, math.log(sigma)), X, y)
    reached = optimize.minimize(_fast_linear_nll, np.zeros(3), args=(X, y), method="Nelder-Mead").fun
    return reached - best < NLL_GAP / 10


def _least_squares(X, y):
    m, b = np.polyfit(X, y, 1)
    return float(m), float(b), float(np.sqrt(np.mean((y - m * X - b) ** 2)))


def _logistic_data(rng, b_low=0.5, b_high=1.5):
    """Labels from a logistic model, made non-separable so the MLE exists.

    w > 0 > b, so that a fit returning (b, w) can never pass for (w, b).
    """
    n = int(rng.integers(60, 151))
    X = rng.normal(0, 1.5, n)
    w, b = float(rng.uniform(1.0, 2.5)), -float(rng.uniform(b_low, b_high))
    y = (rng.uniform(size=n) < special.expit(w * X + b)).astype(float)
    order = np.argsort(X)
    y[order[[0, 1, -2, -1]]] = [1.0, 0.0, 1.0, 0.0]
    return X, y


def _logistic_nll(theta, X, y):
    z = theta[0] * X + theta[1]
    return float(np.sum(np.logaddexp(0.0, z) - y * z))


def _logistic_gradient(theta, X, y):
    residual = special.expit(theta[0] * X + theta[1]) - y
    return np.array([np.sum(residual * X), np.sum(residual)])


def _logistic_hessian(theta, X):
    p = special.expit(theta[0] * X + theta[1])
    weight = p * (1 - p)
    return np.array([[np.sum(weight * X * X), np.sum(weight * X)],
                     [np.sum(weight * X), np.sum(weight)]])


@memo
def _logistic_fit(X, y):
    result = optimize.minimize(_logistic_nll, np.zeros(2), args=(X, y), jac=_logistic_gradient,
                               method="BFGS", options={"gtol": 1e-10})
    return result.x


def _judge_logistic_fit(learner, X, y):
    w, b = numbers(learner.fit_logistic_mle(X, y), ("w", "b"))
    best = _logistic_fit(X, y)
    gap = _logistic_nll((w, b), X, y) - _logistic_nll(best, X, y)
    if not math.isfinite(gap) or gap > NLL_GAP:
        raise CheckFailure(f"(w, b) = ({fmt(w)}, {fmt(b)}), expected ({fmt(best[0])}, {fmt(best[1])}): "
                           f"its negative log-likelihood is {fmt(gap)} above the minimum")
    return w, b


# --- binomial_mle -------------------------------------------------------------

def test_binomial_mle_random_counts(learner, rng):
    for _ in range(3):
        n = int(rng.integers(10, 1000))
        heads = int(rng.integers(1, n))
        close(number(learner.binomial_mle(heads, n)), heads / n, rtol=1e-9)


def test_binomial_mle_all_or_nothing(learner, rng):
    n = int(rng.integers(5, 200))
    close(number(learner.binomial_mle(0, n)), 0.0)
    close(number(learner.binomial_mle(n, n)), 1.0)


def test_binomial_mle_maximises_likelihood(learner, rng):
    n = int(rng.integers(20, 400))
    heads = int(rng.integers(1, n))
    p_hat = number(learner.binomial_mle(heads, n))
    best = optimize.minimize_scalar(lambda p: -stats.binom.logpmf(heads, n, p),
                                    bounds=(1e-12, 1 - 1e-12), method="bounded",
                                    options={"xatol": 1e-12})
    grid = np.linspace(0.001, 0.999, 999)
    on_grid = stats.binom.logpmf(heads, n, grid)
    reached = stats.binom.logpmf(heads, n, p_hat) if 0 <= p_hat <= 1 else -np.inf
    if reached < on_grid.max() - 1e-9:
        raise CheckFailure(f"{fmt(p_hat)}, but p = {fmt(grid[on_grid.argmax()])} has a higher "
                           f"likelihood ({fmt(on_grid.max())} > {fmt(reached)})")
    close(p_hat, best.x, rtol=1e-6, what="p")


def test_binomial_mle_rejects_bad_counts(learner):
    raises(ValueError, "n must be at least 1", learner.binomial_mle, 0, 0)
    raises(ValueError, "heads cannot be negative", learner.binomial_mle, -1, 10)
    raises(ValueError, "heads cannot exceed n", learner.binomial_mle, 11, 10)


# --- binomial_log_likelihood --------------------------------------------------

def _binomial_ll(p, heads, n):
    return stats.binom.logpmf(heads, n, p) - math.log(math.comb(n, heads))


def test_binomial_log_likelihood_matches_scipy(learner, rng):
    for _ in range(3):
        n = int(rng.integers(5, 500))
        heads = int(rng.integers(1, n))
        p = float(rng.uniform(0.02, 0.98))
        got = number(learner.binomial_log_likelihood(p, heads, n))
        close(got, _binomial_ll(p, heads, n), rtol=1e-9,
              offsets={"ln C(n, heads), the binomial coefficient": math.log(math.comb(n, heads))})


def test_binomial_log_likelihood_array_of_p(learner, rng):
    n = int(rng.integers(5, 300))
    heads = int(rng.integers(1, n))
    p = np.sort(rng.uniform(0.01, 0.99, int(rng.integers(5, 12))))
    got = array(learner.binomial_log_likelihood(p, heads, n), p.shape)
    close_array(got, _binomial_ll(p, heads, n), rtol=1e-9)


def test_binomial_log_likelihood_edges(learner, rng):
    n = int(rng.integers(3, 100))
    heads = int(rng.integers(1, n))
    close(number(learner.binomial_log_likelihood(0.0, 0, n)), 0.0, what="p = 0, no heads:")
    close(number(learner.binomial_log_likelihood(1.0, n, n)), 0.0, what="p = 1, all heads:")
    close(number(learner.binomial_log_likelihood(0.0, heads, n)), -np.inf, what="p = 0, some heads:")
    close(number(learner.binomial_log_likelihood(1.0, heads, n)), -np.inf, what="p = 1, some tails:")


def test_binomial_log_likelihood_edges_in_array(learner, rng):
    n = int(rng.integers(3, 100))
    p = np.array([0.0, float(rng.uniform(0.1, 0.9)), 1.0])
    for heads in (0, n):
        got = array(learner.binomial_log_likelihood(p, heads, n), p.shape)
        expected = _binomial_ll(p, heads, n)
        close_array(got, np.where(np.isnan(expected), -np.inf, expected), rtol=1e-9)


def test_binomial_log_likelihood_rejects_bad_input(learner):
    raises(ValueError, "p < 0 is not a probability", learner.binomial_log_likelihood, -0.1, 3, 10)
    raises(ValueError, "p > 1 is not a probability", learner.binomial_log_likelihood, 1.5, 3, 10)
    raises(ValueError, "one element of p is above 1", learner.binomial_log_likelihood,
           np.array([0.2, 1.2, 0.5]), 3, 10)
    raises(ValueError, "heads cannot exceed n", learner.binomial_log_likelihood, 0.5, 11, 10)


# --- gaussian_mle -------------------------------------------------------------

def _gaussian_params(rng):
    return _away_from_zero(rng, 8.0, 20.0), float(rng.uniform(2.5, 6.0))


def test_gaussian_mle_mean(learner, rng):
    mu, sigma = _gaussian_params(rng)
    data = _gaussian_sample(rng, int(rng.integers(30, 200)), mu, sigma)
    got = numbers(learner.gaussian_mle(data), ("mu", "sigma"))
    close_values(got, (mu, sigma), ("mu", "sigma"), only=("mu",), rtol=1e-9, n=data.size)


def test_gaussian_mle_sigma_divides_by_n(learner, rng):
    mu, sigma = _gaussian_params(rng)
    data = _gaussian_sample(rng, int(rng.integers(5, 13)), mu, sigma)
    got = numbers(learner.gaussian_mle(data), ("mu", "sigma"))
    close_values(got, (mu, sigma), ("mu", "sigma"), only=("sigma",), rtol=1e-9, n=data.size)


def test_gaussian_mle_agrees_with_scipy(learner, rng):
    data = rng.normal(*_gaussian_params(rng), int(rng.integers(20, 300)))
    mu, sigma = stats.norm.fit(data)
    got = numbers(learner.gaussian_mle(data), ("mu", "sigma"))
    close_values(got, (mu, sigma), ("mu", "sigma"), rtol=1e-9, n=data.size)


def test_gaussian_mle_rejects_empty_data(learner):
    raises(ValueError, "there is no data to estimate from", learner.gaussian_mle, np.array([]))


# --- gaussian_log_likelihood ----------------------------------------------------

def _gaussian_constants(n, sigma):
    return {"n/2·ln(2π) (the 2π term)": n / 2 * math.log(2 * math.pi),
            "n/2·ln(σ), from ln(2πσ) instead of ln(2πσ²)": n / 2 * math.log(sigma)}


def test_gaussian_log_likelihood_matches_scipy(learner, rng):
    for _ in range(2):
        mu, sigma = float(rng.uniform(-10, 10)), float(rng.uniform(1.5, 5.0))
        data = rng.normal(mu + rng.normal(), sigma, int(rng.integers(20, 100)))
        got = number(learner.gaussian_log_likelihood(mu, sigma, data))
        close(got, stats.norm.logpdf(data, mu, sigma).sum(), rtol=1e-9, n=data.size,
              offsets=_gaussian_constants(data.size, sigma))


def test_gaussian_log_likelihood_narrow(learner, rng):
    mu, sigma = float(rng.uniform(-3, 3)), float(rng.uniform(0.05, 0.5))
    data = rng.normal(mu, sigma, int(rng.integers(5, 40)))
    got = number(learner.gaussian_log_likelihood(mu, sigma, data))
    close(got, stats.norm.logpdf(data, mu, sigma).sum(), rtol=1e-9, n=data.size,
          offsets=_gaussian_constants(data.size, sigma))


def test_gaussian_log_likelihood_rejects_bad_sigma(learner, rng):
    data = rng.normal(0, 1, 10)
    raises(ValueError, "sigma = 0 is not a valid scale", learner.gaussian_log_likelihood, 0.0, 0.0, data)
    raises(ValueError, "a negative sigma is not a valid scale",
           learner.gaussian_log_likelihood, 0.0, -1.0, data)


def test_gaussian_log_likelihood_peaks_at_mle(learner, rng):
    data = rng.normal(*_gaussian_params(rng), int(rng.integers(20, 100)))
    mu, sigma = float(data.mean()), float(data.std())
    at_mle = number(learner.gaussian_log_likelihood(mu, sigma, data))
    for other_mu, other_sigma in ((mu + 0.1 * sigma, sigma), (mu - 0.1 * sigma, sigma),
                                  (mu, 1.1 * sigma), (mu, 0.9 * sigma)):
        there = number(learner.gaussian_log_likelihood(other_mu, other_sigma, data))
        if not there < at_mle:
            raise CheckFailure(f"{fmt(there)} at (mu, sigma) = ({fmt(other_mu)}, {fmt(other_sigma)}) is not "
                               f"below {fmt(at_mle)} at the MLE ({fmt(mu)}, {fmt(sigma)}): "
                               "the log-likelihood must peak at the MLE")


# --- linear_regression_nll ------------------------------------------------------

def _linear_nll(params, X, y):
    m, b, log_sigma = params
    return float(-stats.norm.logpdf(y, m * X + b, math.exp(log_sigma)).sum())


def _nonzero_log_sigma(rng):
    return _away_from_zero(rng, 0.3, 1.2)


def test_linear_regression_nll_matches_scipy(learner, rng):
    X, y = _linear_data(rng)
    params = np.array([rng.normal(0, 2), rng.normal(0, 2), _nonzero_log_sigma(rng)])
    got = number(learner.linear_regression_nll(params, X, y))
    close(got, _linear_nll(params, X, y), rtol=1e-9, n=y.size,
          offsets={"n/2·ln(2π) (the 2π term)": y.size / 2 * math.log(2 * math.pi)})


def test_linear_regression_nll_tuple_params(learner, rng):
    X, y = _linear_data(rng)
    params = (float(rng.normal(0, 2)), float(rng.normal(0, 2)), _nonzero_log_sigma(rng))
    got = number(learner.linear_regression_nll(params, X, y))
    close(got, _linear_nll(params, X, y), rtol=1e-9, n=y.size,
          offsets={"n/2·ln(2π) (the 2π term)": y.size / 2 * math.log(2 * math.pi)})


def test_linear_regression_nll_rejects_mismatched_lengths(learner, rng):
    X, y = _linear_data(rng)
    raises(ValueError, "X and y differ in length", learner.linear_regression_nll,
           np.array([1.0, 0.0, 0.0]), X, y[:-1])


def test_linear_regression_nll_minimised_at_least_squares(learner, rng):
    X, y = _linear_data(rng)
    m, b, sigma = _least_squares(X, y)
    best = np.array([m, b, math.log(sigma)])
    at_best = number(learner.linear_regression_nll(best, X, y))
    for i, name in enumerate(("m", "b", "log_sigma")):
        for step in (0.1, -0.1):
            moved = best.copy()
            moved[i] += step
            there = number(learner.linear_regression_nll(moved, X, y))
            if not there > at_best:
                raise CheckFailure(f"{fmt(there)} with {name} moved by {step:+g} is not above {fmt(at_best)} "
                                   "at the least-squares fit: the NLL must be smallest at the MLE")


# --- fit_linear_regression_mle --------------------------------------------------

def test_fit_linear_regression_slope_and_intercept(learner, rng):
    X, y = _linear_fit_data(rng)
    m, b, _ = _least_squares(X, y)
    got_m, got_b, _ = numbers(learner.fit_linear_regression_mle(X, y), ("m", "b", "sigma"))
    rss, best_rss = np.sum((y - got_m * X - got_b) ** 2), np.sum((y - m * X - b) ** 2)
    gap = X.size / 2 * math.log(rss / best_rss)
    if not gap <= NLL_GAP:
        raise CheckFailure(f"(m, b) = ({fmt(got_m)}, {fmt(got_b)}), expected ({fmt(m)}, {fmt(b)}) "
                           f"(least squares): residual sum of squares {fmt(rss)} instead of {fmt(best_rss)}")


def test_fit_linear_regression_sigma(learner, rng):
    X, y = _linear_fit_data(rng)
    got_m, got_b, got_sigma = numbers(learner.fit_linear_regression_mle(X, y), ("m", "b", "sigma"))
    # Judged at the learner's own line, so an error in m or b does not cost this check.
    sigma = float(np.sqrt(np.mean((y - got_m * X - got_b) ** 2)))
    close(got_sigma, sigma, rtol=5e-3, what="sigma")


def test_fit_linear_regression_reaches_maximum_likelihood(learner, rng):
    X, y = _linear_fit_data(rng)
    m, b, sigma = _least_squares(X, y)
    got = numbers(learner.fit_linear_regression_mle(X, y), ("m", "b", "sigma"))
    if not got[2] > 0:
        raise CheckFailure(f"sigma = {fmt(got[2])}; expected a positive scale")
    gap = _linear_nll((got[0], got[1], math.log(got[2])), X, y) - _linear_nll((m, b, math.log(sigma)), X, y)
    if not gap <= NLL_GAP:
        raise CheckFailure(f"(m, b, sigma) = ({fmt(got[0])}, {fmt(got[1])}, {fmt(got[2])}), expected "
                           f"({fmt(m)}, {fmt(b)}, {fmt(sigma)}): its negative log-likelihood is "
                           f"{fmt(gap)} above the minimum")


# --- logistic_nll ---------------------------------------------------------------

def _logistic_reference(w, b, X, y):
    z = w * X + b
    return float(-np.sum(y * special.log_expit(z) + (1 - y) * special.log_expit(-z)))


def test_logistic_nll_matches_scipy(learner, rng):
    X, y = _logistic_data(rng)
    w, b = float(rng.uniform(-3, 3)), _away_from_zero(rng, 0.5, 2.0)
    got = number(learner.logistic_nll(np.array([w, b]), X, y))
    close(got, _logistic_reference(w, b, X, y), rtol=1e-9, n=y.size)


def test_logistic_nll_large_z(learner, rng):
    X = rng.permutation(np.array([-1000.0, -700.0, -50.0, 50.0, 700.0, 1000.0]))
    y = rng.permutation(np.array([0.0, 0.0, 0.0, 1.0, 1.0, 1.0]))
    got = number(learner.logistic_nll((1.0, 0.0), X, y))
    close(got, _logistic_reference(1.0, 0.0, X, y), rtol=1e-9)


def test_logistic_nll_column_input(learner, rng):
    X, y = _logistic_data(rng)
    w, b = float(rng.uniform(-3, 3)), _away_from_zero(rng, 0.5, 2.0)
    got = number(learner.logistic_nll((w, b), X.reshape(-1, 1), y))
    close(got, _logistic_reference(w, b, X, y), rtol=1e-9)


def test_logistic_nll_rejects_mismatched_lengths(learner, rng):
    X, y = _logistic_data(rng)
    raises(ValueError, "X and y differ in length", learner.logistic_nll, (1.0, 0.5), X[:-3], y)


def test_logistic_nll_minimised_at_mle(learner, rng):
    X, y = _logistic_data(rng)
    best = _logistic_fit(X, y)
    at_best = number(learner.logistic_nll(best, X, y))
    for moved in (best + [0.2, 0], best - [0.2, 0], best + [0, 0.2], best - [0, 0.2]):
        there = number(learner.logistic_nll(moved, X, y))
        if not there > at_best:
            raise CheckFailure(f"{fmt(there)} at (w, b) = ({fmt(moved[0])}, {fmt(moved[1])}) is not above "
                               f"{fmt(at_best)} at the MLE: the NLL must be smallest at the MLE")


# --- fit_logistic_mle -----------------------------------------------------------

def test_fit_logistic_mle_agrees_with_scipy(learner, rng):
    X, y = _logistic_data(rng)
    _judge_logistic_fit(learner, X, y)


def test_fit_logistic_mle_zero_gradient(learner, rng):
    X, y = _logistic_data(rng)
    w, b = numbers(learner.fit_logistic_mle(X, y), ("w", "b"))
    gradient = _logistic_gradient((w, b), X, y)
    # Newton decrement: how far above its minimum the NLL still is, from the slope there.
    decrement = 0.5 * gradient @ np.linalg.solve(_logistic_hessian((w, b), X), gradient)
    if not decrement <= NLL_GAP:
        raise CheckFailure(f"(w, b) = ({fmt(w)}, {fmt(b)}), where the NLL's gradient is "
                           f"({fmt(gradient[0])}, {fmt(gradient[1])}); at the MLE it is zero")


def test_fit_logistic_mle_strong_bias(learner, rng):
    X, y = _logistic_data(rng, b_low=1.5, b_high=2.5)
    _judge_logistic_fit(learner, X, y)
