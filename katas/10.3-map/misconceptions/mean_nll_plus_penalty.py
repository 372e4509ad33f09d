"""You averaged the NLL over the data and added the whole penalty (the "loss + regularisation" of machine-learning libraries). The negative log-posterior sums the NLL over the data: Σ [ln(1 + e^z) − y·z] + w²/(2 tau²). Averaging makes the prior n times stronger than the data."""
import numpy as np


def logistic_neg_log_posterior(params, X, y, tau):
    X, y = np.ravel(np.asarray(X, dtype=float)), np.asarray(y, dtype=float)
    if X.shape != y.shape or tau <= 0:
        raise ValueError("bad input")
    w, b = params
    z = w * X + b
    return float(np.mean(np.logaddexp(0.0, z) - y * z) + w**2 / (2 * tau**2))
