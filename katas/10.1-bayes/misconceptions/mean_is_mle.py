"""You returned heads / n, the maximum likelihood estimate, which ignores the prior. The posterior mean adds the prior's pseudo-counts: (alpha + heads) / (alpha + beta + n). With little data the difference is large (3 heads in 3 flips: 1.0 against 0.8 under a uniform prior)."""


def posterior_mean(alpha, beta, heads, n):
    if not (alpha > 0 and beta > 0 and n >= 0 and 0 <= heads <= n):
        raise ValueError("bad input")
    return heads / n
