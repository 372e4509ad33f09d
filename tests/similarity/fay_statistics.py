"""Kata 10.2: maximum likelihood estimation.

Fill in each function below, then run ``kata check 10.2``. The lesson is in
README.md beside this file. You may use NumPy, SciPy and the standard library.
"""

import numpy as np
import statistics
from math import log, pi, exp, sqrt, inf


def binomial_mle(heads, n):
    """Maximum likelihood estimate of the success probability p.

    ``heads`` successes were observed in ``n`` independent trials.

    Returns:
        float: heads / n.

    Raises:
        ValueError: unless n >= 1 and 0 <= heads <= n.
    """
    if type(n) is bool or n < 1 or heads < 0 or heads > n:
        raise ValueError('n >= 1 and 0 <= heads <= n required')
    return heads / n


def binomial_log_likelihood(p, heads, n):
    """Log-likelihood of p for one observed sequence of ``n`` trials with ``heads`` successes.

        heads * ln(p) + (n - heads) * ln(1 - p)

    This is the log-probability of the observed sequence, so it has no binomial
    coefficient. Use the convention 0 * ln(0) = 0: data that is impossible under p
    (a head when p = 0, say) gives -inf, never nan.

    Args:
        p: a float, or a NumPy array of probabilities.
        heads, n: the observed counts.

    Returns:
        A float when p is a float; an array shaped like p when p is an array.

    Raises:
        ValueError: if any p lies outside [0, 1], or unless n >= 1 and 0 <= heads <= n.
    """
    if n < 1 or heads < 0 or heads > n:
        raise ValueError('n >= 1 and 0 <= heads <= n required')
    def term(count, prob):
        if count == 0:
            return 0.0
        return count * log(prob) if prob > 0 else -inf
    def loglik(prob):
        if not 0 <= prob <= 1:
            raise ValueError('p must be a probability')
        return term(heads, prob) + term(n - heads, 1 - prob)
    if np.ndim(p) == 0:
        return loglik(float(p))
    return np.vectorize(loglik, otypes=[float])(p)


def gaussian_mle(data):
    """Maximum likelihood estimates (mu, sigma) of a normal distribution.

    Args:
        data: a 1-D NumPy array of observations.

    Returns:
        (mu, sigma): the sample mean and the square root of the mean squared
        deviation from it (divide by n, not n - 1). sigma, not the variance.

    Raises:
        ValueError: if data is empty.
    """
    values = list(map(float, data))
    if len(values) == 0:
        raise ValueError('empty')
    return statistics.fmean(values), statistics.pstdev(values)


def gaussian_log_likelihood(mu, sigma, data):
    """Log-likelihood of (mu, sigma) for ``data`` under a normal distribution.

        -n/2 * ln(2 * pi * sigma**2) - sum((x - mu)**2) / (2 * sigma**2)

    Args:
        mu, sigma: the parameters (floats).
        data: a 1-D NumPy array of observations.

    Returns:
        float: the log-likelihood, summed over the data. It must stay finite
        for thousands of points and for points far from mu: a product of
        densities, or one density far out, underflows to 0.

    Raises:
        ValueError: if sigma <= 0.
    """
    if not sigma > 0:
        raise ValueError('sigma must be positive')
    values = np.asarray(data, dtype=float)
    return float(-0.5 * values.size * log(2 * pi * sigma * sigma) - np.sum(np.square(values - mu)) / (2 * sigma * sigma))


def linear_regression_nll(params, X, y):
    """Negative log-likelihood of a line with Gaussian noise.

    The model is y = m * X + b + noise, noise ~ N(0, sigma**2), with
    sigma = exp(log_sigma) so that an optimiser may try any real log_sigma:

        n/2 * ln(2 * pi * sigma**2) + sum((y - (m * X + b))**2) / (2 * sigma**2)

    Args:
        params: a sequence (m, b, log_sigma): a tuple, list or NumPy array.
        X, y: 1-D NumPy arrays of the same length.

    Returns:
        float: the negative log-likelihood, summed over the data.

    Raises:
        ValueError: if X and y differ in length (NumPy would broadcast an
            array of length 1 silently: check the lengths yourself).
    """
    slope, icpt, log_sd = (float(v) for v in params)
    xs, ys = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    if xs.shape != ys.shape:
        raise ValueError('X and y lengths differ')
    var = exp(2 * log_sd)
    return float(len(xs) * 0.5 * log(2 * pi * var) + np.sum(np.square(ys - slope * xs - icpt)) / (2 * var))


def fit_linear_regression_mle(X, y):
    """Maximum likelihood estimates (m, b, sigma) of the model above.

    They are the least-squares slope and intercept, and sigma is the square root
    of the mean squared residual. Solve in closed form, or minimise
    ``linear_regression_nll`` numerically (scipy.optimize.minimize, started
    where the data is).

    Args:
        X, y: 1-D NumPy arrays of the same length, on any scale (X need not be
            near 0; n may be in the hundreds).

    Returns:
        (m, b, sigma) whose negative log-likelihood is within 0.001 of its
        minimum (about 0.05 standard errors from the MLE): a fit is judged by
        the likelihood it reaches, not by its digits.
    """
    xs, ys = list(map(float, X)), list(map(float, y))
    slope, icpt = statistics.linear_regression(xs, ys)
    mse = statistics.fmean([(b - slope * a - icpt) ** 2 for a, b in zip(xs, ys)])
    return slope, icpt, sqrt(mse)


def logistic_nll(params, X, y):
    """Negative log-likelihood of logistic regression (the summed binary cross-entropy).

    With z = w * x + b and P(y = 1 | x) = 1 / (1 + exp(-z)):

        sum(ln(1 + exp(z)) - y * z)

    Compute ln(1 + exp(z)) in a way that stays finite and accurate for |z| up
    to 1000 (exp(1000) overflows a float).

    Args:
        params: a sequence (w, b).
        X: the inputs, a 1-D NumPy array (or an n x 1 array).
        y: labels, a 1-D NumPy array of 0s and 1s.

    Returns:
        float: the negative log-likelihood, summed over the data.

    Raises:
        ValueError: if X and y differ in length (check it yourself, as above).
    """
    w, b = params
    xs = np.asarray(X, dtype=float).flatten()
    ys = np.asarray(y, dtype=float)
    if xs.shape != ys.shape:
        raise ValueError('X and y lengths differ')
    z = w * xs + b
    return float(np.sum(np.where(z > 0, z + np.log1p(np.exp(-z)), np.log1p(np.exp(z))) - ys * z))


def fit_logistic_mle(X, y):
    """Maximum likelihood estimates (w, b) of logistic regression.

    The minimiser of ``logistic_nll`` (the data is not linearly separable, so
    it exists). Newton's method, gradient descent or scipy.optimize.minimize all
    work.

    Args:
        X: a 1-D NumPy array of inputs, on any scale (X need not be near 0;
            n may be in the hundreds).
        y: a 1-D NumPy array of 0/1 labels.

    Returns:
        (w, b) whose negative log-likelihood is within 0.001 of its minimum.
    """
    from scipy.optimize import minimize
    xs = np.asarray(X, dtype=float).flatten()
    ys = np.asarray(y, dtype=float)
    m, s = xs.mean(), xs.std()
    u = (xs - m) / s
    def grad(theta):
        pr = 1 / (1 + np.exp(-(theta[0] * u + theta[1])))
        return np.array([np.dot(pr - ys, u), np.sum(pr - ys)])
    best = minimize(logistic_nll, [0.0, 0.0], args=(u, ys), jac=grad, method='L-BFGS-B', tol=1e-12)
    a, c = best.x
    return a / s, c - a * m / s
