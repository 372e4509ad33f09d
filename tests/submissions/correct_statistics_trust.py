"""Correct, in other public styles: the statistics module for the Gaussian MLE, math.fsum for sums, the
linear fit by L-BFGS-B on the NLL with its gradient (jac=True) from a least-squares start, the logistic fit by
scipy's trust-exact with the gradient and Hessian."""
import math
import statistics

import numpy as np
from scipy import optimize, special

from correct_scipy import binomial_log_likelihood, binomial_mle  # noqa: F401


def gaussian_mle(data):
    values = [float(x) for x in np.asarray(data).ravel()]
    if not values:
        raise ValueError("no data")
    return statistics.fmean(values), statistics.pstdev(values)


def gaussian_log_likelihood(mu, sigma, data):
    if not sigma > 0:
        raise ValueError("sigma must be positive")
    values = np.asarray(data, dtype=float)
    return -0.5 * values.size * math.log(2 * math.pi) - values.size * math.log(sigma) \
        - math.fsum(((values - mu) / sigma) ** 2) / 2


def linear_regression_nll(params, X, y):
    m, b, log_sigma = (float(v) for v in params)
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    if X.shape != y.shape:
        raise ValueError("lengths differ")
    residuals = y - m * X - b
    return y.size * (0.5 * math.log(2 * math.pi) + log_sigma) + 0.5 * math.fsum((residuals * math.exp(-log_sigma)) ** 2)


def fit_linear_regression_mle(X, y):
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    centre = X.mean()
    u = X - centre  # fit y = m u + c, then b = c - m centre

    def value_and_gradient(theta):
        m, c, log_sigma = theta
        r = y - m * u - c
        s2 = math.exp(2 * log_sigma)
        value = y.size * log_sigma + r @ r / (2 * s2)
        return value, np.array([-(r @ u) / s2, -r.sum() / s2, y.size - (r @ r) / s2])

    slope = (u @ (y - y.mean())) / (u @ u)
    start = [slope, y.mean(), math.log(np.std(y - slope * u))]
    m, c, log_sigma = optimize.minimize(value_and_gradient, start, jac=True, method="L-BFGS-B",
                                        options={"gtol": 1e-12, "ftol": 1e-15}).x
    return m, c - m * centre, math.exp(log_sigma)


def logistic_nll(params, X, y):
    w, b = params
    X = np.ravel(np.asarray(X, dtype=float))
    y = np.asarray(y, dtype=float)
    if X.shape != y.shape:
        raise ValueError("lengths differ")
    z = w * X + b
    return float(np.sum(np.logaddexp(0, z) - y * z))


def fit_logistic_mle(X, y):
    X, y = np.ravel(np.asarray(X, dtype=float)), np.asarray(y, dtype=float)
    centre, scale = X.mean(), X.std()
    u = (X - centre) / scale

    def f(t):
        return logistic_nll(t, u, y)

    def g(t):
        r = special.expit(t[0] * u + t[1]) - y
        return np.array([r @ u, r.sum()])

    def h(t):
        p = special.expit(t[0] * u + t[1])
        s = p * (1 - p)
        return np.array([[s @ (u * u), s @ u], [s @ u, s.sum()]])

    v, c = optimize.minimize(f, np.zeros(2), jac=g, hess=h, method="trust-exact", options={"gtol": 1e-10}).x
    return v / scale, c - v * centre / scale
