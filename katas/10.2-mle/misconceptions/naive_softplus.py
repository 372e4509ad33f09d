"""You computed ln(1 + e^z) directly: e^z overflows to inf for z above about 709, so one confident prediction makes the whole NLL infinite. Use np.logaddexp(0, z), or max(z, 0) + log1p(exp(-|z|)), which never exponentiates a large positive number."""
import numpy as np


def logistic_nll(params, X, y):
    w, b = params
    X, y = np.ravel(np.asarray(X, dtype=float)), np.asarray(y, dtype=float)
    if X.shape != y.shape:
        raise ValueError("lengths differ")
    z = w * X + b
    with np.errstate(over="ignore"):
        return float(np.sum(np.log(1 + np.exp(z)) - y * z))
