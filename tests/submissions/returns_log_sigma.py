"""Mistake: returns log_sigma from the optimiser instead of sigma."""
from correct_loops_math import *  # noqa: F401,F403 - every other function is right
import math
import numpy as np

def fit_linear_regression_mle(X, y):
    m, b = np.polyfit(X, y, 1)
    return m, b, np.log(np.sqrt(np.mean((y - m * X - b) ** 2)))
