"""You returned the posterior's mode, (alpha + heads − 1) / (alpha + beta + n − 2), which is the MAP estimate of kata 10.3. The posterior mean of Beta(a, b) is a / (a + b): (alpha + heads) / (alpha + beta + n)."""


def posterior_mean(alpha, beta, heads, n):
    if not (alpha > 0 and beta > 0 and n >= 0 and 0 <= heads <= n):
        raise ValueError("bad input")
    return (alpha + heads - 1) / (alpha + beta + n - 2)
