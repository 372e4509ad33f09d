"""Junk: every function returns a number too large for a float."""


def binomial_mle(heads, n):
    return 10 ** 400


def binomial_log_likelihood(p, heads, n):
    return -10 ** 400


def gaussian_mle(data):
    return 10 ** 400, 10 ** 400


def gaussian_log_likelihood(mu, sigma, data):
    return 10 ** 400


def linear_regression_nll(params, X, y):
    return [10 ** 400]


def fit_linear_regression_mle(X, y):
    return (10 ** 400, -10 ** 400, 10 ** 400)


def logistic_nll(params, X, y):
    return 10 ** 400


def fit_logistic_mle(X, y):
    return [10 ** 400, 1]
