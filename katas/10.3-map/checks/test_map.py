"""Hidden checks of kata 10.3 (MAP estimation).

Each check calls exactly one learner function and computes what it expects
with trusted code. Closed forms are judged to 1e-7 relative or 1e-12
absolute, whichever is looser; the MAPs that are minima (ridge_map and
fit_logistic_map) by their objective, as kata 10.2's fits: the learner's
weights must bring the negative log-posterior within NLL_GAP of its minimum,
whatever method got there (np.linalg.solve or an optimiser).

A check judges one thing, so a mistake costs only the checks about it: a
"rejects" check judges what is refused (valid input gives a value of the
right kind, bad input raises), a form check that two forms of one input give
the learner's own same value; the value checks judge values.
"""

import math

import numpy as np
from scipy import special

from grader.checklib import (NLL_GAP, accepts, agrees, array, close, decision_boundary, fmt, memo, near_minimum,
                              number, numbers, raises, stopped_early)

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
    number(accepts(learner.binomial_map, heads, n, 2.0, 3.0))
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
    number(accepts(learner.gaussian_mean_map, data, sigma, mu0, tau))
    raises(ValueError, "there is no data", learner.gaussian_mean_map, np.array([]), sigma, mu0, tau)
    raises(ValueError, "sigma must be positive", learner.gaussian_mean_map, data, 0.0, mu0, tau)
    raises(ValueError, "tau must be positive", learner.gaussian_mean_map, data, sigma, mu0, -1.0)


# --- ridge_map ---------------------------------------------------------------------
# Judged like a fit: by how far above its minimum the negative log-posterior
# ||y - Xw||²/(2 sigma²) + ||w||²/(2 tau²) is at the learner's weights, so np.linalg.solve and an optimiser
# (BFGS is 1e-7 to 3e-6 relative off the closed form) are both right.

def _ridge(X, y, sigma, tau):
    X = X.reshape(-1, 1) if X.ndim == 1 else X
    return np.linalg.solve(X.T @ X + (sigma / tau) ** 2 * np.eye(X.shape[1]), X.T @ y)


def _ridge_objective(w, X, y, sigma, tau):
    X = X.reshape(-1, 1) if X.ndim == 1 else X
    return float(np.sum((y - X @ w) ** 2) / (2 * sigma**2) + np.sum(w**2) / (2 * tau**2))


def _judge_ridge(got, X, y, sigma, tau):
    best = _ridge(X, y, sigma, tau)
    with np.errstate(all="ignore"):
        gap = _ridge_objective(got, X, y, sigma, tau) - _ridge_objective(best, X, y, sigma, tau)
    names = tuple(f"w[{i}]" for i in range(best.size))
    near_minimum(gap if math.isfinite(gap) else math.inf, tuple(got), tuple(best), names, note="(the MAP)",
                 objective="negative log-posterior")


def _ridge_case(rng, d):
    """Data of d columns, not centred (an intercept the contract does not ask for changes w); the noise's sigma is far from 1 and the prior's scale tau 2 to 10 times above or
    below it, so that the penalty (sigma/tau)² is far from its inverse, its square root and 1/tau²."""
    n = int(rng.integers(5 * d + 5, 200))
    scale = rng.uniform(0.5, 3, d)
    X = (rng.normal(0, 1, (n, d)) + rng.uniform(1, 3, d) * rng.choice([-1.0, 1.0], d)) * scale  # not centred
    w = rng.normal(0, 2, d)
    sigma = float(10 ** (rng.uniform(0.3, 0.7) * rng.choice([-1.0, 1.0])))  # 0.2 to 0.5, or 2 to 5: not near 1
    tau = sigma * 10 ** (rng.uniform(0.3, 1.0) * rng.choice([-1.0, 1.0]))
    return X, X @ w + rng.normal(0, sigma, n), sigma, float(tau)


def test_ridge_map_random(learner, rng):
    for d in (int(rng.integers(2, 4)), int(rng.integers(4, 8))):
        X, y, sigma, tau = _ridge_case(rng, d)
        _judge_ridge(array(learner.ridge_map(X, y, sigma, tau), (d,)), X, y, sigma, tau)


def test_ridge_map_one_column(learner, rng):
    # A form check: a 1-D X gives what the same X as one column gives, an array of one weight.
    X, y, sigma, tau = _ridge_case(rng, 1)
    points = [(sigma, tau), (sigma, tau * 10 ** rng.uniform(0.5, 1.0))]
    flat = [array(learner.ridge_map(X[:, 0], y, *p), (1,))[0] for p in points]
    column = [array(learner.ridge_map(X, y, *p), (1,))[0] for p in points]
    agrees(flat, column, [_ridge(X, y, *p)[0] for p in points], form="X 1-D", plain="X as an n × 1 column",
           at=points, names=("sigma", "tau"))


def test_ridge_map_prior_strength(learner, rng):
    X, y, sigma, _ = _ridge_case(rng, int(rng.integers(2, 5)))
    d = X.shape[1]
    for tau in (1e3, 1e-2):  # nearly least squares; weights shrunk nearly to 0
        _judge_ridge(array(learner.ridge_map(X, y, sigma, tau), (d,)), X, y, sigma, tau)


def test_ridge_map_rejects_bad_input(learner, rng):
    X, y, sigma, tau = _ridge_case(rng, 2)
    array(accepts(learner.ridge_map, X, y, sigma, tau), (2,))
    raises(ValueError, "X has more rows than y has values", learner.ridge_map, X, y[:-1], sigma, tau)
    raises(ValueError, "sigma must be positive", learner.ridge_map, X, y, -sigma, tau)
    raises(ValueError, "tau must be positive", learner.ridge_map, X, y, sigma, 0.0)


# --- logistic_neg_log_posterior ---------------------------------------------------------

def _nlp(theta, X, y, tau, b_tau=math.inf):
    """The negative log-posterior; ``b_tau``: a prior on b too (a known mistake's objective)."""
    z = theta[0] * X + theta[1]
    return float(np.sum(np.logaddexp(0.0, z) - y * z) + theta[0] ** 2 / (2 * tau**2) + theta[1] ** 2 / (2 * b_tau**2))


def _gradient(theta, X, y, tau, b_tau=math.inf):
    residual = special.expit(theta[0] * X + theta[1]) - y
    return np.array([np.sum(residual * X) + theta[0] / tau**2, np.sum(residual) + theta[1] / b_tau**2])


def _hessian(theta, X, tau, b_tau=math.inf):
    p = special.expit(theta[0] * X + theta[1])
    weight = p * (1 - p)
    return np.array([[np.sum(weight * X * X) + 1 / tau**2, np.sum(weight * X)],
                     [np.sum(weight * X), np.sum(weight) + 1 / b_tau**2]])


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
    # Scores z = w x + b of ±50, ±700 and ±1000, with a point on the wrong side at |z| = 1000 and one on the
    # right side at the other |z| = 1000 (their NLL is about 1000 and 0): ln(1 + e^z) computed directly
    # overflows at z = 1000, ln(1 + e^(-y z)) with ±1 labels at the wrong-side point, and clipping the
    # probabilities caps that point's NLL at -ln(eps). Every seed has both.
    z = np.array([-1000.0, -700.0, -50.0, 50.0, 700.0, 1000.0])
    wrong = np.array([True, False, bool(rng.integers(2)), bool(rng.integers(2)), True, False])
    wrong = wrong if rng.integers(2) else wrong[::-1]
    y = np.where(wrong, z < 0, z > 0).astype(float)
    w, b = _signed(rng, 1.0, 3.0), float(rng.uniform(-1, 1))
    order = rng.permutation(z.size)
    X, y = (z[order] - b) / w, y[order]
    tau = float(rng.uniform(0.5, 5))
    _close(number(learner.logistic_neg_log_posterior(np.array([w, b]), X, y, tau)), _nlp((w, b), X, y, tau),
           "|z| up to 1000:")


def test_logistic_neg_log_posterior_column_input(learner, rng):
    # A form check: X as an n × 1 column gives what the same X 1-D gives.
    theta, X, y, tau = _nlp_case(rng)
    points = [theta, (_signed(rng, 0.1, 3), _signed(rng, 0.1, 3))]
    column = [number(learner.logistic_neg_log_posterior(np.array(p), X.reshape(-1, 1), y, tau)) for p in points]
    flat = [number(learner.logistic_neg_log_posterior(np.array(p), X, y, tau)) for p in points]
    agrees(column, flat, [_nlp(p, X, y, tau) for p in points], form="X as an n × 1 column", plain="X 1-D",
           at=points, names=("w", "b"))


def test_logistic_neg_log_posterior_rejects_bad_input(learner, rng):
    theta, X, y, tau = _nlp_case(rng)
    number(accepts(learner.logistic_neg_log_posterior, np.array(theta), X, y, tau))
    raises(ValueError, "X and y differ in length", learner.logistic_neg_log_posterior, np.array(theta), X, y[:-1], tau)
    raises(ValueError, "tau must be positive", learner.logistic_neg_log_posterior, np.array(theta), X, y, 0.0)


# --- fit_logistic_map ----------------------------------------------------------------

@memo
def _map_fit(X, y, tau, b_tau=math.inf):
    """The minimum of ``_nlp`` (w, b), by damped Newton's method on standardised x from (0, the labels' log-odds);
    None if it has none (the NLL alone on separable data)."""
    centre, scale = float(X.mean()), float(X.std()) or 1.0
    u = (X - centre) / scale  # z = w x + b = (w scale) u + (b + w centre): the same objective, well conditioned
    tau_u = tau * scale

    def back(theta):
        return np.array([theta[0] / scale, theta[1] - theta[0] * centre / scale])

    theta = np.array([0.0, math.log(y.mean() / (1 - y.mean()))])
    for _ in range(500):
        if b_tau == math.inf:
            gradient, hessian = _gradient(theta, u, y, tau_u), _hessian(theta, u, tau_u)
            value = lambda t: _nlp(t, u, y, tau_u)  # noqa: E731
        else:  # a prior on b is a prior on b, not on the shifted intercept: work in the original units
            original = back(theta)
            jacobian = np.array([[1 / scale, 0.0], [-centre / scale, 1.0]])
            gradient = jacobian.T @ _gradient(original, X, y, tau, b_tau)
            hessian = jacobian.T @ _hessian(original, X, tau, b_tau) @ jacobian
            value = lambda t: _nlp(back(t), X, y, tau, b_tau)  # noqa: E731
        step = np.linalg.lstsq(hessian, gradient, rcond=None)[0]
        trial = theta - step
        while value(trial) > value(theta) and np.abs(step).max() > 1e-15:
            step = step / 2  # never uphill
            trial = theta - step
        theta, done = trial, np.abs(step).max() < 1e-13 * (1 + np.abs(theta).max())
        if done or np.abs(theta).max() > 1e8:
            break
    return back(theta) if np.abs(theta).max() <= 1e8 and done else None


def _judge(learner, X, y, tau):
    got = numbers(learner.fit_logistic_map(X, y, tau), ("w", "b"))
    best = _map_fit(X, y, tau)
    gap = _nlp(got, X, y, tau) - _nlp(best, X, y, tau) if all(map(math.isfinite, got)) else math.inf
    near_minimum(gap, got, best, ("w", "b"), note="(the MAP)", objective="negative log-posterior",
                 relation=lambda: _fit_relation(got, X, y, tau),
                 stopped=lambda: stopped_early(_gradient(got, X, y, tau), ("w", "b"),
                                               decision_boundary(got, best, X, "the MAP")))
    return got


def _fit_relation(got, X, y, tau) -> str:
    """A known mistake the fit behaves like, as a clause for a failure message."""
    best = _map_fit(X, y, tau)
    if _nlp(got[::-1], X, y, tau) - _nlp(best, X, y, tau) <= NLL_GAP:
        return ": the values are swapped; return (w, b) in that order"
    n = X.size
    others = [("the NLL alone (the prior left out)", math.inf, math.inf),
              ("the NLL averaged over the data plus the penalty (the penalty is then n times too strong)",
               tau / math.sqrt(n), math.inf),
              ("the NLL plus w²/tau² (the ½ of the prior's w²/(2 tau²) left out)", tau / math.sqrt(2), math.inf),
              ("the NLL plus (w² + b²)/(2 tau²) (b penalised too)", tau, tau)]
    for words, w_tau, b_tau in others:
        optimum = _map_fit(X, y, w_tau, b_tau)
        if optimum is None or (b_tau < math.inf and _nlp((optimum[0], 0.0), X, y, w_tau, b_tau)
                               - _nlp(optimum, X, y, w_tau, b_tau) <= NLL_GAP):
            continue  # a b penalised to 0 looks like an optimiser that stopped before b moved: not named
        if _nlp(got, X, y, w_tau, b_tau) - _nlp(optimum, X, y, w_tau, b_tau) <= NLL_GAP:
            return f": it is the minimum of {words}"
    return ""


def _realistic(rng, separable=False):
    """n in the hundreds, X far from 0 on its own scale: an optimiser started blindly stops short."""
    n = int(rng.integers(150, 500))
    centre, scale = _signed(rng, 20, 100), 10 ** float(rng.uniform(0, 1.5))
    X = rng.normal(centre, scale, n)
    w = float(rng.uniform(1.0, 3.0)) / scale
    boundary = centre + float(rng.uniform(-0.5, 0.5)) * scale
    if separable:
        y = (X > boundary).astype(float)
        y[np.argmin(X)], y[np.argmax(X)] = 0.0, 1.0
        return X, y
    return X, _labels(rng, X, w, -w * boundary)


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
    # Far from 0, with a prior weak on X's scale: w·sd(X) at the MAP is above 10, so the sigmoid saturates
    # along the way and an optimiser that stops on default tolerances (an averaged cost, log of a sigmoid)
    # stops well short of the minimum, on every seed.
    X, y = _realistic(rng, separable=True)
    _judge(learner, X, y, float(rng.uniform(8, 30)) / X.std())


def test_fit_logistic_map_strong_prior(learner, rng):
    # w is pulled almost to 0; b still fits the labels' log-odds.
    _, X, y, _ = _nlp_case(rng)
    _judge(learner, X, y, float(rng.uniform(0.01, 0.05)))
    X, y = _realistic(rng)
    _judge(learner, X, y, float(rng.uniform(0.01, 0.05)) / X.std())


def test_fit_logistic_map_rejects_bad_input(learner, rng):
    _, X, y, tau = _nlp_case(rng)
    numbers(accepts(learner.fit_logistic_map, X, y, tau), ("w", "b"))
    raises(ValueError, "X and y differ in length", learner.fit_logistic_map, X[:-1], y, tau)
    raises(ValueError, "tau must be positive", learner.fit_logistic_map, X, y, -1.0)
