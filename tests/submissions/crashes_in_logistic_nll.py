"""Fault: logistic_nll dereferences a null pointer (a real segmentation fault)."""
from correct_loops_math import *  # noqa: F401,F403 - every other function is right
import ctypes


def logistic_nll(params, X, y):
    return ctypes.string_at(0)
