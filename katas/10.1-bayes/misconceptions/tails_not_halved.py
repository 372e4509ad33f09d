"""You cut 1 − mass off each tail, so the interval holds 2·mass − 1 (a 90% interval for mass 0.95). An equal-tailed interval splits what is left out between the two tails: (1 − mass)/2 below lo and as much above hi, scipy.stats.beta.ppf((1 − mass)/2, a, b) and beta.isf((1 − mass)/2, a, b)."""
from scipy import stats


def credible_interval(alpha, beta, mass=0.95):
    if not (0 < mass < 1 and alpha > 0 and beta > 0):
        raise ValueError("bad input")
    return float(stats.beta.ppf(1 - mass, alpha, beta)), float(stats.beta.ppf(mass, alpha, beta))
