"""Mistakes in two functions: gaussian_mle divides by n - 1, logistic_nll has its sign flipped."""
from correct_loops_math import *  # noqa: F401,F403 - every other function is right
from ddof_one import gaussian_mle  # noqa: F401
from logistic_sign import logistic_nll  # noqa: F401
