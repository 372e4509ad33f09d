"""You returned (sigma, mu): the contract is the pair (mu, sigma), in that order."""
import numpy as np


def gaussian_mle(data):
    data = np.asarray(data, dtype=float)
    if data.size == 0:
        raise ValueError("empty")
    return float(data.std()), float(data.mean())
