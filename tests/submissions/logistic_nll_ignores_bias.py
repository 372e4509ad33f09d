"""Mistake: z = w x, the bias is dropped."""
from correct_loops_math import *  # noqa: F401,F403 - every other function is right
import math
import numpy as np

def logistic_nll(params, X, y):
    w, b = params
    X = np.ravel(X)
    if len(X) != len(y):
        raise ValueError('lengths')
    z = w * X
    return np.sum(np.logaddexp(0, z) - y * z)
