"""You estimated sigma from the residuals dividing by n - 2 (the unbiased residual variance of regression software). The maximum likelihood estimate divides by n: sigma = sqrt(mean squared residual)."""
import numpy as np


def fit_linear_regression_mle(X, y):
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    m, b = np.polyfit(X, y, 1)
    return float(m), float(b), float(np.sqrt(np.sum((y - m * X - b) ** 2) / (X.size - 2)))
