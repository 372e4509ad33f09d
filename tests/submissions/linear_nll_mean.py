"""Mistake: the mean negative log-likelihood instead of the sum."""
from correct_loops_math import *  # noqa: F401,F403 - every other function is right
import math
import numpy as np

def linear_regression_nll(params, X, y):
    m, b, log_sigma = params
    if len(X) != len(y):
        raise ValueError('lengths')
    s2 = np.exp(2 * log_sigma)
    return 0.5 * np.log(2 * np.pi * s2) + np.mean((y - m * X - b) ** 2) / (2 * s2)
