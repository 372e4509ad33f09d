"""Mistake: gradient descent on the mean cross-entropy with a fixed learning rate and number of steps."""
from correct_loops_math import *  # noqa: F401,F403 - every other function is right
import numpy as np


def fit_logistic_mle(X, y):
    w, b, lr = 0.0, 0.0, 0.1
    for _ in range(1000):
        p = 1 / (1 + np.exp(-(w * X + b)))
        w -= lr * np.mean((p - y) * X)
        b -= lr * np.mean(p - y)
    return w, b
