"""Mistake: an intercept column the contract does not ask for."""


def ridge_map(X, y, sigma, tau):
    X = np.asarray(X, dtype=float)
    X = X.reshape(-1, 1) if X.ndim == 1 else X
    X = np.column_stack([X, np.ones(len(X))])
    y = np.asarray(y, dtype=float)
    if X.shape[0] != y.shape[0] or sigma <= 0 or tau <= 0:
        raise ValueError("bad")
    return np.linalg.solve(X.T @ X + (sigma / tau) ** 2 * np.eye(X.shape[1]), X.T @ y)[:-1]
