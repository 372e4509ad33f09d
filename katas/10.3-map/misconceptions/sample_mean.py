"""You returned the sample mean, the MLE: the prior was left out. The MAP weighs the prior mean and the data by their precisions, (mu0/tau² + Σx/sigma²) / (1/tau² + n/sigma²); only a vague prior (tau → ∞) gives the sample mean."""
import numpy as np


def gaussian_mean_map(data, sigma, mu0, tau):
    data = np.asarray(data, dtype=float)
    if data.size == 0 or sigma <= 0 or tau <= 0:
        raise ValueError("bad input")
    return float(data.mean())
