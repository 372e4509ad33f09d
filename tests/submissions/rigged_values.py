"""Hostile: values whose comparisons and conversions lie."""
from correct_loops_math import *  # noqa: F401,F403 - every other function is right
import os
import sys
import numpy as np

class Liar(float):
    def __eq__(self, other):
        return True
    __ne__ = lambda self, other: False
    __le__ = __ge__ = __lt__ = __gt__ = __eq__
    def __float__(self):
        return 0.55
class Anything:
    def __eq__(self, other):
        return True
    def __float__(self):
        return 0.5
    def __array__(self, *args, **kwargs):
        return np.array(0.5)
def binomial_mle(heads, n):
    return Liar(-1.0)
def binomial_log_likelihood(p, heads, n):
    return Anything()
def gaussian_mle(data):
    return (Anything(), Anything())
