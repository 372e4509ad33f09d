"""Mistake: returns the variance instead of sigma."""
from correct_loops_math import *  # noqa: F401,F403 - every other function is right
import math
import numpy as np

def gaussian_mle(data):
    if len(data) == 0:
        raise ValueError('empty')
    return np.mean(data), np.var(data)
