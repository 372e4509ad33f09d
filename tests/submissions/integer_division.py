"""Mistake: integer division in binomial_mle."""
from correct_loops_math import *  # noqa: F401,F403 - every other function is right
import math
import numpy as np

def binomial_mle(heads, n):
    if n < 1 or not 0 <= heads <= n:
        raise ValueError('bad counts')
    return heads // n
