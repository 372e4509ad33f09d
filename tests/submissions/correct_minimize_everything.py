"""Correct, as course notebooks write it: sums over Python lists, frozen scipy distributions, polyfit then
scipy.optimize.minimize on the NLL, BFGS on standardised inputs mapped back."""
import numpy as np
from scipy.optimize import minimize
from scipy.stats import norm


def binomial_mle(heads, n):
    if n < 1 or not 0 <= heads <= n:
        raise ValueError
    return float(heads) / float(n)


def binomial_log_likelihood(p, heads, n):
    if n < 1 or not 0 <= heads <= n:
        raise ValueError
    scalar = np.isscalar(p)
    p = np.atleast_1d(np.asarray(p, dtype=float))
    if ((p < 0) | (p > 1)).any():
        raise ValueError
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(heads == 0, 0.0, heads * np.log(p))
        c = np.where(n - heads == 0, 0.0, (n - heads) * np.log1p(-p))
    r = a + c
    return float(r[0]) if scalar else r


def gaussian_mle(data):
    if len(data) == 0:
        raise ValueError("no data")
    n = len(data)
    mu = sum(data) / n
    var = sum((x - mu) ** 2 for x in data) / n
    return mu, var ** 0.5


def gaussian_log_likelihood(mu, sigma, data):
    if sigma <= 0:
        raise ValueError
    return norm(mu, sigma).logpdf(data).sum()


def linear_regression_nll(params, X, y):
    if len(X) != len(y):
        raise ValueError("X and y lengths differ")
    m, b, log_sigma = params
    return -norm.logpdf(y, loc=m * X + b, scale=np.exp(log_sigma)).sum()


def fit_linear_regression_mle(X, y):
    m0, b0 = np.polyfit(X, y, 1)
    s0 = np.log(np.std(y - (m0 * X + b0)) + 1e-9)
    res = minimize(linear_regression_nll, x0=[m0, b0, s0], args=(X, y))
    m, b, ls = res.x
    return m, b, np.exp(ls)


def logistic_nll(params, X, y):
    X = np.ravel(X)
    if len(X) != len(y):
        raise ValueError
    w, b = params
    z = w * X + b
    return np.sum(np.where(z > 0, z + np.log1p(np.exp(-np.abs(z))), np.log1p(np.exp(-np.abs(z)))) - y * z)


def fit_logistic_mle(X, y):
    mean, std = X.mean(), X.std()
    Xs = (X - mean) / std
    res = minimize(logistic_nll, x0=[0.0, 0.0], args=(Xs, y), method="BFGS")
    ws, bs = res.x
    return ws / std, bs - ws * mean / std
