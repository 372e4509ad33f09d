"""You returned the variance sigma² where sigma, the standard deviation, was asked for: take the square root of the mean squared deviation."""
import numpy as np


def gaussian_mle(data):
    data = np.asarray(data, dtype=float)
    if data.size == 0:
        raise ValueError("empty")
    return float(data.mean()), float(data.var())
