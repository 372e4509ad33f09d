"""Fault: gaussian_mle never returns."""
from correct_loops_math import *  # noqa: F401,F403 - every other function is right
import os
import sys
import numpy as np

def gaussian_mle(data):
    while True:
        pass
