"""You added the tails to alpha and the heads to beta. In Beta(alpha, beta) as a prior on the probability of heads, alpha counts (pseudo-)heads and beta (pseudo-)tails: the posterior is Beta(alpha + heads, beta + n − heads)."""


def beta_binomial_update(alpha, beta, heads, n):
    if not (alpha > 0 and beta > 0 and n >= 0 and 0 <= heads <= n):
        raise ValueError("bad input")
    return alpha + n - heads, beta + heads
