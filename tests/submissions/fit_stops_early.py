"""Mistake: gradient descent on the mean squared error with a fixed learning rate and number of steps."""
from correct_loops_math import *  # noqa: F401,F403 - every other function is right
import numpy as np


def fit_linear_regression_mle(X, y):
    m, b, lr = 0.0, 0.0, 0.05
    for _ in range(2000):
        error = m * X + b - y
        m -= lr * 2 * np.mean(error * X)
        b -= lr * 2 * np.mean(error)
    return m, b, np.sqrt(np.mean((y - m * X - b) ** 2))
