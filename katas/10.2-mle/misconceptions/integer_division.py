"""You used integer division: `heads // n` rounds down, so every estimate below 1 becomes 0. In Python 3, `/` divides exactly; the MLE is heads / n."""


def binomial_mle(heads, n):
    if n < 1 or not 0 <= heads <= n:
        raise ValueError("bad counts")
    return heads // n
