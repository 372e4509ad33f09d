"""Mistake: no check that X and y have the same length (NumPy broadcasts a length-1 array silently)."""
from correct_loops_math import *  # noqa: F401,F403 - every other function is right
import numpy as np


def linear_regression_nll(params, X, y):
    m, b, log_sigma = params
    sigma = np.exp(log_sigma)
    return len(y) / 2 * np.log(2 * np.pi * sigma ** 2) + np.sum((y - (m * X + b)) ** 2) / (2 * sigma ** 2)
