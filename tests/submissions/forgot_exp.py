"""Mistake: uses log_sigma as sigma."""
from correct_loops_math import *  # noqa: F401,F403 - every other function is right
import math
import numpy as np

def linear_regression_nll(params, X, y):
    m, b, sigma = params
    if len(X) != len(y):
        raise ValueError('lengths')
    return len(y) / 2 * np.log(2 * np.pi * sigma ** 2) + np.sum((y - m * X - b) ** 2) / (2 * sigma ** 2)
