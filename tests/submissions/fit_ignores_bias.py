"""Mistake: fits w alone with b fixed at 0."""
from correct_loops_math import *  # noqa: F401,F403 - every other function is right
import math
import numpy as np

from scipy.optimize import minimize_scalar
def fit_logistic_mle(X, y):
    w = minimize_scalar(lambda w: np.sum(np.logaddexp(0, w * X) - y * w * X)).x
    return w, 0.0
