"""Kata 10.2, maximum likelihood estimation: reference solution."""

import numpy as np
from scipy.special import xlogy


def binomial_mle(heads, n):
    """Maximum likelihood estimate of p from ``heads`` successes in ``n`` trials."""
    if n < 1 or heads < 0 or heads > n:
        raise ValueError(f"need n >= 1 and 0 <= heads <= n, got heads={heads}, n={n}")
    return heads / n


def binomial_log_likelihood(p, heads, n):
    """Log-likelihood of one sequence with ``heads`` successes in ``n`` trials."""
    if n < 1 or heads < 0 or heads > n:
        raise ValueError(f"need n >= 1 and 0 <= heads <= n, got heads={heads}, n={n}")
    p_array = np.asarray(p, dtype=float)
    if np.any((p_array < 0) | (p_array > 1) | np.isnan(p_array)):
        raise ValueError("every p must lie in [0, 1]")
    result = xlogy(heads, p_array) + xlogy(n - heads, 1 - p_array)
    return float(result) if result.ndim == 0 else result


def gaussian_mle(data):
    """Maximum likelihood estimates (mu, sigma) of a normal distribution."""
    data = np.asarray(data, dtype=float)
    if data.size == 0:
        raise ValueError("cannot estimate from empty data")
    mu = data.mean()
    sigma = np.sqrt(np.mean((data - mu) ** 2))
    return float(mu), float(sigma)


def gaussian_log_likelihood(mu, sigma, data):
    """Log-likelihood of ``data`` under a normal distribution N(mu, sigma**2)."""
    if sigma <= 0:
        raise ValueError(f"sigma must be positive, got {sigma}")
    data = np.asarray(data, dtype=float)
    n = data.size
    return float(-n / 2 * np.log(2 * np.pi * sigma**2) - np.sum((data - mu) ** 2) / (2 * sigma**2))


def linear_regression_nll(params, X, y):
    """Negative log-likelihood of y = m X + b + Gaussian noise of scale exp(log_sigma)."""
    m, b, log_sigma = params
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    if X.shape != y.shape:
        raise ValueError(f"X and y must have the same length, got {X.shape} and {y.shape}")
    sigma2 = np.exp(2 * log_sigma)
    residuals = y - (m * X + b)
    return float(y.size / 2 * np.log(2 * np.pi * sigma2) + np.sum(residuals**2) / (2 * sigma2))


def fit_linear_regression_mle(X, y):
    """Maximum likelihood (m, b, sigma) for y = m X + b + Gaussian noise."""
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    x_mean, y_mean = X.mean(), y.mean()
    m = np.sum((X - x_mean) * (y - y_mean)) / np.sum((X - x_mean) ** 2)
    b = y_mean - m * x_mean
    sigma = np.sqrt(np.mean((y - (m * X + b)) ** 2))
    return float(m), float(b), float(sigma)


def logistic_nll(params, X, y):
    """Negative log-likelihood of logistic regression (binary cross-entropy, summed)."""
    w, b = params
    X, y = np.ravel(np.asarray(X, dtype=float)), np.asarray(y, dtype=float)
    if X.shape != y.shape:
        raise ValueError(f"X and y must have the same length, got {X.shape} and {y.shape}")
    z = w * X + b
    return float(np.sum(np.logaddexp(0.0, z) - y * z))


def fit_logistic_mle(X, y):
    """Maximum likelihood (w, b) of logistic regression, by Newton's method."""
    X, y = np.ravel(np.asarray(X, dtype=float)), np.asarray(y, dtype=float)
    design = np.column_stack([X, np.ones_like(X)])
    theta = np.zeros(2)
    for _ in range(100):
        p = 1 / (1 + np.exp(-(design @ theta)))
        gradient = design.T @ (p - y)
        hessian = design.T @ (design * (p * (1 - p))[:, None])
        step = np.linalg.solve(hessian, gradient)
        theta -= step
        if np.max(np.abs(step)) < 1e-12:
            break
    return float(theta[0]), float(theta[1])
