"""Mistake: averages the log-density instead of summing it."""
from correct_loops_math import *  # noqa: F401,F403 - every other function is right
import math
import numpy as np

from scipy import stats
def gaussian_log_likelihood(mu, sigma, data):
    if sigma <= 0:
        raise ValueError('sigma')
    return stats.norm.logpdf(data, mu, sigma).mean()
