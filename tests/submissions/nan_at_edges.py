"""Mistake: heads*log(p) gives 0*(-inf) = nan at p = 0 with no heads."""
from correct_loops_math import *  # noqa: F401,F403 - every other function is right
import math
import numpy as np

def binomial_log_likelihood(p, heads, n):
    p = np.asarray(p, dtype=float)
    if n < 1 or not 0 <= heads <= n or np.any((p < 0) | (p > 1)):
        raise ValueError('bad input')
    with np.errstate(divide='ignore', invalid='ignore'):
        out = heads * np.log(p) + (n - heads) * np.log(1 - p)
    return out if out.ndim else float(out)
