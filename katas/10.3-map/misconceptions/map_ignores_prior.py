"""You returned heads / n, the maximum likelihood estimate: the prior was left out. MAP maximises likelihood × prior, which adds the prior's alpha − 1 pseudo-heads and beta − 1 pseudo-tails: (heads + alpha − 1) / (n + alpha + beta − 2)."""


def binomial_map(heads, n, alpha, beta):
    if not (alpha >= 1 and beta >= 1 and n >= 1 and 0 <= heads <= n):
        raise ValueError("bad input")
    return heads / n
