"""Mistake: binomial_mle never raises ValueError."""
from correct_loops_math import *  # noqa: F401,F403 - every other function is right
import math
import numpy as np

def binomial_mle(heads, n):
    return heads / n if n else 0.0
