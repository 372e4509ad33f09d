"""You added a small constant to sigma (exp(log_sigma) + 1e-8, a guard against dividing by 0). exp already makes sigma positive for every real log_sigma, and where sigma is small (log_sigma = −20 gives 2e-9) the constant is larger than sigma itself and changes the NLL completely: use sigma = exp(log_sigma) as it is."""
import numpy as np


def linear_regression_nll(params, X, y):
    m, b, log_sigma = params
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    if X.shape != y.shape:
        raise ValueError("lengths differ")
    sigma = np.exp(log_sigma) + 1e-8
    return float(y.size / 2 * np.log(2 * np.pi * sigma ** 2) + np.sum((y - m * X - b) ** 2) / (2 * sigma ** 2))
