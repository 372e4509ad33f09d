"""Mistake: the fit minimises the NLL alone: the prior is left out (on separable data it runs off)."""
from scipy import optimize as _optimize


def fit_logistic_map(X, y, tau):
    X, y = _check(X, y, tau)
    centre, scale = X.mean(), X.std()
    u = (X - centre) / scale

    def nll(theta):
        z = theta[0] * u + theta[1]
        return np.sum(np.logaddexp(0, z) - y * z)

    theta = _optimize.minimize(nll, np.zeros(2), method="BFGS", options={"gtol": 1e-10}).x
    return float(theta[0] / scale), float(theta[1] - theta[0] * centre / scale)
