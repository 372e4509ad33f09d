"""Mistake: fits a line through the origin."""
from correct_loops_math import *  # noqa: F401,F403 - every other function is right
import math
import numpy as np

def fit_linear_regression_mle(X, y):
    m = np.sum(X * y) / np.sum(X * X)
    return m, 0.0, np.sqrt(np.mean((y - m * X) ** 2))
