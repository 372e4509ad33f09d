
import numpy as np
from functools import reduce
from scipy import optimize as so


def binomial_mle(heads, n):
    ok = isinstance(n, (int, np.integer)) and n > 0 and 0 <= heads <= n
    if ok:
        return heads / n
    raise ValueError('counts')


def binomial_log_likelihood(p, heads, n):
    if n <= 0 or heads < 0 or heads > n:
        raise ValueError('counts')
    scalar = np.isscalar(p)
    pv = np.atleast_1d(np.asarray(p, dtype=float))
    if (pv < 0).any() or (pv > 1).any():
        raise ValueError('p')
    logs = [sum(c * np.log(q) if c else 0.0 for c, q in ((heads, x), (n - heads, 1 - x))) if 0 < x < 1
            else (-np.inf if (x == 0 and heads) or (x == 1 and n - heads) else 0.0) for x in pv]
    return logs[0] if scalar else np.reshape(logs, np.shape(p))


def gaussian_mle(data):
    if np.size(data) == 0:
        raise ValueError('data')
    m = reduce(lambda a, b: a + b, data) / len(data)
    return m, (reduce(lambda a, b: a + b, [(d - m) ** 2 for d in data]) / len(data)) ** 0.5


def gaussian_log_likelihood(mu, sigma, data):
    if sigma <= 0:
        raise ValueError('sigma')
    return sum(-0.5 * np.log(2 * np.pi) - np.log(sigma) - 0.5 * ((d - mu) / sigma) ** 2 for d in data)


def linear_regression_nll(params, X, y):
    if len(X) != len(y):
        raise ValueError('lengths')
    m, b, ls = params
    return sum(0.5 * np.log(2 * np.pi) + ls + 0.5 * ((t - m * u - b) / np.exp(ls)) ** 2 for u, t in zip(X, y))


def fit_linear_regression_mle(X, y):
    mx, my = np.mean(X), np.mean(y)
    m = np.cov(X, y, bias=True)[0, 1] / np.var(X)
    b = my - m * mx
    return m, b, np.std(np.asarray(y) - m * np.asarray(X) - b)


def logistic_nll(params, X, y):
    xs = np.asarray(X).ravel()
    if xs.size != np.size(y):
        raise ValueError('lengths')
    z = params[0] * xs + params[1]
    return float(np.sum(np.logaddexp(0, z)) - np.sum(np.asarray(y) * z))


def fit_logistic_mle(X, y):
    xs = np.asarray(X, dtype=float).ravel()
    mu, sd = xs.mean(), xs.std()
    r = so.minimize(lambda t: logistic_nll(t, (xs - mu) / sd, y), np.zeros(2), method='Newton-CG',
                    jac=lambda t: np.array([np.sum((1 / (1 + np.exp(-(t[0] * (xs - mu) / sd + t[1]))) - y) * (xs - mu) / sd),
                                            np.sum(1 / (1 + np.exp(-(t[0] * (xs - mu) / sd + t[1]))) - y)]), tol=1e-12)
    return r.x[0] / sd, r.x[1] - r.x[0] * mu / sd
