"""Mistake: ln(2 pi sigma) instead of ln(2 pi sigma^2)."""
from correct_loops_math import *  # noqa: F401,F403 - every other function is right
import math
import numpy as np

def gaussian_log_likelihood(mu, sigma, data):
    if sigma <= 0:
        raise ValueError('sigma')
    return -len(data) / 2 * np.log(2 * np.pi * sigma) - np.sum((data - mu) ** 2) / (2 * sigma ** 2)
