"""You used log_sigma as if it were sigma. The parameter is log σ so that an optimiser can try any real number; convert it first: sigma = exp(log_sigma)."""
import numpy as np


def linear_regression_nll(params, X, y):
    m, b, sigma = params
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    if X.shape != y.shape:
        raise ValueError("lengths differ")
    return float(y.size / 2 * np.log(2 * np.pi * sigma ** 2) + np.sum((y - m * X - b) ** 2) / (2 * sigma ** 2))
