"""You wrote ln(2πσ) where the normal density has ln(2πσ²): the normalising constant is 1/sqrt(2πσ²), so each observation contributes -1/2 · ln(2πσ²)."""
import numpy as np


def gaussian_log_likelihood(mu, sigma, data):
    if sigma <= 0:
        raise ValueError("sigma must be positive")
    data = np.asarray(data, dtype=float)
    return float(-data.size / 2 * np.log(2 * np.pi * sigma) - np.sum((data - mu) ** 2) / (2 * sigma ** 2))
