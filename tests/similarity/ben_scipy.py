"""Kata 10.2: maximum likelihood estimation.

Fill in each function below, then run ``kata check 10.2``. The lesson is in
README.md beside this file. You may use NumPy, SciPy and the standard library.
"""

import numpy as np
from scipy import stats, optimize


def binomial_mle(heads, n):
    """Maximum likelihood estimate of the success probability p.

    ``heads`` successes were observed in ``n`` independent trials.

    Returns:
        float: heads / n.

    Raises:
        ValueError: unless n >= 1 and 0 <= heads <= n.
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    if heads < 0 or heads > n:
        raise ValueError("heads must be between 0 and n")
    return float(heads) / float(n)


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
    if n < 1:
        raise ValueError("n must be at least 1")
    if heads < 0 or heads > n:
        raise ValueError("heads must be between 0 and n")
    arr = np.array(p, dtype=float, ndmin=0)
    if ((arr < 0) | (arr > 1)).any() or np.isnan(arr).any():
        raise ValueError("probabilities must be in [0, 1]")
    # logpmf of Bernoulli for each trial, summed: no binomial coefficient
    out = heads * stats.bernoulli.logpmf(1, arr) + (n - heads) * stats.bernoulli.logpmf(0, arr)
    out = np.where((heads == 0) & (arr == 0), (n - heads) * stats.bernoulli.logpmf(0, arr), out)
    out = np.where((heads == n) & (arr == 1), heads * stats.bernoulli.logpmf(1, arr), out)
    if np.ndim(p) == 0:
        return float(out)
    return out


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
    if len(data) == 0:
        raise ValueError("data is empty")
    loc, scale = stats.norm.fit(data)
    return loc, scale


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
        raise ValueError("sigma has to be positive")
    return float(stats.norm(loc=mu, scale=sigma).logpdf(data).sum())


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
    m, b, log_sigma = params
    if len(X) != len(y):
        raise ValueError("X and y need the same length")
    predicted = m * np.asarray(X) + b
    return -float(stats.norm.logpdf(y, loc=predicted, scale=np.exp(log_sigma)).sum())


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
    res = stats.linregress(X, y)
    predictions = res.slope * np.asarray(X) + res.intercept
    sig = np.sqrt(np.mean((np.asarray(y) - predictions) ** 2))
    return res.slope, res.intercept, sig


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
    X = np.reshape(X, -1)
    if len(X) != len(y):
        raise ValueError("X and y need the same length")
    logits = w * X + b
    # log(1 + e^z) computed stably with logaddexp
    return float(np.sum(np.logaddexp(0.0, logits)) - np.dot(y, logits))


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
    X = np.reshape(np.asarray(X, dtype=float), -1)
    center, spread = X.mean(), X.std()
    Xs = (X - center) / spread
    result = optimize.minimize(logistic_nll, x0=[0.0, 0.0], args=(Xs, y), method="BFGS", options={"gtol": 1e-10})
    w_s, b_s = result.x
    return w_s / spread, b_s - w_s * center / spread
