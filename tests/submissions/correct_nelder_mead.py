"""Correct: the fits minimise the NLL with Nelder-Mead, started where the data is, run until it converges."""
import numpy as np
from scipy.optimize import minimize


def binomial_mle(heads, n):
    if not (n >= 1 and 0 <= heads <= n):
        raise ValueError("bad counts")
    return heads / n


def binomial_log_likelihood(p, heads, n):
    if not (n >= 1 and 0 <= heads <= n):
        raise ValueError("bad counts")
    p = np.asarray(p, dtype=float)
    if np.any((p < 0) | (p > 1)):
        raise ValueError("p outside [0, 1]")
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(heads == 0, 0.0, heads * np.log(p))
        b = np.where(n - heads == 0, 0.0, (n - heads) * np.log1p(-p))
    out = a + b
    return out if out.ndim else float(out)


def gaussian_mle(data):
    if len(data) == 0:
        raise ValueError("empty")
    return np.mean(data), np.std(data)


def gaussian_log_likelihood(mu, sigma, data):
    if sigma <= 0:
        raise ValueError("sigma must be positive")
    n = len(data)
    return -n / 2 * np.log(2 * np.pi * sigma ** 2) - np.sum((data - mu) ** 2) / (2 * sigma ** 2)


def linear_regression_nll(params, X, y):
    m, b, log_sigma = params
    if len(X) != len(y):
        raise ValueError("lengths differ")
    sigma = np.exp(log_sigma)
    return len(y) / 2 * np.log(2 * np.pi * sigma ** 2) + np.sum((y - (m * X + b)) ** 2) / (2 * sigma ** 2)


def fit_linear_regression_mle(X, y):
    start = [0.0, np.mean(y), np.log(np.std(y))]
    result = minimize(linear_regression_nll, x0=start, args=(X, y), method="Nelder-Mead",
                      options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20000, "maxfev": 20000})
    m, b, log_sigma = result.x
    return m, b, np.exp(log_sigma)


def logistic_nll(params, X, y):
    w, b = params
    X = np.ravel(X)
    if len(X) != len(y):
        raise ValueError("lengths differ")
    z = w * X + b
    return np.sum(np.logaddexp(0, z) - y * z)


def fit_logistic_mle(X, y):
    result = minimize(logistic_nll, x0=[0.0, 0.0], args=(X, y), method="Nelder-Mead",
                      options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20000, "maxfev": 20000})
    return tuple(result.x)
