"""Mistake: plain gradient descent with a fixed step and number of steps: stops short on real data."""


def fit_logistic_map(X, y, tau):
    X, y = _check(X, y, tau)
    w = b = 0.0
    for _ in range(2000):
        r = 1 / (1 + np.exp(-np.clip(w * X + b, -700, 700))) - y
        w, b = w - 1e-3 * (np.sum(r * X) + w / tau**2), b - 1e-3 * np.sum(r)
    return w, b
