"""Correct: everything computed in float32, as code written for GPUs or memory-tight arrays does."""
import numpy as np

F = np.float32


def binomial_mle(heads, n):
    if not (n >= 1 and 0 <= heads <= n):
        raise ValueError("bad counts")
    return F(heads) / F(n)


def binomial_log_likelihood(p, heads, n):
    if not (n >= 1 and 0 <= heads <= n):
        raise ValueError("bad counts")
    p = np.asarray(p, dtype=F)
    if np.any((p < 0) | (p > 1)):
        raise ValueError("p outside [0, 1]")
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(heads == 0, F(0), F(heads) * np.log(p))
        b = np.where(n - heads == 0, F(0), F(n - heads) * np.log1p(-p))
    return a + b


def gaussian_mle(data):
    data = np.asarray(data, dtype=F)
    if data.size == 0:
        raise ValueError("no data")
    return data.mean(), data.std()


def gaussian_log_likelihood(mu, sigma, data):
    if sigma <= 0:
        raise ValueError("sigma must be positive")
    z = (np.asarray(data, dtype=F) - F(mu)) / F(sigma)
    return -F(0.5) * np.sum(z * z) - F(z.size) * (np.log(F(sigma)) + F(0.5 * np.log(2 * np.pi)))


def linear_regression_nll(params, X, y):
    m, b, log_sigma = (F(v) for v in params)
    X, y = np.asarray(X, dtype=F), np.asarray(y, dtype=F)
    if X.shape != y.shape:
        raise ValueError("X and y differ in length")
    r = (y - (m * X + b)) / np.exp(log_sigma)
    return F(y.size) * (log_sigma + F(0.5 * np.log(2 * np.pi))) + F(0.5) * np.sum(r * r)


def fit_linear_regression_mle(X, y):
    X, y = np.asarray(X, dtype=F), np.asarray(y, dtype=F)
    xc, yc = X - X.mean(), y - y.mean()
    m = np.sum(xc * yc) / np.sum(xc * xc)
    b = y.mean() - m * X.mean()
    return m, b, np.sqrt(np.mean((y - m * X - b) ** 2))


def logistic_nll(params, X, y):
    w, b = (F(v) for v in params)
    X, y = np.asarray(X, dtype=F).reshape(-1), np.asarray(y, dtype=F)
    if X.shape != y.shape:
        raise ValueError("X and y differ in length")
    z = w * X + b
    return np.sum(np.logaddexp(F(0), z) - y * z)


def fit_logistic_mle(X, y):
    """Newton's method, all in float32, from least squares on the labels."""
    X, y = np.asarray(X, dtype=F), np.asarray(y, dtype=F)
    w, b = (F(v) for v in np.polyfit(X, 4 * (y - 0.5), 1))
    for _ in range(100):
        p = F(1) / (F(1) + np.exp(-(w * X + b)))
        s = p * (F(1) - p)
        g = np.array([np.sum((p - y) * X), np.sum(p - y)], dtype=F)
        h = np.array([[np.sum(s * X * X), np.sum(s * X)], [np.sum(s * X), np.sum(s)]], dtype=F)
        step = np.linalg.solve(h, g)
        t = F(1)
        while t > F(1e-4) and logistic_nll((w - t * step[0], b - t * step[1]), X, y) > logistic_nll((w, b), X, y):
            t = t / F(2)
        w, b = w - t * step[0], b - t * step[1]
    return w, b
