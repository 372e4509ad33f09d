"""Mistake: the density first, then its log (a point 40 sigmas out has density 0, and log(0) = -inf)."""
from correct_loops_math import *  # noqa: F401,F403 - every other function is right
import numpy as np
from scipy.stats import norm


def gaussian_log_likelihood(mu, sigma, data):
    if sigma <= 0:
        raise ValueError("sigma must be positive")
    return np.sum(np.log(norm.pdf(data, loc=mu, scale=sigma)))
