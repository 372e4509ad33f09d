"""Fault: fit_linear_regression_mle calls sys.exit."""
from correct_loops_math import *  # noqa: F401,F403 - every other function is right
import os
import sys
import numpy as np

def fit_linear_regression_mle(X, y):
    sys.exit(3)
