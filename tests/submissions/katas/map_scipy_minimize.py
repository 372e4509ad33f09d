"""Kata 10.3 the way a statistics course writes it: the formulas, np.linalg.inv, scipy.optimize.minimize."""
import numpy as np
from scipy.optimize import minimize
from scipy.special import expit


def binomial_map(heads, n, alpha, beta):
    if not (alpha >= 1 and beta >= 1):
        raise ValueError("prior parameters must be >= 1")
    if n < 1 or not (0 <= heads <= n):
        raise ValueError("bad counts")
    return (heads + alpha - 1) / (n + alpha + beta - 2)


def gaussian_mean_map(data, sigma, mu0, tau):
    if len(data) == 0:
        raise ValueError("no data")
    if sigma <= 0 or tau <= 0:
        raise ValueError("scales must be positive")
    n = len(data)
    return (mu0 / tau**2 + np.sum(data) / sigma**2) / (1 / tau**2 + n / sigma**2)


def ridge_map(X, y, sigma, tau):
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X[:, None]
    if len(X) != len(y):
        raise ValueError("X and y differ in length")
    if sigma <= 0 or tau <= 0:
        raise ValueError("scales must be positive")
    return np.linalg.inv(X.T @ X + (sigma**2 / tau**2) * np.identity(X.shape[1])) @ X.T @ np.asarray(y)


def logistic_neg_log_posterior(params, X, y, tau):
    X = np.ravel(X)
    if len(X) != len(y):
        raise ValueError("X and y differ in length")
    if tau <= 0:
        raise ValueError("tau must be positive")
    w, b = params
    z = w * X + b
    return np.sum(np.logaddexp(0, z) - y * z) + w**2 / (2 * tau**2)


def fit_logistic_map(X, y, tau):
    X = np.ravel(np.asarray(X, dtype=float))
    y = np.asarray(y, dtype=float)
    if len(X) != len(y):
        raise ValueError("X and y differ in length")
    if tau <= 0:
        raise ValueError("tau must be positive")
    mean, scale = X.mean(), X.std()
    Xs = (X - mean) / scale  # standardised: the optimiser sees a round bowl

    def objective(theta):
        return logistic_neg_log_posterior((theta[0] / scale, theta[1] - theta[0] * mean / scale), X, y, tau)

    def gradient(theta):
        r = expit(theta[0] * Xs + theta[1]) - y
        w = theta[0] / scale
        return np.array([np.sum(r * Xs) + w / tau**2 / scale, np.sum(r)])

    theta = minimize(objective, np.zeros(2), jac=gradient, method="L-BFGS-B",
                     options={"gtol": 1e-12, "ftol": 1e-15, "maxiter": 10_000}).x
    w = theta[0] / scale
    return w, theta[1] - w * mean
