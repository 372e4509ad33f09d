"""Mistake: the fit penalises b too, (w² + b²)/(2 tau²) (Newton's method, run to convergence)."""


def fit_logistic_map(X, y, tau):
    X, y = _check(X, y, tau)
    theta = np.zeros(2)
    design = np.column_stack([X, np.ones_like(X)])
    for _ in range(200):
        p = 1 / (1 + np.exp(-np.clip(design @ theta, -700, 700)))
        gradient = design.T @ (p - y) + theta / tau**2
        hessian = design.T @ (design * (p * (1 - p))[:, None]) + np.eye(2) / tau**2
        step = np.linalg.solve(hessian, gradient)
        theta = theta - step
        if np.max(np.abs(step)) < 1e-13 * (1 + np.max(np.abs(theta))):
            break
    return float(theta[0]), float(theta[1])
