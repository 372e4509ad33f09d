"""You added n, the number of trials, to beta. beta counts tails: the posterior is Beta(alpha + heads, beta + n − heads), so the two parameters together grow by n, not by n + heads."""


def beta_binomial_update(alpha, beta, heads, n):
    if not (alpha > 0 and beta > 0 and n >= 0 and 0 <= heads <= n):
        raise ValueError("bad input")
    return alpha + heads, beta + n
