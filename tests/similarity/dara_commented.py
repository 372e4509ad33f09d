"""Kata 10.2: maximum likelihood estimation.

Fill in each function below, then run ``kata check 10.2``. The lesson is in
README.md beside this file. You may use NumPy, SciPy and the standard library.
"""

import numpy as np
import scipy.optimize as opt

LOG_2PI = np.log(2.0 * np.pi)  # used by both Gaussian likelihoods


def binomial_mle(heads, n):
    """Maximum likelihood estimate of the success probability p.

    ``heads`` successes were observed in ``n`` independent trials.

    Returns:
        float: heads / n.

    Raises:
        ValueError: unless n >= 1 and 0 <= heads <= n.
    """
    # Validate the counts first: the estimate only makes sense for real data.
    valid_n = n >= 1
    valid_heads = 0 <= heads <= n
    if not (valid_n and valid_heads):
        raise ValueError(f"invalid counts: heads={heads}, n={n}")
    # The MLE is simply the observed fraction of successes.
    estimate = heads / n
    return estimate


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
    # Same validation as above.
    if not (n >= 1 and 0 <= heads <= n):
        raise ValueError(f"invalid counts: heads={heads}, n={n}")
    p_values = np.asarray(p, dtype=np.float64)
    out_of_range = (p_values < 0.0) | (p_values > 1.0) | np.isnan(p_values)
    if out_of_range.any():
        raise ValueError("probability out of range")
    tails = n - heads
    # Use the 0 * log(0) = 0 convention by masking the zero counts.
    with np.errstate(divide="ignore"):
        head_part = np.where(heads > 0, heads * np.log(p_values), 0.0)
        tail_part = np.where(tails > 0, tails * np.log1p(-p_values), 0.0)
    total = head_part + tail_part
    if np.isscalar(p) or p_values.ndim == 0:
        return float(total)
    return total


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
    observations = np.asarray(data, dtype=np.float64)
    if observations.size == 0:
        raise ValueError("need at least one observation")
    # The mean is the MLE of mu.
    mu_hat = np.mean(observations)
    # The MLE of the variance divides by n (ddof=0), then we take the root.
    variance_hat = np.mean(np.square(observations - mu_hat))
    sigma_hat = np.sqrt(variance_hat)
    return float(mu_hat), float(sigma_hat)


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
        raise ValueError("sigma must be strictly positive")
    observations = np.asarray(data, dtype=np.float64)
    count = observations.size
    # Work with logs throughout so nothing underflows.
    squared_error = np.sum(np.square(observations - mu))
    log_norm = -0.5 * count * (LOG_2PI + 2.0 * np.log(sigma))
    return float(log_norm - squared_error / (2.0 * sigma ** 2))


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
    slope, offset, log_sigma = params
    inputs = np.asarray(X, dtype=np.float64)
    targets = np.asarray(y, dtype=np.float64)
    # Guard against silent broadcasting.
    if inputs.shape[0] != targets.shape[0]:
        raise ValueError("X and y must have equal length")
    count = targets.size
    variance = np.exp(2.0 * log_sigma)
    squared_error = np.sum(np.square(targets - (slope * inputs + offset)))
    return float(0.5 * count * (LOG_2PI + np.log(variance)) + squared_error / (2.0 * variance))


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
    inputs = np.asarray(X, dtype=np.float64)
    targets = np.asarray(y, dtype=np.float64)
    # Start the optimiser where the data is, as the lesson suggests.
    start = np.array([0.0, targets.mean(), np.log(targets.std() + 1e-12)])
    # Centre the inputs so the problem is well conditioned.
    centre = inputs.mean()
    fitted = opt.minimize(linear_regression_nll, start, args=(inputs - centre, targets),
                          method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20000})
    slope, offset, log_sigma = fitted.x
    return float(slope), float(offset - slope * centre), float(np.exp(log_sigma))


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
    weight, bias = params
    inputs = np.asarray(X, dtype=np.float64).reshape(-1)
    labels = np.asarray(y, dtype=np.float64)
    if inputs.shape[0] != labels.shape[0]:
        raise ValueError("X and y must have equal length")
    scores = weight * inputs + bias
    # ln(1 + e^z) = max(z, 0) + ln(1 + e^-|z|): finite for any z.
    softplus = np.maximum(scores, 0.0) + np.log1p(np.exp(-np.abs(scores)))
    return float(np.sum(softplus - labels * scores))


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
    inputs = np.asarray(X, dtype=np.float64).reshape(-1)
    labels = np.asarray(y, dtype=np.float64)
    # Standardise, fit, then map the parameters back.
    centre, scale = inputs.mean(), inputs.std()
    standardised = (inputs - centre) / scale
    fitted = opt.minimize(logistic_nll, np.zeros(2), args=(standardised, labels),
                          method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20000})
    weight, bias = fitted.x
    return float(weight / scale), float(bias - weight * centre / scale)
