"""Hidden checks for kata 10.2, maximum likelihood estimation.

Plain pytest functions. ``learner`` calls the learner's functions in a worker
process and returns plain data; ``rng`` is seeded from the run's seed, so data
changes with ``--seed`` and hard-coding an example cannot pass. Each check
calls exactly one learner function, and expected values come from trusted
code (NumPy/SciPy) only, so a bug in one function never costs points on another.

A check judges one thing, so a mistake costs only the checks about it: a
"rejects" check judges what is refused (valid input gives a value of the
right kind, bad input raises), a form check that two forms of one input
(an n x 1 column and a 1-D array, a tuple and an array) give the learner's
own same value; the value checks judge values.

Run with pytest directly: ``pytest katas/10.2-mle/checks`` (against the
reference solution) or ``--kata-file path/to/mle.py``.
"""

import math

import numpy as np
from scipy import optimize, special, stats

from grader.checklib import (NLL_GAP, OPTIMISER_ADVICE, CheckFailure, accepts, agrees, array, close, close_array, close_values,
                              decision_boundary, fmt, memo, near_minimum, number, numbers, optimum_at, raises,
                              stopped_early)

# Closed forms are judged to RTOL times the value's sensitivity to rounding:
# the sum of the sizes of its terms and of how much each term moves when its
# inputs are rounded (see the *_tolerance functions). That is what float32 or
# another order of summation can cost; every classic mistake changes the value
# by a sizeable fraction of n on the data below, thousands of times more.
RTOL = 1e-6


# --- data ------------------------------------------------------------------

def _away_from_zero(rng, low, high):
    return float(rng.uniform(low, high) * rng.choice([-1.0, 1.0]))


def _gaussian_sample(rng, n, mu, sigma):
    """Data whose sample mean and (divide-by-n) deviation are exactly mu and sigma."""
    z = rng.standard_normal(n)
    z = (z - z.mean()) / z.std()
    return mu + sigma * z


def _linear_data(rng):
    """A small teaching data set: n from 20 to 60, X in [-3, 3]."""
    n = int(rng.integers(20, 61))
    X = rng.uniform(-3, 3, n)
    m, b = _away_from_zero(rng, 0.5, 3.0), _away_from_zero(rng, 1.0, 5.0)
    y = m * X + b + rng.normal(0, rng.uniform(0.3, 2.0), n)
    return X, y


def _realistic_linear_data(rng):
    """Data as it comes: n in the hundreds, X far from 0 and on its own scale, y on another.

    A fit that stops early (gradient descent with a fixed number of steps, an
    optimiser started far from the data) does not reach the MLE here.
    """
    n = int(rng.integers(150, 600))
    centre, width = _away_from_zero(rng, 20, 100), 10 ** rng.uniform(1, 2.5)
    X = centre + width * rng.uniform(-0.5, 0.5, n)
    m = _away_from_zero(rng, 0.1, 10.0)
    b = _away_from_zero(rng, 1.0, 300.0)
    y = m * X + b + rng.normal(0, abs(m) * width * 10 ** rng.uniform(-2, -0.5), n)
    return X, y


def _fit_data_sets(rng):
    """Every fit is judged on a teaching data set and a realistic one."""
    return [_linear_data(rng), _realistic_linear_data(rng)]


@memo
def _least_squares(X, y):
    m, b = np.polyfit(X, y, 1)
    return float(m), float(b), float(np.sqrt(np.mean((y - m * X - b) ** 2)))


def _separable_free(X, y):
    """Labels at both ends of X made to disagree, so no line separates them and the MLE exists."""
    order = np.argsort(X)
    y[order[[0, 1, -2, -1]]] = [1.0, 0.0, 1.0, 0.0]
    return X, y


def _logistic_data(rng, b_low=0.5, b_high=1.5):
    """A teaching data set from a logistic model; w > 0 > b, so (b, w) can never pass for (w, b)."""
    n = int(rng.integers(60, 151))
    X = rng.normal(0, 1.5, n)
    w, b = float(rng.uniform(1.0, 2.5)), -float(rng.uniform(b_low, b_high))
    y = (rng.uniform(size=n) < special.expit(w * X + b)).astype(float)
    return _separable_free(X, y)


def _realistic_logistic_data(rng, shift=0.0):
    """n in the hundreds, X 40 to 200 from 0 on its own scale; ``shift`` moves the boundary off the data's centre.

    Gradient descent with a fixed learning rate and number of steps cannot
    converge here: the NLL's curvature along w is thousands of times its
    curvature along the valley, whatever the learning rate.
    """
    n = int(rng.integers(150, 600))
    centre, scale = _away_from_zero(rng, 40, 200), 10 ** rng.uniform(0, 2)
    X = rng.normal(centre, scale, n)
    w = float(rng.uniform(1.0, 3.0)) / scale
    b = -w * (centre + (shift + rng.uniform(-0.5, 0.5)) * scale)
    y = (rng.uniform(size=n) < special.expit(w * X + b)).astype(float)
    return _separable_free(X, y)


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
def _logistic_fit(X, y, b_fixed=None):
    """The MLE (w, b) by Newton's method from least squares on the labels; ``b_fixed``: b held there."""
    if b_fixed is None:
        w, b = np.polyfit(X, 4 * (y - 0.5), 1)  # a start on the data's own scale
    else:
        w, b = 0.0, b_fixed
    for _ in range(100):
        gradient = _logistic_gradient((w, b), X, y)
        hessian = _logistic_hessian((w, b), X)
        if b_fixed is None:
            step = np.linalg.lstsq(hessian, gradient, rcond=None)[0]
        else:
            step = np.array([gradient[0] / hessian[0, 0], 0.0])
        trial = (w - step[0], b - step[1])
        while _logistic_nll(trial, X, y) > _logistic_nll((w, b), X, y) and np.abs(step).max() > 1e-15:
            step = step / 2  # damped: never uphill
            trial = (w - step[0], b - step[1])
        (w, b), done = trial, np.abs(step).max() < 1e-13 * (1 + abs(w) + abs(b))
        if done:
            break
    return np.array([w, b])


def _judge_logistic_fit(learner, X, y):
    """The learner's fit on (X, y), or a failure if its NLL is more than NLL_GAP above the minimum."""
    w, b = numbers(learner.fit_logistic_mle(X, y), ("w", "b"))
    best = _logistic_fit(X, y)
    gap = _logistic_nll((w, b), X, y) - _logistic_nll(best, X, y)
    near_minimum(gap, (w, b), best, ("w", "b"), relation=lambda: _logistic_fit_relation((w, b), X, y),
                 stopped=lambda: _logistic_stopped((w, b), X, y))
    return w, b


def _logistic_stopped(got, X, y) -> str:
    """Where a fit stopped: its decision boundary against the data's, and the gradient there."""
    return stopped_early(_logistic_gradient(got, X, y), ("w", "b"), decision_boundary(got, _logistic_fit(X, y), X))


def _logistic_fit_relation(got, X, y) -> str:
    """A known mistake the fit behaves like, as a clause for a failure message."""
    best = _logistic_fit(X, y)
    swapped = _logistic_nll(got[::-1], X, y) - _logistic_nll(best, X, y)
    if swapped <= NLL_GAP:
        return ": the values are swapped; return (w, b) in that order"
    no_bias = _logistic_fit(X, y, 0.0)
    if abs(got[1]) <= 1e-6 and _logistic_nll(got, X, y) - _logistic_nll(no_bias, X, y) <= NLL_GAP:
        return ": it is the best fit with b = 0; the bias b must be fitted too"
    return ""


# --- binomial_mle -------------------------------------------------------------

def test_binomial_mle_random_counts(learner, rng):
    for n in (int(rng.integers(10, 1000)), int(rng.integers(1000, 100_000)), int(rng.integers(10, 1000))):
        heads = int(rng.integers(1, n))
        close(number(learner.binomial_mle(heads, n)), heads / n, rtol=RTOL)


def test_binomial_mle_all_or_nothing(learner, rng):
    n = int(rng.integers(5, 200))
    close(number(learner.binomial_mle(0, n)), 0.0)
    close(number(learner.binomial_mle(n, n)), 1.0)


def test_binomial_mle_maximises_likelihood(learner, rng):
    n = int(rng.integers(20, 400))
    heads = int(rng.integers(1, n))
    p_hat = number(learner.binomial_mle(heads, n))
    best, grid, on_grid = _binomial_best(heads, n)
    reached = float(_binomial_ll(p_hat, heads, n)) if 0 <= p_hat <= 1 else -np.inf
    if reached < on_grid.max() - 1e-9 * max(1.0, abs(on_grid.max())):
        raise CheckFailure(f"{fmt(p_hat)}, but p = {fmt(grid[on_grid.argmax()])} has a higher "
                           f"log-likelihood ({fmt(on_grid.max())} > {fmt(reached)})")
    close(p_hat, best, rtol=1e-6, what="p")


@memo
def _binomial_best(heads, n):
    """The p maximising scipy's binomial likelihood, and the lesson's log-likelihood on a grid of p
    (without the binomial coefficient, a constant in p)."""
    best = optimize.minimize_scalar(lambda p: -stats.binom.logpmf(heads, n, p),
                                    bounds=(1e-12, 1 - 1e-12), method="bounded",
                                    options={"xatol": 1e-12})
    grid = np.linspace(0.001, 0.999, 999)
    return float(best.x), grid, _binomial_ll(grid, heads, n)


def test_binomial_mle_rejects_bad_counts(learner, rng):
    n = int(rng.integers(5, 100))
    heads = int(rng.integers(0, n + 1))
    number(accepts(learner.binomial_mle, heads, n))
    raises(ValueError, "n must be at least 1", learner.binomial_mle, 0, 0)
    raises(ValueError, "heads cannot be negative", learner.binomial_mle, -1, 10)
    raises(ValueError, "heads cannot exceed n", learner.binomial_mle, 11, 10)


# --- binomial_log_likelihood --------------------------------------------------

def _binomial_ll(p, heads, n):
    """heads·ln p + (n − heads)·ln(1 − p), with 0·ln 0 = 0."""
    return special.xlogy(heads, p) + special.xlog1py(n - heads, -np.asarray(p, dtype=float))


def _log_binomial_coefficient(n, heads):
    return float(special.gammaln(n + 1) - special.gammaln(heads + 1) - special.gammaln(n - heads + 1))


def test_binomial_log_likelihood_matches_scipy(learner, rng):
    # The middle n is large enough that p**heads * (1-p)**(n-heads) underflows to 0:
    # the log must be taken of each factor, not of the product.
    for n in (int(rng.integers(5, 500)), int(rng.integers(3000, 100_000)), int(rng.integers(5, 500))):
        heads = int(rng.integers(1, n))
        p = float(rng.uniform(0.02, 0.98))
        got = number(learner.binomial_log_likelihood(p, heads, n))
        close(got, _binomial_ll(p, heads, n), rtol=RTOL,
              offsets={"ln C(n, heads), the binomial coefficient": _log_binomial_coefficient(n, heads)})


def test_binomial_log_likelihood_array_of_p(learner, rng):
    # A form check: an array of p gives, element by element, what each p gives alone.
    n = int(rng.integers(5, 300))
    heads = int(rng.integers(1, n))
    p = np.sort(rng.uniform(0.01, 0.99, int(rng.integers(5, 12))))
    got = array(learner.binomial_log_likelihood(p, heads, n), p.shape)
    alone = [number(learner.binomial_log_likelihood(float(q), heads, n)) for q in p]
    agrees(list(got), alone, list(_binomial_ll(p, heads, n)), form="p in an array", plain="that p alone",
           at=[(float(q),) for q in p], names=("p",))


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
        close_array(got, np.where(np.isnan(expected), -np.inf, expected), rtol=RTOL)


def test_binomial_log_likelihood_rejects_bad_input(learner, rng):
    n, p = int(rng.integers(5, 100)), float(rng.uniform(0.1, 0.9))
    heads = int(rng.integers(0, n + 1))
    number(accepts(learner.binomial_log_likelihood, p, heads, n))
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
    close_values(got, (mu, sigma), ("mu", "sigma"), only=("mu",), rtol=RTOL, n=data.size)


def test_gaussian_mle_sigma_divides_by_n(learner, rng):
    mu, sigma = _gaussian_params(rng)
    data = _gaussian_sample(rng, int(rng.integers(5, 13)), mu, sigma)
    got = numbers(learner.gaussian_mle(data), ("mu", "sigma"))
    close_values(got, (mu, sigma), ("mu", "sigma"), only=("sigma",), rtol=RTOL, n=data.size)


def test_gaussian_mle_agrees_with_scipy(learner, rng):
    data = rng.normal(*_gaussian_params(rng), int(rng.integers(20, 300)))
    mu, sigma = _norm_fit(data)
    got = numbers(learner.gaussian_mle(data), ("mu", "sigma"))
    close_values(got, (mu, sigma), ("mu", "sigma"), rtol=RTOL, n=data.size)


def test_gaussian_mle_rejects_empty_data(learner, rng):
    data = rng.normal(*_gaussian_params(rng), int(rng.integers(2, 20)))
    numbers(accepts(learner.gaussian_mle, data), ("mu", "sigma"))
    raises(ValueError, "there is no data to estimate from", learner.gaussian_mle, np.array([]))


_norm_fit = memo(stats.norm.fit)


# --- gaussian_log_likelihood ----------------------------------------------------

@memo
def _gaussian_ll(mu, sigma, data):
    return float(stats.norm.logpdf(data, mu, sigma).sum())


@memo
def _gaussian_tolerance(mu, sigma, data):
    z = (data - mu) / sigma
    return RTOL * float(np.sum(np.abs(stats.norm.logpdf(data, mu, sigma))
                               + np.abs(z) * (np.abs(data) + abs(mu)) / sigma))


@memo
def _gaussian_mistakes(mu, sigma, data):
    """What classic mistakes compute, for naming them in a failure."""
    return {"the log-likelihood with σ in place of σ², in both of its places (σ not squared)":
            _gaussian_ll(mu, math.sqrt(sigma), data)}


def _gaussian_constants(n, sigma):
    return {"n/2·ln(2π) (the 2π term)": n / 2 * math.log(2 * math.pi)}


def _gaussian_data_sets(rng):
    """An ordinary sample; thousands of points (a product of densities underflows to 0);
    and points 40 to 60 σ from mu (their density underflows to 0, its log does not)."""
    mu, sigma = float(rng.uniform(-10, 10)), float(rng.uniform(1.5, 5.0))
    ordinary = rng.normal(mu + rng.normal(), sigma, int(rng.integers(20, 100)))
    many = rng.normal(mu, sigma, int(rng.integers(2000, 6000)))
    far = rng.normal(mu, sigma, int(rng.integers(20, 100)))
    far[:3] = mu + sigma * rng.uniform(40, 60, 3) * rng.choice([-1.0, 1.0], 3)  # density < 1e-340: 0.0
    return [(mu, sigma, ordinary), (mu, sigma, rng.permutation(many)), (mu, sigma, rng.permutation(far))]


def test_gaussian_log_likelihood_matches_scipy(learner, rng):
    for mu, sigma, data in _gaussian_data_sets(rng):
        got = number(learner.gaussian_log_likelihood(mu, sigma, data))
        close(got, _gaussian_ll(mu, sigma, data), rtol=0.0, atol=_gaussian_tolerance(mu, sigma, data),
              n=data.size, offsets=_gaussian_constants(data.size, sigma), variants=_gaussian_mistakes(mu, sigma, data))


def test_gaussian_log_likelihood_narrow(learner, rng):
    mu, sigma = float(rng.uniform(-3, 3)), float(rng.uniform(0.05, 0.5))
    data = rng.normal(mu, sigma, int(rng.integers(5, 40)))
    got = number(learner.gaussian_log_likelihood(mu, sigma, data))
    close(got, _gaussian_ll(mu, sigma, data), rtol=0.0, atol=_gaussian_tolerance(mu, sigma, data),
          n=data.size, offsets=_gaussian_constants(data.size, sigma), variants=_gaussian_mistakes(mu, sigma, data))


def test_gaussian_log_likelihood_rejects_bad_sigma(learner, rng):
    data = rng.normal(0, 1, 10)
    sigma = float(rng.uniform(0.5, 2.0))
    number(accepts(learner.gaussian_log_likelihood, 0.0, sigma, data))
    raises(ValueError, "sigma = 0 is not a valid scale", learner.gaussian_log_likelihood, 0.0, 0.0, data)
    raises(ValueError, "a negative sigma is not a valid scale",
           learner.gaussian_log_likelihood, 0.0, -1.0, data)


def test_gaussian_log_likelihood_peaks_at_mle(learner, rng):
    data = rng.normal(*_gaussian_params(rng), int(rng.integers(20, 100)))
    mle = (float(data.mean()), float(data.std()))
    mu, sigma = mle
    others = [(mu + 0.1 * sigma, sigma), (mu - 0.1 * sigma, sigma), (mu, 1.1 * sigma), (mu, 0.9 * sigma)]
    optimum_at(rng, lambda p: number(learner.gaussian_log_likelihood(p[0], p[1], data)),
               lambda p: _gaussian_ll(p[0], p[1], data), mle, others,
               atol=2 * _gaussian_tolerance(mu, sigma, data), names=("mu", "sigma"),
               what="log-likelihood", largest=True)


# --- linear_regression_nll ------------------------------------------------------

@memo
def _linear_nll(params, X, y):
    m, b, log_sigma = params
    return float(-stats.norm.logpdf(y, m * X + b, math.exp(log_sigma)).sum())


@memo
def _linear_tolerance(params, X, y):
    m, b, log_sigma = params
    sigma = math.exp(log_sigma)
    residual = y - (m * X + b)
    terms = np.abs(stats.norm.logpdf(y, m * X + b, sigma))
    return RTOL * float(np.sum(terms + np.abs(residual) * (np.abs(y) + np.abs(m * X) + abs(b)) / sigma ** 2))


def _nonzero_log_sigma(rng):
    return _away_from_zero(rng, 0.3, 1.2)


def _linear_nll_cases(rng):
    """Teaching data at random parameters, and at log_sigma = -20 and +20 (any real log_sigma is valid:
    sigma = 2e-9 and 5e8); realistic data near its fit, with an outlier whose density underflows to 0
    (its log does not)."""
    X, y = _linear_data(rng)
    teaching = (np.array([rng.normal(0, 2), rng.normal(0, 2), _nonzero_log_sigma(rng)]), X, y)
    extremes = [(np.array([rng.normal(0, 2), rng.normal(0, 2), log_sigma]), X, y) for log_sigma in (-20.0, 20.0)]
    X, y = _realistic_linear_data(rng)
    m, b, sigma = _least_squares(X, y)
    y = y.copy()
    y[int(rng.integers(0, y.size))] += 45 * sigma * rng.choice([-1.0, 1.0])
    return [teaching, *extremes, (np.array([m, b, math.log(sigma)]), X, y)]


def test_linear_regression_nll_matches_scipy(learner, rng):
    for params, X, y in _linear_nll_cases(rng):
        got = number(learner.linear_regression_nll(params, X, y))
        close(got, _linear_nll(params, X, y), rtol=0.0, atol=_linear_tolerance(params, X, y), n=y.size,
              offsets={"n/2·ln(2π) (the 2π term)": y.size / 2 * math.log(2 * math.pi)})


def test_linear_regression_nll_tuple_params(learner, rng):
    # A form check: params as a tuple or a list give what the same params as an array give.
    X, y = _linear_data(rng)
    points = [(float(rng.normal(0, 2)), float(rng.normal(0, 2)), _nonzero_log_sigma(rng)) for _ in range(2)]
    as_array = [number(learner.linear_regression_nll(np.array(p), X, y)) for p in points]
    reference = [_linear_nll(p, X, y) for p in points]
    for form, make in (("params as a tuple", tuple), ("params as a list", list)):
        values = [number(learner.linear_regression_nll(make(p), X, y)) for p in points]
        agrees(values, as_array, reference, form=form, plain="params as an array", at=points,
               names=("m", "b", "log_sigma"))


def test_linear_regression_nll_rejects_mismatched_lengths(learner, rng):
    # Lengths 1 and n broadcast in NumPy: only the learner's own check raises here.
    X, y = _linear_data(rng)
    params = np.array([1.0, 0.0, 0.0])
    number(accepts(learner.linear_regression_nll, params, X, y))
    raises(ValueError, "X and y differ in length", learner.linear_regression_nll, params, X, y[:1])
    raises(ValueError, "X and y differ in length", learner.linear_regression_nll, params, X[:1], y)


def test_linear_regression_nll_minimised_at_least_squares(learner, rng):
    X, y = _linear_data(rng)
    m, b, sigma = _least_squares(X, y)
    best = (m, b, math.log(sigma))
    others = [tuple(v + (step if j == i else 0.0) for j, v in enumerate(best))
              for i in range(3) for step in (0.1, -0.1)]
    optimum_at(rng, lambda p: number(learner.linear_regression_nll(np.array(p), X, y)),
               lambda p: _linear_nll(p, X, y), best, others, atol=2 * _linear_tolerance(best, X, y),
               names=("m", "b", "log_sigma"), best_name="the least-squares fit")


# --- fit_linear_regression_mle --------------------------------------------------

def _linear_fit_relation(got, X, y) -> str:
    """A known mistake the fit behaves like, as a clause for a failure message."""
    m, b, sigma = _least_squares(X, y)
    through_origin = float(np.sum(X * y) / np.sum(X * X))
    if abs(got[1]) <= 1e-9 and abs(got[0] - through_origin) <= 1e-4 * abs(through_origin):
        return ": it is the best line through the origin; fit the intercept b too"
    if abs(got[0] - b) <= 1e-4 * abs(b) and abs(got[1] - m) <= 1e-4 * abs(m):
        return ": m and b are swapped; return (m, b, sigma) in that order"
    return ""


def _linear_stopped(got, X, y) -> str:
    """Where a line stopped against the data and the least-squares line, and the NLL's gradient in (m, b) there."""
    m, b, _ = _least_squares(X, y)
    residual = y - got[0] * X - got[1]
    rss = float(np.sum(residual ** 2))
    if not 0 < rss < math.inf:
        return ""
    gradient = (-X.size * float(np.sum(residual * X)) / rss, -X.size * float(np.sum(residual)) / rss)
    centre = float(X.mean())
    where = (f"with the line at {fmt(got[0] * centre + got[1])} at the data's centre x = {fmt(centre)} "
             f"(least squares: {fmt(m * centre + b)}; X from {fmt(X.min())} to {fmt(X.max())})")
    return stopped_early(gradient, ("m", "b"), where)


def test_fit_linear_regression_slope_and_intercept(learner, rng):
    for X, y in _fit_data_sets(rng):
        m, b, _ = _least_squares(X, y)
        got = numbers(learner.fit_linear_regression_mle(X, y), ("m", "b", "sigma"))
        rss, best_rss = np.sum((y - got[0] * X - got[1]) ** 2), np.sum((y - m * X - b) ** 2)
        # The NLL gap of (m, b) with sigma at its best for that line: n/2 ln(RSS / RSS_min).
        gap = X.size / 2 * math.log(rss / best_rss) if math.isfinite(rss) else math.inf
        near_minimum(gap, got[:2], (m, b), ("m", "b"), note="(least squares)",
                     relation=lambda: _linear_fit_relation(got, X, y), stopped=lambda: _linear_stopped(got, X, y))


def test_fit_linear_regression_sigma(learner, rng):
    for X, y in _fit_data_sets(rng):
        got_m, got_b, got_sigma = numbers(learner.fit_linear_regression_mle(X, y), ("m", "b", "sigma"))
        # Judged at the learner's own line, so an error in m or b does not cost this check:
        # the NLL gap between the learner's sigma and the best sigma for that line.
        with np.errstate(all="ignore"):
            best = float(np.sqrt(np.mean((y - got_m * X - got_b) ** 2)))
        ratio = got_sigma / best if 0 < best < math.inf else math.nan
        gap = X.size * (math.log(ratio) + 0.5 / ratio ** 2 - 0.5) if 0 < ratio < math.inf else math.inf
        if not gap <= NLL_GAP:
            variants = {"sigma with n - 2 in the denominator": best * math.sqrt(X.size / (X.size - 2)),
                        "log(sigma), not sigma": math.log(best)} if 0 < best < math.inf else {}
            close(got_sigma, best, rtol=0.0, atol=0.0, what="sigma", n=X.size, variants=variants)
            raise CheckFailure(f"sigma {fmt(got_sigma)}; expected the root mean squared residual of "
                               f"that line, {fmt(best)}, a positive, finite number")


def test_fit_linear_regression_reaches_maximum_likelihood(learner, rng):
    for X, y in _fit_data_sets(rng):
        m, b, sigma = _least_squares(X, y)
        got = numbers(learner.fit_linear_regression_mle(X, y), ("m", "b", "sigma"))
        if not got[2] > 0:
            raise CheckFailure(f"sigma = {fmt(got[2])}; expected a positive scale")
        gap = _linear_nll((got[0], got[1], math.log(got[2])), X, y) - _linear_nll((m, b, math.log(sigma)), X, y)
        near_minimum(gap, got, (m, b, sigma), ("m", "b", "sigma"), relation=lambda: _linear_fit_relation(got, X, y),
                     stopped=lambda: _linear_stopped(got, X, y))


# --- logistic_nll ---------------------------------------------------------------

@memo
def _logistic_reference(w, b, X, y):
    z = w * X + b
    return float(-np.sum(y * special.log_expit(z) + (1 - y) * special.log_expit(-z)))


@memo
def _logistic_tolerance(w, b, X, y):
    z = w * X + b
    terms = np.logaddexp(0.0, z) - y * z
    return RTOL * float(np.sum(np.abs(terms) + np.abs(special.expit(z) - y) * (np.abs(w * X) + abs(b))))


@memo
def _logistic_mistakes(w, b, X, y):
    return {"the NLL with b = 0 (the bias is left out)": _logistic_reference(w, 0.0, X, y),
            "the NLL with w and b swapped": _logistic_reference(b, w, X, y)}


def _logistic_nll_cases(rng):
    X, y = _logistic_data(rng)
    teaching = (float(rng.uniform(-3, 3)), _away_from_zero(rng, 0.5, 2.0), X, y)
    X, y = _realistic_logistic_data(rng)
    w, b = _logistic_fit(X, y)
    return [teaching, (float(w) * rng.uniform(0.5, 1.5), float(b) * rng.uniform(0.5, 1.5), X, y)]


def test_logistic_nll_matches_scipy(learner, rng):
    for w, b, X, y in _logistic_nll_cases(rng):
        got = number(learner.logistic_nll(np.array([w, b]), X, y))
        close(got, _logistic_reference(w, b, X, y), rtol=0.0, atol=_logistic_tolerance(w, b, X, y), n=y.size,
              variants=_logistic_mistakes(w, b, X, y))


def test_logistic_nll_large_z(learner, rng):
    # Scores of ±50, ±700 and ±1000, with at least one point of each large size on the
    # wrong side (its NLL is about |z|): clipping the probability before the log, or
    # ln(1 + exp(z)) computed directly, cannot come close.
    z = np.array([-1000.0, -700.0, -50.0, 50.0, 700.0, 1000.0])
    wrong = np.array([True, False, bool(rng.integers(2)), bool(rng.integers(2)), True, False])
    wrong = wrong if rng.integers(2) else wrong[::-1]
    y = np.where(wrong, z < 0, z > 0).astype(float)
    order = rng.permutation(z.size)
    X, y = z[order], y[order]
    got = number(learner.logistic_nll((1.0, 0.0), X, y))
    close(got, _logistic_reference(1.0, 0.0, X, y), rtol=0.0, atol=_logistic_tolerance(1.0, 0.0, X, y))


def test_logistic_nll_column_input(learner, rng):
    # A form check: X as an n x 1 column gives what the same X 1-D gives.
    X, y = _logistic_data(rng)
    points = [(float(rng.uniform(-3, 3)), _away_from_zero(rng, 0.5, 2.0)) for _ in range(2)]
    column = [number(learner.logistic_nll(p, X.reshape(-1, 1), y)) for p in points]
    flat = [number(learner.logistic_nll(p, X, y)) for p in points]
    agrees(column, flat, [_logistic_reference(*p, X, y) for p in points], form="X as an n × 1 column",
           plain="X 1-D", at=points, names=("w", "b"))


def test_logistic_nll_rejects_mismatched_lengths(learner, rng):
    # Lengths 1 and n broadcast in NumPy: only the learner's own check raises here.
    X, y = _logistic_data(rng)
    number(accepts(learner.logistic_nll, (1.0, 0.5), X, y))
    raises(ValueError, "X and y differ in length", learner.logistic_nll, (1.0, 0.5), X, y[:1])
    raises(ValueError, "X and y differ in length", learner.logistic_nll, (1.0, 0.5), X[:1], y)


def test_logistic_nll_minimised_at_mle(learner, rng):
    X, y = _logistic_data(rng)
    best = tuple(float(v) for v in _logistic_fit(X, y))
    others = [(best[0] + 0.2, best[1]), (best[0] - 0.2, best[1]), (best[0], best[1] + 0.2), (best[0], best[1] - 0.2)]
    optimum_at(rng, lambda p: number(learner.logistic_nll(np.array(p), X, y)),
               lambda p: _logistic_reference(p[0], p[1], X, y), best, others,
               atol=2 * _logistic_tolerance(best[0], best[1], X, y), names=("w", "b"))


# --- fit_logistic_mle -----------------------------------------------------------

def test_fit_logistic_mle_agrees_with_scipy(learner, rng):
    for X, y in (_logistic_data(rng), _realistic_logistic_data(rng)):
        _judge_logistic_fit(learner, X, y)


def test_fit_logistic_mle_zero_gradient(learner, rng):
    for X, y in (_logistic_data(rng), _realistic_logistic_data(rng)):
        w, b = numbers(learner.fit_logistic_mle(X, y), ("w", "b"))
        gradient = _logistic_gradient((w, b), X, y)
        # Newton decrement: how far above its minimum the NLL still is, judged from the slope there.
        hessian = _logistic_hessian((w, b), X)
        with np.errstate(all="ignore"):
            decrement = 0.5 * gradient @ np.linalg.lstsq(hessian, gradient, rcond=None)[0] \
                if np.isfinite(hessian).all() and np.isfinite(gradient).all() else math.inf
        if not decrement <= NLL_GAP or not np.linalg.matrix_rank(hessian) == 2:
            relation = _logistic_fit_relation((w, b), X, y)
            stopped = not relation and np.isfinite(gradient).all()
            where = f": the optimiser stopped before the minimum, {decision_boundary((w, b), _logistic_fit(X, y), X)}"
            raise CheckFailure(f"(w, b) = ({fmt(w)}, {fmt(b)}), where the NLL's gradient is "
                               f"({fmt(gradient[0])}, {fmt(gradient[1])}); at the MLE it is zero"
                               f"{where if stopped else relation}", hint=OPTIMISER_ADVICE if stopped else None)


def test_fit_logistic_mle_strong_bias(learner, rng):
    for X, y in (_logistic_data(rng, b_low=1.5, b_high=2.5), _realistic_logistic_data(rng, shift=1.5)):
        _judge_logistic_fit(learner, X, y)
