"""You added w²/tau². The negative log of the N(0, tau²) prior density is w²/(2 tau²) plus a constant: the factor 1/2 matters, it sets how strongly the prior pulls."""
import numpy as np


def logistic_neg_log_posterior(params, X, y, tau):
    X, y = np.ravel(np.asarray(X, dtype=float)), np.asarray(y, dtype=float)
    if X.shape != y.shape or tau <= 0:
        raise ValueError("bad input")
    w, b = params
    z = w * X + b
    return float(np.sum(np.logaddexp(0.0, z) - y * z) + w**2 / tau**2)
