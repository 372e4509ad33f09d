"""At p = 0 or p = 1 you computed 0 · ln(0), which NumPy evaluates as 0 · (-inf) = nan. Probability theory says this term is 0: use scipy.special.xlogy(heads, p) and xlogy(n - heads, 1 - p), or leave out terms whose count is 0."""
import numpy as np


def binomial_log_likelihood(p, heads, n):
    p = np.asarray(p, dtype=float)
    if n < 1 or not 0 <= heads <= n or np.any((p < 0) | (p > 1)):
        raise ValueError("bad input")
    with np.errstate(divide="ignore", invalid="ignore"):
        result = heads * np.log(p) + (n - heads) * np.log(1 - p)
    return result if result.ndim else float(result)
