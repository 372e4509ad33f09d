"""Kata 10.3 as a machine-learning course writes it: lambda = sigma²/tau², lstsq on an augmented system,
Newton's method for the logistic fit."""
import numpy as np


def binomial_map(heads, n, alpha, beta):
    if alpha < 1 or beta < 1 or n < 1 or heads < 0 or heads > n:
        raise ValueError("invalid arguments")
    a, b = alpha + heads, beta + n - heads
    return (a - 1) / (a + b - 2)


def gaussian_mean_map(data, sigma, mu0, tau):
    x = np.asarray(data, dtype=float)
    if len(x) == 0 or sigma <= 0 or tau <= 0:
        raise ValueError("invalid arguments")
    prior_precision, data_precision = 1 / tau**2, len(x) / sigma**2
    weight = data_precision / (prior_precision + data_precision)
    return weight * x.mean() + (1 - weight) * mu0


def ridge_map(X, y, sigma, tau):
    X = np.atleast_2d(np.asarray(X, dtype=float))
    if X.shape[0] == 1 and np.ndim(y) == 1 and len(y) != 1:
        X = X.T
    y = np.asarray(y, dtype=float)
    if X.shape[0] != len(y) or sigma <= 0 or tau <= 0:
        raise ValueError("invalid arguments")
    lam = sigma**2 / tau**2
    d = X.shape[1]
    augmented_X = np.vstack([X, np.sqrt(lam) * np.eye(d)])
    augmented_y = np.concatenate([y, np.zeros(d)])
    return np.linalg.lstsq(augmented_X, augmented_y, rcond=None)[0]


def _prepare(X, y, tau):
    x = np.asarray(X, dtype=float).reshape(-1)
    y = np.asarray(y, dtype=float)
    if x.shape[0] != y.shape[0] or tau <= 0:
        raise ValueError("invalid arguments")
    return x, y


def logistic_neg_log_posterior(params, X, y, tau):
    x, y = _prepare(X, y, tau)
    w, b = float(params[0]), float(params[1])
    z = w * x + b
    nll = np.sum(np.where(z > 0, z + np.log1p(np.exp(-np.abs(z))), np.log1p(np.exp(-np.abs(z)))) - y * z)
    return nll + 0.5 * (w / tau) ** 2


def fit_logistic_map(X, y, tau):
    x, y = _prepare(X, y, tau)
    design = np.column_stack([x, np.ones_like(x)])
    theta = np.array([0.0, np.log(y.mean() / (1 - y.mean()))])
    penalty = np.diag([1 / tau**2, 0.0])
    for _ in range(100):
        p = 1 / (1 + np.exp(-np.clip(design @ theta, -500, 500)))
        gradient = design.T @ (p - y) + penalty @ theta
        hessian = design.T @ (design * (p * (1 - p))[:, None]) + penalty
        step = np.linalg.solve(hessian, gradient)
        current = logistic_neg_log_posterior(theta, x, y, tau)
        scale = 1.0
        while logistic_neg_log_posterior(theta - scale * step, x, y, tau) > current and scale > 1e-10:
            scale /= 2
        theta = theta - scale * step
        if np.abs(scale * step).max() < 1e-12 * (1 + np.abs(theta).max()):
            break
    return theta[0], theta[1]
