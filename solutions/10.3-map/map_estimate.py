"""Kata 10.3: MAP estimation, reference solution."""

import numpy as np
from scipy import optimize


def binomial_map(heads, n, alpha, beta):
    if not (alpha >= 1 and beta >= 1 and n >= 1 and 0 <= heads <= n):
        raise ValueError("need alpha >= 1, beta >= 1, n >= 1 and 0 <= heads <= n")
    return (heads + alpha - 1) / (n + alpha + beta - 2)


def gaussian_mean_map(data, sigma, mu0, tau):
    data = np.asarray(data, dtype=float)
    if data.size == 0 or sigma <= 0 or tau <= 0:
        raise ValueError("need data, sigma > 0 and tau > 0")
    return float((mu0 / tau**2 + data.sum() / sigma**2) / (1 / tau**2 + data.size / sigma**2))


def ridge_map(X, y, sigma, tau):
    X = np.asarray(X, dtype=float)
    X = X.reshape(-1, 1) if X.ndim == 1 else X
    y = np.asarray(y, dtype=float)
    if X.shape[0] != y.shape[0] or sigma <= 0 or tau <= 0:
        raise ValueError("need matching rows, sigma > 0 and tau > 0")
    penalty = (sigma / tau) ** 2 * np.eye(X.shape[1])
    return np.linalg.solve(X.T @ X + penalty, X.T @ y)


def _check(X, y, tau):
    X = np.ravel(np.asarray(X, dtype=float))
    y = np.asarray(y, dtype=float)
    if X.shape != y.shape or tau <= 0:
        raise ValueError("need X and y of one length and tau > 0")
    return X, y


def _neg_log_posterior(w, b, X, y, tau):
    z = w * X + b
    return float(np.sum(np.logaddexp(0.0, z) - y * z) + w**2 / (2 * tau**2))


def logistic_neg_log_posterior(params, X, y, tau):
    X, y = _check(X, y, tau)
    w, b = params
    return _neg_log_posterior(w, b, X, y, tau)


def fit_logistic_map(X, y, tau):
    X, y = _check(X, y, tau)
    # Start where the data is: w = 0 and b at the log-odds of the labels.
    rate = y.mean()
    start = np.array([0.0, np.log(rate / (1 - rate))])
    scale = X.std() or 1.0
    centre = X.mean()

    # Fit on standardised x (well conditioned), then map back.
    def objective(theta):
        w_s, b_s = theta
        w = w_s / scale
        return _neg_log_posterior(w, b_s - w * centre, X, y, tau)

    def gradient(theta):
        w_s, b_s = theta
        w = w_s / scale
        z = w * X + (b_s - w * centre)
        r = 1 / (1 + np.exp(-np.clip(z, -700, 700))) - y
        dw = (np.sum(r * X) + w / tau**2) / scale - np.sum(r) * centre / scale
        return np.array([dw, np.sum(r)])

    best = optimize.minimize(objective, start, jac=gradient, method="BFGS", options={"gtol": 1e-10})
    w = best.x[0] / scale
    return float(w), float(best.x[1] - w * centre)
