"""You returned the data's counts alone, (heads, n − heads), and forgot the prior. Updating adds the data to the prior's pseudo-counts: Beta(alpha + heads, beta + n − heads)."""


def beta_binomial_update(alpha, beta, heads, n):
    if not (alpha > 0 and beta > 0 and n >= 0 and 0 <= heads <= n):
        raise ValueError("bad input")
    return heads, n - heads
