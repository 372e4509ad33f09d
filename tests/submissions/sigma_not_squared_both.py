"""Mistake: sigma where sigma squared belongs, in both places of the log-likelihood."""
from correct_loops_math import *  # noqa: F401,F403 - every other function is right
import numpy as np


def gaussian_log_likelihood(mu, sigma, data):
    if sigma <= 0:
        raise ValueError("sigma must be positive")
    return -len(data) / 2 * np.log(2 * np.pi * sigma) - np.sum((data - mu) ** 2) / (2 * sigma)
