"""Mistake: sigma from the unbiased residual variance (n - 2)."""
from correct_loops_math import *  # noqa: F401,F403 - every other function is right
import math
import numpy as np

def fit_linear_regression_mle(X, y):
    m, b = np.polyfit(X, y, 1)
    return m, b, np.sqrt(np.sum((y - m * X - b) ** 2) / (len(X) - 2))
