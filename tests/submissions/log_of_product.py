"""Mistake: the log of the product of the densities (underflows to log(0) = -inf for thousands of points)."""
from correct_loops_math import *  # noqa: F401,F403 - every other function is right
import numpy as np
from scipy.stats import norm


def gaussian_log_likelihood(mu, sigma, data):
    if sigma <= 0:
        raise ValueError("sigma must be positive")
    return np.log(np.prod(norm.pdf(data, mu, sigma)))
