"""You computed P(p > threshold) under the prior, Beta(alpha, beta), and left the data out. The question is about the posterior: Beta(alpha + heads, beta + n − heads)."""
from scipy import stats


def prob_greater_than(alpha, beta, heads, n, threshold):
    if not (alpha > 0 and beta > 0 and n >= 0 and 0 <= heads <= n and 0 <= threshold <= 1):
        raise ValueError("bad input")
    return float(stats.beta.sf(threshold, alpha, beta))
