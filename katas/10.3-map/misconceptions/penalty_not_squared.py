"""You used sigma/tau as the penalty. Maximising the log-posterior gives ‖y − Xw‖²/(2 sigma²) + ‖w‖²/(2 tau²); multiplied by 2 sigma², the penalty on ‖w‖² is sigma²/tau², a ratio of variances."""
import numpy as np


def ridge_map(X, y, sigma, tau):
    X = np.asarray(X, dtype=float)
    X = X.reshape(-1, 1) if X.ndim == 1 else X
    y = np.asarray(y, dtype=float)
    if X.shape[0] != y.shape[0] or sigma <= 0 or tau <= 0:
        raise ValueError("bad input")
    return np.linalg.solve(X.T @ X + (sigma / tau) * np.eye(X.shape[1]), X.T @ y)
