"""Mistake: no check that X and y have the same length (NumPy broadcasts a length-1 array silently)."""
from correct_loops_math import *  # noqa: F401,F403 - every other function is right
import numpy as np


def logistic_nll(params, X, y):
    w, b = params
    z = w * np.ravel(X) + b
    return np.sum(np.logaddexp(0, z) - y * z)
