"""You returned P(p < threshold), the posterior's cumulative distribution at the threshold. The question asks for the other side: P(p > threshold) = 1 − cdf, which scipy.stats.beta.sf computes accurately even far in the tail."""
from scipy import stats


def prob_greater_than(alpha, beta, heads, n, threshold):
    if not (alpha > 0 and beta > 0 and n >= 0 and 0 <= heads <= n and 0 <= threshold <= 1):
        raise ValueError("bad input")
    return float(stats.beta.cdf(threshold, alpha + heads, beta + n - heads))
