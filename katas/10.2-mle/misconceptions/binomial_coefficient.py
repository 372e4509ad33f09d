"""You included the binomial coefficient: that is ln P(heads | n, p), the probability of the count (scipy.stats.binom.logpmf). The kata asks for the log-likelihood of one observed sequence, heads·ln p + (n-heads)·ln(1-p), without ln C(n, heads). The constant does not move the maximum, but it is a different number."""
import numpy as np
from scipy import stats


def binomial_log_likelihood(p, heads, n):
    p = np.asarray(p, dtype=float)
    if n < 1 or not 0 <= heads <= n or np.any((p < 0) | (p > 1)):
        raise ValueError("bad input")
    result = stats.binom.logpmf(heads, n, p)
    return result if np.ndim(result) else float(result)
