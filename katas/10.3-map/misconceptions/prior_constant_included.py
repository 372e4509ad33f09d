"""You added the prior's normalising constant, ln(tau·√(2π)). The contract asks for the negative log-posterior without it: w²/(2 tau²) alone. The constant does not move the minimum, but it is a different number."""
import numpy as np


def logistic_neg_log_posterior(params, X, y, tau):
    X, y = np.ravel(np.asarray(X, dtype=float)), np.asarray(y, dtype=float)
    if X.shape != y.shape or tau <= 0:
        raise ValueError("bad input")
    w, b = params
    z = w * X + b
    return float(np.sum(np.logaddexp(0.0, z) - y * z) + w**2 / (2 * tau**2) + np.log(tau * np.sqrt(2 * np.pi)))
