"""You used tau²/sigma² as the penalty. The ridge penalty is the noise variance over the prior variance, lambda = sigma²/tau²: a vaguer prior (larger tau) must penalise less, not more."""
import numpy as np


def ridge_map(X, y, sigma, tau):
    X = np.asarray(X, dtype=float)
    X = X.reshape(-1, 1) if X.ndim == 1 else X
    y = np.asarray(y, dtype=float)
    if X.shape[0] != y.shape[0] or sigma <= 0 or tau <= 0:
        raise ValueError("bad input")
    return np.linalg.solve(X.T @ X + (tau / sigma) ** 2 * np.eye(X.shape[1]), X.T @ y)
