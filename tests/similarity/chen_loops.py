"""Kata 10.2: maximum likelihood estimation.

Fill in each function below, then run ``kata check 10.2``. The lesson is in
README.md beside this file. You may use NumPy, SciPy and the standard library.
"""

import numpy as np
import math


def binomial_mle(heads, n):
    """Maximum likelihood estimate of the success probability p.

    ``heads`` successes were observed in ``n`` independent trials.

    Returns:
        float: heads / n.

    Raises:
        ValueError: unless n >= 1 and 0 <= heads <= n.
    """
    if n <= 0 or heads < 0 or heads > n:
        raise ValueError()
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
    if n <= 0 or heads < 0 or heads > n:
        raise ValueError()

    def single(q):
        if q < 0 or q > 1 or q != q:
            raise ValueError()
        s = 0.0
        if heads > 0:
            s += heads * math.log(q) if q > 0 else -math.inf
        if n - heads > 0:
            s += (n - heads) * math.log(1 - q) if q < 1 else -math.inf
        return s

    if isinstance(p, np.ndarray):
        out = np.empty(p.shape)
        for idx in np.ndindex(p.shape):
            out[idx] = single(float(p[idx]))
        return out
    return single(p)


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
    n = len(data)
    if n == 0:
        raise ValueError()
    total = 0.0
    for v in data:
        total += v
    avg = total / n
    sq = 0.0
    for v in data:
        sq += (v - avg) * (v - avg)
    return avg, math.sqrt(sq / n)


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
        raise ValueError()
    acc = 0.0
    for v in data:
        acc += (v - mu) ** 2
    n = len(data)
    return -n / 2 * math.log(2 * math.pi) - n * math.log(sigma) - acc / (2 * sigma ** 2)


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
    if len(X) != len(y):
        raise ValueError()
    m, b, ls = params[0], params[1], params[2]
    s2 = math.exp(2 * ls)
    acc = 0.0
    for xi, yi in zip(X, y):
        acc += (yi - m * xi - b) ** 2
    n = len(X)
    return n / 2 * math.log(2 * math.pi * s2) + acc / (2 * s2)


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
    n = len(X)
    mx = sum(X) / n
    my = sum(y) / n
    sxy = 0.0
    sxx = 0.0
    for xi, yi in zip(X, y):
        sxy += (xi - mx) * (yi - my)
        sxx += (xi - mx) ** 2
    m = sxy / sxx
    b = my - m * mx
    rss = 0.0
    for xi, yi in zip(X, y):
        rss += (yi - m * xi - b) ** 2
    return m, b, math.sqrt(rss / n)


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
    xs = [float(v) for v in np.ravel(X)]
    if len(xs) != len(y):
        raise ValueError()
    w, b = params
    total = 0.0
    for xi, yi in zip(xs, y):
        z = w * xi + b
        if z > 0:
            softplus = z + math.log1p(math.exp(-z))
        else:
            softplus = math.log1p(math.exp(z))
        total += softplus - yi * z
    return total


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
    xs = [float(v) for v in np.ravel(X)]
    w, b = 0.0, 0.0
    for it in range(100):
        gw = gb = hww = hwb = hbb = 0.0
        for xi, yi in zip(xs, y):
            pr = 1 / (1 + math.exp(-(w * xi + b))) if w * xi + b > -700 else 0.0
            gw += (pr - yi) * xi
            gb += pr - yi
            r = pr * (1 - pr)
            hww += r * xi * xi
            hwb += r * xi
            hbb += r
        det = hww * hbb - hwb * hwb
        dw = (hbb * gw - hwb * gb) / det
        db = (hww * gb - hwb * gw) / det
        w, b = w - dw, b - db
        if abs(dw) + abs(db) < 1e-13:
            break
    return w, b
