"""Correct: leans on scipy (xlogy, stats log-pdfs, norm.fit, linregress, default minimize)."""
import numpy as np
from scipy import optimize, special, stats


def binomial_mle(heads, n):
    if n < 1 or not 0 <= heads <= n:
        raise ValueError("bad counts")
    return np.float64(heads) / n


def binomial_log_likelihood(p, heads, n):
    if n < 1 or not 0 <= heads <= n:
        raise ValueError("bad counts")
    p = np.asarray(p, dtype=float)
    if ((p < 0) | (p > 1)).any():
        raise ValueError("p outside [0, 1]")
    return special.xlogy(heads, p) + special.xlog1py(n - heads, -p)


def gaussian_mle(data):
    if np.size(data) == 0:
        raise ValueError("empty data")
    return np.array(stats.norm.fit(data))


def gaussian_log_likelihood(mu, sigma, data):
    if sigma <= 0:
        raise ValueError("sigma <= 0")
    return stats.norm.logpdf(data, loc=mu, scale=sigma).sum()


def linear_regression_nll(params, X, y):
    m, b, log_sigma = params
    if np.shape(X) != np.shape(y):
        raise ValueError("shapes differ")
    return -stats.norm.logpdf(y, loc=m * X + b, scale=np.exp(log_sigma)).sum()


def fit_linear_regression_mle(X, y):
    fit = stats.linregress(X, y)
    residuals = y - (fit.slope * X + fit.intercept)
    return fit.slope, fit.intercept, np.sqrt(np.mean(residuals ** 2))


def logistic_nll(params, X, y):
    w, b = params
    X = np.asarray(X).reshape(-1)
    if X.shape != np.shape(y):
        raise ValueError("shapes differ")
    z = w * X + b
    return -np.sum(y * special.log_expit(z) + (1 - y) * special.log_expit(-z))


def fit_logistic_mle(X, y):
    return optimize.minimize(logistic_nll, np.zeros(2), args=(X, y)).x
