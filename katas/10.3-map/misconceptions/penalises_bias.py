"""You put the prior on b as well: (w² + b²)/(2 tau²). The prior here is on the slope w only; the bias b sets the base rate of the labels and is not penalised."""
import numpy as np


def logistic_neg_log_posterior(params, X, y, tau):
    X, y = np.ravel(np.asarray(X, dtype=float)), np.asarray(y, dtype=float)
    if X.shape != y.shape or tau <= 0:
        raise ValueError("bad input")
    w, b = params
    z = w * X + b
    return float(np.sum(np.logaddexp(0.0, z) - y * z) + (w**2 + b**2) / (2 * tau**2))
