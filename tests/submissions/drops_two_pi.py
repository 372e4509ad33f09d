"""Mistake: drops the 2 pi constant."""
from correct_loops_math import *  # noqa: F401,F403 - every other function is right
import math
import numpy as np

def gaussian_log_likelihood(mu, sigma, data):
    if sigma <= 0:
        raise ValueError('sigma')
    return -len(data) / 2 * np.log(sigma ** 2) - np.sum((data - mu) ** 2) / (2 * sigma ** 2)
