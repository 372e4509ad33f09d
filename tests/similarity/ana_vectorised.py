"""Kata 10.2: maximum likelihood estimation.

Fill in each function below, then run ``kata check 10.2``. The lesson is in
README.md beside this file. You may use NumPy, SciPy and the standard library.
"""

import numpy as np
from scipy.special import xlogy, expit


def binomial_mle(heads, n):
    """Maximum likelihood estimate of the success probability p.

    ``heads`` successes were observed in ``n`` independent trials.

    Returns:
        float: heads / n.

    Raises:
        ValueError: unless n >= 1 and 0 <= heads <= n.
    """
    if not (n >= 1 and 0 <= heads <= n):
        raise ValueError("bad counts")
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
    if not (n >= 1 and 0 <= heads <= n):
        raise ValueError("bad counts")
    probs = np.asarray(p, dtype=float)
    if np.any(probs < 0) or np.any(probs > 1) or np.any(np.isnan(probs)):
        raise ValueError("p outside [0, 1]")
    ll = xlogy(heads, probs) + xlogy(n - heads, 1.0 - probs)
    return ll.item() if ll.ndim == 0 else ll


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
    x = np.asarray(data, dtype=float)
    if x.size == 0:
        raise ValueError("empty data")
    return x.mean(), x.std()


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
    if sigma <= 0:
        raise ValueError("sigma must be > 0")
    x = np.asarray(data, dtype=float)
    z = (x - mu) / sigma
    return -0.5 * np.sum(z ** 2) - x.size * (np.log(sigma) + 0.5 * np.log(2 * np.pi))


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
    slope, intercept, log_s = params
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if len(X) != len(y):
        raise ValueError("length mismatch")
    resid = y - slope * X - intercept
    return 0.5 * len(y) * np.log(2 * np.pi) + len(y) * log_s + 0.5 * np.sum(resid ** 2) * np.exp(-2 * log_s)


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
    slope, intercept = np.polyfit(X, y, 1)
    resid = y - (slope * X + intercept)
    return slope, intercept, np.sqrt(np.mean(resid ** 2))


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
    X = np.asarray(X, dtype=float).ravel()
    y = np.asarray(y, dtype=float)
    if X.shape[0] != y.shape[0]:
        raise ValueError("length mismatch")
    z = w * X + b
    return np.sum(np.logaddexp(0, z) - y * z)


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
    X = np.asarray(X, dtype=float).ravel()
    A = np.stack([X, np.ones_like(X)], axis=1)
    beta = np.zeros(2)
    for _ in range(50):
        mu = expit(A @ beta)
        grad = A.T @ (y - mu)
        H = (A * (mu * (1 - mu))[:, None]).T @ A
        beta = beta + np.linalg.solve(H, grad)
    return beta[0], beta[1]
