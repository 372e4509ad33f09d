"""Mistake: labels turned into ±1 and ln(1 + exp(-y z)) computed directly: exp overflows for a point on the wrong
side at |z| = 1000 (public code adapted to the contract)."""


def logistic_neg_log_posterior(params, X, y, tau):
    X, y = _check(X, y, tau)
    w, b = params
    signs = 2 * y - 1
    with np.errstate(over="ignore"):
        return float(np.sum(np.log(1 + np.exp(-signs * (w * X + b)))) + w**2 / (2 * tau**2))
