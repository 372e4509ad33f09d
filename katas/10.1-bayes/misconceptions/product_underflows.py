"""You multiplied p^heads (1−p)^(n−heads) directly. For large n every one of those products underflows to 0, so the posterior mass looks like 0 although the data are perfectly possible. Add logarithms instead (heads·ln p + (n − heads)·ln(1 − p), plus ln prior), subtract the largest before exponentiating, then normalise."""
import numpy as np


def grid_posterior(grid, prior, heads, n):
    grid, prior = np.asarray(grid, dtype=float), np.asarray(prior, dtype=float)
    if grid.shape != prior.shape or np.any((grid < 0) | (grid > 1)):
        raise ValueError("bad input")
    weights = prior * grid ** heads * (1 - grid) ** (n - heads)
    if weights.sum() == 0:
        raise ValueError("posterior mass 0")
    return weights / weights.sum()
