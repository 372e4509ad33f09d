"""Mistake: includes ln C(n, heads), the log-probability of the count, not the sequence."""
from correct_loops_math import *  # noqa: F401,F403 - every other function is right
import math
import numpy as np

from scipy import stats
def binomial_log_likelihood(p, heads, n):
    if n < 1 or not 0 <= heads <= n or np.any((np.asarray(p) < 0) | (np.asarray(p) > 1)):
        raise ValueError('bad input')
    return stats.binom.logpmf(heads, n, p)
