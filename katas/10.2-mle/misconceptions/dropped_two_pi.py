"""You dropped the constant -n/2 · ln(2π). It does not move the maximum, so an optimiser finds the same estimates, but the log-likelihood itself is off by that constant, and comparing models (or reporting the likelihood) needs it."""
import numpy as np


def gaussian_log_likelihood(mu, sigma, data):
    if sigma <= 0:
        raise ValueError("sigma must be positive")
    data = np.asarray(data, dtype=float)
    return float(-data.size / 2 * np.log(sigma ** 2) - np.sum((data - mu) ** 2) / (2 * sigma ** 2))
