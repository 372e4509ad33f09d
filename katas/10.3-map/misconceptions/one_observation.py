"""You combined the prior with the sample mean as if it were one observation. n observations carry n times the precision of one: (mu0/tau² + Σx/sigma²) / (1/tau² + n/sigma²), so more data pulls the estimate further from mu0."""
import numpy as np


def gaussian_mean_map(data, sigma, mu0, tau):
    data = np.asarray(data, dtype=float)
    if data.size == 0 or sigma <= 0 or tau <= 0:
        raise ValueError("bad input")
    return float((mu0 / tau**2 + data.mean() / sigma**2) / (1 / tau**2 + 1 / sigma**2))
