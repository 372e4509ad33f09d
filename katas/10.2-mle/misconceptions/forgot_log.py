"""You returned the likelihood p^heads (1-p)^(n-heads) itself, not its logarithm. The likelihood of a long sequence is a product of many small numbers and underflows to 0; the log-likelihood turns the product into a sum: heads·ln p + (n-heads)·ln(1-p)."""
import numpy as np


def binomial_log_likelihood(p, heads, n):
    p = np.asarray(p, dtype=float)
    if n < 1 or not 0 <= heads <= n or np.any((p < 0) | (p > 1)):
        raise ValueError("bad input")
    result = p ** heads * (1 - p) ** (n - heads)
    return result if result.ndim else float(result)
