"""You used 1/tau² as the penalty. The negative log-posterior is ‖y − Xw‖²/(2 sigma²) + ‖w‖²/(2 tau²); setting its gradient to zero and multiplying by sigma² gives (XᵀX + (sigma²/tau²) I) w = Xᵀy: the penalty is the noise variance over the prior variance, not one over the prior variance."""
import numpy as np


def ridge_map(X, y, sigma, tau):
    X = np.asarray(X, dtype=float)
    X = X.reshape(-1, 1) if X.ndim == 1 else X
    y = np.asarray(y, dtype=float)
    if X.shape[0] != y.shape[0] or sigma <= 0 or tau <= 0:
        raise ValueError("bad input")
    return np.linalg.solve(X.T @ X + np.eye(X.shape[1]) / tau**2, X.T @ y)
