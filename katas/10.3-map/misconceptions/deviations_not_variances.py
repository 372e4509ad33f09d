"""You weighted by 1/tau and 1/sigma. The weights of the prior and of the data are precisions, one over the variances: (mu0/tau² + Σx/sigma²) / (1/tau² + n/sigma²)."""
import numpy as np


def gaussian_mean_map(data, sigma, mu0, tau):
    data = np.asarray(data, dtype=float)
    if data.size == 0 or sigma <= 0 or tau <= 0:
        raise ValueError("bad input")
    return float((mu0 / tau + data.sum() / sigma) / (1 / tau + data.size / sigma))
