"""You returned the log-likelihood, not its negative: each term is ln(1 + e^z) - y·z, which is never negative, so the NLL is a sum of positive numbers."""
import numpy as np


def logistic_nll(params, X, y):
    w, b = params
    X, y = np.ravel(np.asarray(X, dtype=float)), np.asarray(y, dtype=float)
    if X.shape != y.shape:
        raise ValueError("lengths differ")
    z = w * X + b
    return float(-np.sum(np.logaddexp(0, z) - y * z))
