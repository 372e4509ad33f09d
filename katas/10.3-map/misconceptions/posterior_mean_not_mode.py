"""You returned the posterior mean, (heads + alpha) / (n + alpha + beta). The MAP estimate is the posterior's mode, its highest point: (heads + alpha − 1) / (n + alpha + beta − 2). The two differ by the −1 and −2, most when there is little data."""


def binomial_map(heads, n, alpha, beta):
    if not (alpha >= 1 and beta >= 1 and n >= 1 and 0 <= heads <= n):
        raise ValueError("bad input")
    return (heads + alpha) / (n + alpha + beta)
