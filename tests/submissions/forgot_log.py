"""Mistake: binomial_log_likelihood returns the likelihood, not its log."""
from correct_loops_math import *  # noqa: F401,F403 - every other function is right
import math
import numpy as np

def binomial_log_likelihood(p, heads, n):
    if n < 1 or not 0 <= heads <= n or np.any((np.asarray(p) < 0) | (np.asarray(p) > 1)):
        raise ValueError('bad input')
    return np.asarray(p, dtype=float) ** heads * (1 - np.asarray(p, dtype=float)) ** (n - heads)
