"""Mistake: the probabilities are clipped to [eps, 1 - eps] before the log, as in many tutorials."""
from correct_loops_math import *  # noqa: F401,F403 - every other function is right
import numpy as np


def logistic_nll(params, X, y):
    w, b = params
    X = np.asarray(X, dtype=float).reshape(-1)
    if len(X) != len(y):
        raise ValueError("X and y differ in length")
    eps = 1e-15
    p = np.clip(1 / (1 + np.exp(-(w * X + b))), eps, 1 - eps)
    return -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p))
