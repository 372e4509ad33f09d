"""Mistake: P(p > threshold) estimated from 200,000 posterior samples, where the contract asks for it exactly."""


def prob_greater_than(alpha, beta, heads, n, threshold):
    if not (alpha > 0 and beta > 0 and n >= 0 and 0 <= heads <= n and 0 <= threshold <= 1):
        raise ValueError("bad input")
    samples = np.random.default_rng().beta(alpha + heads, beta + n - heads, 200_000)
    return float(np.mean(samples > threshold))
