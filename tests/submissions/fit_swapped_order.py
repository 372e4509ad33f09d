"""Mistake: returns (b, w)."""
from correct_loops_math import *  # noqa: F401,F403 - every other function is right
import math
import numpy as np

from correct_loops_math import fit_logistic_mle as _right
def fit_logistic_mle(X, y):
    w, b = _right(X, y)
    return b, w
