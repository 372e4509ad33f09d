"""Hidden checks of kata 10.3 (MAP estimation).

Each check calls exactly one learner function and computes what it expects
with trusted code. Closed forms are judged to 1e-7 relative or 1e-12
absolute, whichever is looser; fits by their objective, as in kata 10.2: the
learner's (w, b) must bring the negative log-posterior within NLL_GAP of its
minimum, whatever optimiser got there.
"""

import math

import numpy as np
from scipy import special

from grader.checklib import accepts, array, close, close_array, fmt, memo, near_minimum, number, numbers, raises

RTOL, ATOL = 1e-7, 1e-12


def _close(got, expected, what=""):
    close(got, expected, rtol=RTOL, atol=ATOL, what=what)


def _signed(rng, low, high):
    return float(rng.uniform(low, high) * rng.choice([-1.0, 1.0]))


# --- binomial_map ---------------------------------------------------------------------

def _binomial_map(heads, n, alpha, beta):
    return (heads + alpha - 1) / (n + alpha + beta - 2)


def test_binomial_map_random(learner, rng):
    for _ in range(3):
        n = int(rng.integers(1, 1000))
        heads = int(rng.integers(0, n + 1))
        alpha, beta = float(rng.uniform(1, 30)), float(rng.uniform(1, 30))
        _close(number(learner.binomial_map(heads, n, alpha, beta)), _binomial_map(heads, n, alpha, beta), "p")


def test_binomial_map_uniform_prior_is_the_mle(learner, rng):
    n = int(rng.integers(1, 500))
    heads = int(rng.integers(0, n + 1))
    _close(number(learner.binomial_map(heads, n, 1.0, 1.0)), heads / n, "uniform prior:")
    _close(number(learner.binomial_map(3, 3, 2.0, 2.0)), 0.8, "3 heads in 3, Beta(2, 2):")
    _close(number(learner.binomial_map(0, n, 1.0, 5.0)), 0.0, "no heads, alpha = 1:")


def test_binomial_map_rejects_bad_input(learner, rng):
    n = int(rng.integers(2, 100))
    heads = int(rng.integers(0, n + 1))
    _close(number(accepts(learner.binomial_map, heads, n, 2.0, 3.0)), _binomial_map(heads, n, 2.0, 3.0))
    raises(ValueError, "alpha < 1 has no mode inside (0, 1)", learner.binomial_map, 1, 5, 0.5, 2.0)
    raises(ValueError, "beta must be at least 1", learner.binomial_map, 1, 5, 2.0, 0.9)
    raises(ValueError, "n must be at least 1", learner.binomial_map, 0, 0, 2.0, 2.0)
    raises(ValueError, "heads cannot be negative", learner.binomial_map, -1, 5, 2.0, 2.0)
    raises(ValueError, "heads cannot exceed n", learner.binomial_map, 6, 5, 2.0, 2.0)


# --- gaussian_mean_map --------------------------------------------------------------

def _gaussian_mean_map(data, sigma, mu0, tau):
    return (mu0 / tau**2 + data.sum() / sigma**2) / (1 / tau**2 + data.size / sigma**2)


def _gaussian_case(rng):
    sign = rng.choice([-1.0, 1.0])
    mu, sigma = sign * float(rng.uniform(1, 50)), float(rng.uniform(0.5, 10))
    data = rng.normal(mu, sigma, int(rng.integers(2, 60)))
    return data, sigma, sign * float(rng.uniform(1, 50)), float(rng.uniform(0.2, 20))


def test_gaussian_mean_map_random(learner, rng):
    for _ in range(3):
        data, sigma, mu0, tau = _gaussian_case(rng)
        _close(number(learner.gaussian_mean_map(data, sigma, mu0, tau)), _gaussian_mean_map(data, sigma, mu0, tau),
               "mu")


def test_gaussian_mean_map_limits(learner, rng):
    data, sigma, mu0, _ = _gaussian_case(rng)
    # A vague prior gives (almost) the sample mean, a sharp one (almost) mu0; both exactly by the formula.
    for tau in (1e4 * sigma, 1e-3 * sigma / math.sqrt(data.size)):
        _close(number(learner.gaussian_mean_map(data, sigma, mu0, tau)), _gaussian_mean_map(data, sigma, mu0, tau),
               f"tau = {fmt(tau)}:")
    one = np.array([float(rng.normal(mu0, sigma))])
    _close(number(learner.gaussian_mean_map(one, sigma, mu0, sigma)), (mu0 + one[0]) / 2, "one point, tau = sigma:")


def test_gaussian_mean_map_rejects_bad_input(learner, rng):
    data, sigma, mu0, tau = _gaussian_case(rng)
    _close(number(accepts(learner.gaussian_mean_map, data, sigma, mu0, tau)), _gaussian_mean_map(data, sigma, mu0, tau))
    raises(ValueError, "there is no data", learner.gaussian_mean_map, np.array([]), sigma, mu0, tau)
    raises(ValueError, "sigma must be positive", learner.gaussian_mean_map, data, 0.0, mu0, tau)
    raises(ValueError, "tau must be positive", learner.gaussian_mean_map, data, sigma, mu0, -1.0)


# --- ridge_map ---------------------------------------------------------------------

def _ridge(X, y, sigma, tau):
    X = X.reshape(-1, 1) if X.ndim == 1 else X
    return np.linalg.solve(X.T @ X + (sigma / tau) ** 2 * np.eye(X.shape[1]), X.T @ y)


def _ridge_case(rng, d):
    n = int(rng.integers(5 * d + 5, 200))
    X = rng.normal(0, 1, (n, d)) * rng.uniform(0.5, 3, d)
    w = rng.normal(0, 2, d)
    sigma = float(rng.uniform(0.2, 2))
    return X, X @ w + rng.normal(0, sigma, n), sigma, float(rng.uniform(0.1, 3))


def test_ridge_map_random(learner, rng):
    for d in (int(rng.integers(2, 4)), int(rng.integers(4, 8))):
        X, y, sigma, tau = _ridge_case(rng, d)
        got = array(learner.ridge_map(X, y, sigma, tau), (d,))
        close_array(got, _ridge(X, y, sigma, tau), rtol=RTOL, atol=ATOL)


def test_ridge_map_one_column(learner, rng):
    X, y, sigma, tau = _ridge_case(rng, 1)
    got = array(learner.ridge_map(X[:, 0], y, sigma, tau), (1,))
    close_array(got, _ridge(X, y, sigma, tau), rtol=RTOL, atol=ATOL)


def test_ridge_map_prior_strength(learner, rng):
    X, y, sigma, _ = _ridge_case(rng, int(rng.integers(2, 5)))
    d = X.shape[1]
    for tau in (1e3, 1e-2):  # nearly least squares; weights shrunk nearly to 0
        got = array(learner.ridge_map(X, y, sigma, tau), (d,))
        close_array(got, _ridge(X, y, sigma, tau), rtol=RTOL, atol=ATOL)


def test_ridge_map_rejects_bad_input(learner, rng):
    X, y, sigma, tau = _ridge_case(rng, 2)
    close_array(array(accepts(learner.ridge_map, X, y, sigma, tau), (2,)), _ridge(X, y, sigma, tau),
                rtol=RTOL, atol=ATOL)
    raises(ValueError, "X has more rows than y has values", learner.ridge_map, X, y[:-1], sigma, tau)
    raises(ValueError, "sigma must be positive", learner.ridge_map, X, y, -sigma, tau)
    raises(ValueError, "tau must be positive", learner.ridge_map, X, y, sigma, 0.0)


# --- logistic_neg_log_posterior ---------------------------------------------------------

def _nlp(theta, X, y, tau):
    z = theta[0] * X + theta[1]
    return float(np.sum(np.logaddexp(0.0, z) - y * z) + theta[0] ** 2 / (2 * tau**2))


def _gradient(theta, X, y, tau):
    residual = special.expit(theta[0] * X + theta[1]) - y
    return np.array([np.sum(residual * X) + theta[0] / tau**2, np.sum(residual)])


def _hessian(theta, X, tau):
    p = special.expit(theta[0] * X + theta[1])
    weight = p * (1 - p)
    return np.array([[np.sum(weight * X * X) + 1 / tau**2, np.sum(weight * X)],
                     [np.sum(weight * X), np.sum(weight)]])


def _labels(rng, X, w, b):
    y = (rng.uniform(size=X.size) < special.expit(w * X + b)).astype(float)
    y[np.argmin(X)], y[np.argmax(X)] = 0.0, 1.0  # both labels, always
    return y


def _nlp_case(rng):
    n = int(rng.integers(30, 300))
    X = rng.normal(0, 2, n)
    w, b = float(rng.uniform(0.5, 2.5)), _signed(rng, 0.2, 1.5)
    return (_signed(rng, 0.1, 3), _signed(rng, 0.1, 3)), X, _labels(rng, X, w, b), float(rng.uniform(0.3, 5))


def test_logistic_neg_log_posterior_random(learner, rng):
    for _ in range(2):
        theta, X, y, tau = _nlp_case(rng)
        _close(number(learner.logistic_neg_log_posterior(np.array(theta), X, y, tau)), _nlp(theta, X, y, tau),
               "negative log-posterior")


def test_logistic_neg_log_posterior_prior_on_w_only(learner, rng):
    theta, X, y, tau = _nlp_case(rng)
    for params in ((0.0, theta[1]), (theta[0], 0.0)):  # b alone is not penalised; w alone is
        _close(number(learner.logistic_neg_log_posterior(np.array(params), X, y, tau)), _nlp(params, X, y, tau),
               f"at (w, b) = ({fmt(params[0])}, {fmt(params[1])}):")


def test_logistic_neg_log_posterior_large_z(learner, rng):
    _, X, y, tau = _nlp_case(rng)
    X = X / np.abs(X).max()
    for theta in ((1000.0, 0.0), (-float(rng.uniform(500, 1000)), 0.0)):
        _close(number(learner.logistic_neg_log_posterior(np.array(theta), X, y, tau)), _nlp(theta, X, y, tau),
               f"|z| up to {fmt(abs(theta[0]))}:")


def test_logistic_neg_log_posterior_column_input(learner, rng):
    theta, X, y, tau = _nlp_case(rng)
    _close(number(learner.logistic_neg_log_posterior(np.array(theta), X.reshape(-1, 1), y, tau)),
           _nlp(theta, X, y, tau), "X as an n × 1 column:")


def test_logistic_neg_log_posterior_rejects_bad_input(learner, rng):
    theta, X, y, tau = _nlp_case(rng)
    _close(number(accepts(learner.logistic_neg_log_posterior, np.array(theta), X, y, tau)), _nlp(theta, X, y, tau))
    raises(ValueError, "X and y differ in length", learner.logistic_neg_log_posterior, np.array(theta), X, y[:-1], tau)
    raises(ValueError, "tau must be positive", learner.logistic_neg_log_posterior, np.array(theta), X, y, 0.0)


# --- fit_logistic_map ----------------------------------------------------------------

@memo
def _map_fit(X, y, tau):
    """The MAP (w, b) by damped Newton's method from (0, log-odds of the labels)."""
    w, b = 0.0, math.log(y.mean() / (1 - y.mean()))
    for _ in range(200):
        step = np.linalg.solve(_hessian((w, b), X, tau), _gradient((w, b), X, y, tau))
        trial = (w - step[0], b - step[1])
        while _nlp(trial, X, y, tau) > _nlp((w, b), X, y, tau) and np.abs(step).max() > 1e-15:
            step = step / 2  # never uphill
            trial = (w - step[0], b - step[1])
        (w, b), done = trial, np.abs(step).max() < 1e-13 * (1 + abs(w) + abs(b))
        if done:
            break
    return np.array([w, b])


def _judge(learner, X, y, tau):
    got = numbers(learner.fit_logistic_map(X, y, tau), ("w", "b"))
    best = _map_fit(X, y, tau)
    gap = _nlp(got, X, y, tau) - _nlp(best, X, y, tau) if all(map(math.isfinite, got)) else math.inf
    near_minimum(gap, got, best, ("w", "b"), note="(the MAP)", relation=lambda: _fit_relation(got, X, y, tau))
    return got


def _fit_relation(got, X, y, tau) -> str:
    """A known mistake the fit behaves like, as a clause for a failure message."""
    best = _map_fit(X, y, tau)
    if _nlp(got[::-1], X, y, tau) - _nlp(best, X, y, tau) <= 1e-3:
        return ": the values are swapped; return (w, b) in that order"
    return ""


def _realistic(rng):
    """n in the hundreds, X far from 0 on its own scale: an optimiser started blindly stops short."""
    n = int(rng.integers(150, 500))
    centre, scale = _signed(rng, 20, 100), 10 ** float(rng.uniform(0, 1.5))
    X = rng.normal(centre, scale, n)
    w = float(rng.uniform(1.0, 3.0)) / scale
    return X, _labels(rng, X, w, -w * (centre + float(rng.uniform(-0.5, 0.5)) * scale))


def test_fit_logistic_map_random(learner, rng):
    _, X, y, tau = _nlp_case(rng)
    _judge(learner, X, y, tau)
    X, y = _realistic(rng)
    _judge(learner, X, y, float(rng.uniform(0.5, 5)))


def test_fit_logistic_map_separable_data(learner, rng):
    # Perfectly separable: the MLE runs off to w = infinity; the prior keeps the MAP finite.
    n = int(rng.integers(20, 100))
    X = np.concatenate([rng.uniform(-3, -0.2, n), rng.uniform(0.2, 3, n)])
    y = np.concatenate([np.zeros(n), np.ones(n)])
    _judge(learner, X, y, float(rng.uniform(0.5, 3)))


def test_fit_logistic_map_strong_prior(learner, rng):
    _, X, y, _ = _nlp_case(rng)
    tau = float(rng.uniform(0.01, 0.05))  # w is pulled almost to 0; b still fits the labels' log-odds
    _judge(learner, X, y, tau)


def test_fit_logistic_map_rejects_bad_input(learner, rng):
    _, X, y, tau = _nlp_case(rng)
    got = numbers(accepts(learner.fit_logistic_map, X, y, tau), ("w", "b"))
    best = _map_fit(X, y, tau)
    near_minimum(_nlp(got, X, y, tau) - _nlp(best, X, y, tau), got, best, ("w", "b"), note="(the MAP)")
    raises(ValueError, "X and y differ in length", learner.fit_logistic_map, X[:-1], y, tau)
    raises(ValueError, "tau must be positive", learner.fit_logistic_map, X, y, -1.0)
