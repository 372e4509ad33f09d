"""Mistake: a course's regularised logistic regression adapted to the contract: the cost averaged over the data,
log(h) and log(1 - h) of a sigmoid h, scipy.optimize.fmin_tnc from (0, 0) with its default tolerances. On data far
from 0 it stops short of the minimum."""
from scipy import optimize as _optimize


def fit_logistic_map(X, y, tau):
    X, y = _check(X, y, tau)
    m = len(y)
    design = np.column_stack([np.ones(m), X])

    def sigmoid(z):
        return 1 / (1 + np.exp(-z))

    def cost(theta):
        h = sigmoid(design @ theta)
        return (-y @ np.log(h) - (1 - y) @ np.log(1 - h)) / m + theta[1] ** 2 / (2 * tau**2 * m)

    def gradient(theta):
        h = sigmoid(design @ theta)
        return (design.T @ (h - y) + np.array([0.0, theta[1] / tau**2])) / m

    with np.errstate(all="ignore"):
        theta, _, _ = _optimize.fmin_tnc(func=cost, x0=np.zeros(2), fprime=gradient, disp=0)
    return float(theta[1]), float(theta[0])
