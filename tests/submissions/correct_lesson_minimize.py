"""Correct: the lesson's numerical route, scipy.optimize.minimize (BFGS) started where the data is."""
from correct_loops_math import (binomial_mle, binomial_log_likelihood, gaussian_mle,  # noqa: F401
                                gaussian_log_likelihood)
import numpy as np
from scipy.optimize import minimize
from scipy.special import expit  # noqa: F401


def linear_regression_nll(params, X, y):
    m, b, log_sigma = params
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    if len(X) != len(y):
        raise ValueError("X and y must have the same length")
    sigma = np.exp(log_sigma)
    return 0.5 * len(y) * np.log(2 * np.pi * sigma ** 2) + np.sum((y - m * X - b) ** 2) / (2 * sigma ** 2)


def fit_linear_regression_mle(X, y):
    result = minimize(linear_regression_nll, x0=[0.0, np.mean(y), np.log(np.std(y))], args=(X, y))
    m, b, log_sigma = result.x
    return m, b, np.exp(log_sigma)


def logistic_nll(params, X, y):
    w, b = params
    X = np.asarray(X, dtype=float).ravel()
    if X.shape != np.shape(y):
        raise ValueError("X and y must have the same length")
    z = w * X + b
    return np.sum(np.logaddexp(0, z) - y * z)


def fit_logistic_mle(X, y):
    return tuple(minimize(logistic_nll, x0=[0.0, 0.0], args=(X, y)).x)
