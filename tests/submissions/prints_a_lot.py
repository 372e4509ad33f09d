"""Correct, but chatty: prints at import and in every call."""
from correct_loops_math import *  # noqa: F401,F403 - every other function is right
import os
import sys
import numpy as np

print('importing my solution')
import correct_loops_math as _right
def binomial_mle(heads, n):
    print('binomial_mle called with', heads, n)
    print('x' * 20000)
    return _right.binomial_mle(heads, n)
