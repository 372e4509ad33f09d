"""Kata 10.2: maximum likelihood estimation.

Fill in each function below, then run ``kata check 10.2``. The lesson is in
README.md beside this file. You may use NumPy, SciPy and the standard library.
"""

import numpy as np
from scipy.special import log_expit


def binomial_mle(heads, n):
    """Maximum likelihood estimate of the success probability p.

    ``heads`` successes were observed in ``n`` independent trials.

    Returns:
        float: heads / n.

    Raises:
        ValueError: unless n >= 1 and 0 <= heads <= n.
    """
    n = int(n)
    if n < 1 or not 0 <= heads <= n:
        raise ValueError
    return heads / float(n)


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
    if n < 1 or not 0 <= heads <= n:
        raise ValueError
    prob = np.array(p, dtype=float)
    if np.logical_or(prob < 0, prob > 1).any():
        raise ValueError
    with np.errstate(divide='ignore', invalid='ignore'):
        a = np.where(heads == 0, 0, heads * np.log(prob))
        b = np.where(n == heads, 0, (n - heads) * np.log(1 - prob))
    value = a + b
    return value if prob.ndim else value.item()


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
    arr = np.array(data, dtype=float)
    if arr.size == 0:
        raise ValueError
    center = arr.sum() / arr.size
    spread = np.sqrt(np.dot(arr - center, arr - center) / arr.size)
    return center, spread


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
        raise ValueError
    arr = np.array(data, dtype=float)
    dev = arr - mu
    return -(np.dot(dev, dev) / (2 * sigma * sigma) + arr.size * np.log(np.sqrt(2 * np.pi) * sigma))


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
    theta = np.array(params, dtype=float)
    design = np.column_stack((np.asarray(X, dtype=float), np.ones(len(X))))
    target = np.asarray(y, dtype=float)
    if design.shape[0] != target.shape[0]:
        raise ValueError
    r = target - design @ theta[:2]
    v = np.exp(2 * theta[2])
    return -(r @ r / (2 * v) + 0.5 * len(r) * np.log(2 * np.pi * v))


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
    design = np.column_stack((np.asarray(X, dtype=float), np.ones(len(X))))
    target = np.asarray(y, dtype=float)
    coef = np.linalg.solve(design.T @ design, design.T @ target)
    r = target - design @ coef
    return coef[0], coef[1], np.sqrt(r @ r / len(r))


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
    theta = np.array(params, dtype=float)
    design = np.column_stack((np.asarray(X, dtype=float).reshape(-1), np.ones(np.size(X))))
    target = np.asarray(y, dtype=float)
    if design.shape[0] != target.shape[0]:
        raise ValueError
    z = design @ theta
    return -np.sum(target * log_expit(z) + (1 - target) * log_expit(-z))


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
    design = np.column_stack((np.asarray(X, dtype=float).reshape(-1), np.ones(np.size(X))))
    target = np.asarray(y, dtype=float)
    theta = np.zeros(2)
    for k in range(40):
        pr = 1 / (1 + np.exp(-design @ theta))
        W = pr * (1 - pr)
        theta = theta + np.linalg.pinv(design.T @ (W[:, None] * design)) @ design.T @ (target - pr)
    return theta[0], theta[1]
