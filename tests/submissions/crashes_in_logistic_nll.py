"""Fault: logistic_nll kills its own process with a segmentation fault."""
from correct_loops_math import *  # noqa: F401,F403 - every other function is right
import os
import sys
import numpy as np

import signal
def logistic_nll(params, X, y):
    os.kill(os.getpid(), signal.SIGSEGV)
