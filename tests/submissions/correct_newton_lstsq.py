"""Correct, as tutorials write it: xlogy/xlog1py, np.std, norm.logpdf, lstsq with a column of ones, Newton's method with the Hessian."""
import numpy as np
from scipy import optimize, stats, special


def binomial_mle(heads, n):
    if n < 1 or heads < 0 or heads > n:
        raise ValueError("bad counts")
    return heads / n


def binomial_log_likelihood(p, heads, n):
    if n < 1 or heads < 0 or heads > n:
        raise ValueError("bad counts")
    p_arr = np.asarray(p, dtype=float)
    if np.any((p_arr < 0) | (p_arr > 1)) or np.any(np.isnan(p_arr)):
        raise ValueError("p outside [0, 1]")
    out = special.xlogy(heads, p_arr) + special.xlog1py(n - heads, -p_arr)
    if np.ndim(p) == 0:
        return float(out)
    return out


def gaussian_mle(data):
    data = np.asarray(data, dtype=float)
    if data.size == 0:
        raise ValueError("empty")
    mu = data.mean()
    return mu, data.std()


def gaussian_log_likelihood(mu, sigma, data):
    if sigma <= 0:
        raise ValueError("sigma must be positive")
    return float(np.sum(stats.norm.logpdf(data, loc=mu, scale=sigma)))


def linear_regression_nll(params, X, y):
    m, b, log_sigma = params
    X = np.asarray(X, float); y = np.asarray(y, float)
    if len(X) != len(y):
        raise ValueError("length mismatch")
    sigma = np.exp(log_sigma)
    resid = y - (m * X + b)
    n = len(y)
    return float(n * np.log(sigma) + n / 2 * np.log(2 * np.pi) + np.sum(resid ** 2) / (2 * sigma ** 2))


def fit_linear_regression_mle(X, y):
    A = np.vstack([X, np.ones(len(X))]).T
    (m, b), *_ = np.linalg.lstsq(A, y, rcond=None)
    resid = y - A @ np.array([m, b])
    return float(m), float(b), float(np.sqrt(np.mean(resid ** 2)))


def logistic_nll(params, X, y):
    w, b = params
    X = np.asarray(X, float).ravel(); y = np.asarray(y, float).ravel()
    if X.shape[0] != y.shape[0]:
        raise ValueError("length mismatch")
    z = w * X + b
    return float(np.sum(np.logaddexp(0, z) - y * z))


def fit_logistic_mle(X, y):
    X = np.asarray(X, float).ravel(); y = np.asarray(y, float)
    A = np.column_stack([X, np.ones_like(X)])
    beta = np.zeros(2)
    for _ in range(100):
        p = special.expit(A @ beta)
        g = A.T @ (y - p)
        H = A.T @ (A * (p * (1 - p))[:, None])
        step = np.linalg.solve(H, g)
        beta = beta + step
        if np.max(np.abs(step)) < 1e-10:
            break
    return float(beta[0]), float(beta[1])
