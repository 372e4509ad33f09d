"""Fault: gaussian_log_likelihood tries to allocate 8 GiB."""
from correct_loops_math import *  # noqa: F401,F403 - every other function is right
import os
import sys
import numpy as np

def gaussian_log_likelihood(mu, sigma, data):
    block = bytearray(8 * 1024 ** 3)
    return float(len(block))
