"""You used a normal approximation, mean ± z·sd, for the interval. A Beta distribution is skewed (very much so with few observations or a mean near 0 or 1), so its equal-tailed interval comes from its own quantiles: scipy.stats.beta.ppf((1 − mass)/2, a, b) and beta.ppf(1 − (1 − mass)/2, a, b)."""
from scipy import stats


def credible_interval(alpha, beta, mass=0.95):
    if not (0 < mass < 1 and alpha > 0 and beta > 0):
        raise ValueError("bad input")
    mean, sd = stats.beta.mean(alpha, beta), stats.beta.std(alpha, beta)
    z = stats.norm.ppf(1 - (1 - mass) / 2)
    return float(mean - z * sd), float(mean + z * sd)
